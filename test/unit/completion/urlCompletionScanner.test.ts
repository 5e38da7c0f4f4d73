/**
 * URL completion reads the URL with the checker's scanner (uri/scanner.ts), so it sees what the checker sees:
 * `+` in the query is a space (the path keeps it), percent-encoded quotes, colons and parentheses are the
 * characters they stand for, a string open at the cursor is a string, a string left open in one query option
 * ends with it, and frames (nested `$expand(…;$select=…)`, lambdas) come from those tokens. `|` marks the cursor.
 */
import assert from 'node:assert/strict';
import { describe as suite, test } from 'node:test';
import { complete, crm, excludes, includes } from './urlCompletionHarness';

suite('URL completion reads the scanner\'s tokens', () => {
  test('`+` in the query is a space: operators after an operand, members after an operator, and/or after a comparison', () => {
    includes(complete('accounts?$filter=name+|', crm()), 'eq', 'ne', 'and');
    const value = complete('accounts?$filter=revenue+gt+|', crm());
    includes(value, 'name', 'revenue');
    excludes(value, 'eq');
    const logical = complete("accounts?$filter=name+eq+'x'+a|", crm());
    includes(logical, 'and', 'or');
    assert.equal(logical.replaced('and'), 'a', 'the word is what follows the last +');
    assert.ok(logical.item('and').sortText! < logical.item('eq').sortText!, 'and/or first after a comparison');
    includes(complete('accounts?$orderby=name+|', crm()), 'asc', 'desc');
    // A sign is not a space: `+5` is one operand.
    includes(complete('accounts?$filter=revenue gt +5 |', crm()), 'and', 'or');
  });

  test('`+` inside a quoted value and in the resource path', () => {
    // After a closed string that contained `+`, still an operand.
    includes(complete("accounts?$filter=name eq 'a+b' |", crm()), 'and');
    // In the path `+` is literal: `accounts+` is not the set followed by a space.
    const path = complete('accounts+|', crm());
    excludes(path, 'eq', 'and');
  });

  test('percent-encoded quotes open and close strings like quotes', () => {
    includes(complete('accounts?$filter=name eq %27x%27 |', crm()), 'and', 'or');
    includes(complete('accounts?$filter=name eq %27O%27%27Brian%27 |', crm()), 'and', 'or');
    const inside = complete('contacts?$filter=Microsoft.Dynamics.CRM.LastXDays(PropertyName=%27full|', crm());
    includes(inside, 'fullname');
    assert.equal(inside.replaced('fullname'), 'full', 'the range starts after the encoded quote');
    // An encoded space between words.
    const encodedSpace = complete('accounts?$filter=name%20eq%20%27x%27%20|', crm());
    includes(encodedSpace, 'and');
    assert.equal(encodedSpace.replaced('and'), '', 'nothing before the cursor is replaced after %20');
  });

  test('a string open at the cursor offers nothing outside a PropertyName, and a doubled quote stays inside it', () => {
    assert.deepEqual(complete("accounts?$filter=name eq 'abc|", crm()).labels, []);
    assert.deepEqual(complete("accounts?$filter=name eq 'it''s |", crm()).labels, []);
    assert.deepEqual(complete("accounts?$filter=name eq 'it'' a|", crm()).labels, []);
  });

  test('a string left open in an earlier option ends with it', () => {
    const next = complete("accounts?$filter=name eq 'x&$select=na|", crm());
    includes(next, 'name');
    assert.equal(next.replaced('name'), 'na');
    includes(complete("accounts?$filter=name eq 'x&|", crm()), '$select', '$top');
  });

  test('nested $expand(…;$select=…): frames from the scanner\'s parentheses and semicolons', () => {
    const select = complete('accounts?$expand=primarycontactid($select=fullname,|', crm());
    includes(select, 'lastname');
    excludes(select, 'fullname', 'revenue');
    const options = complete('accounts?$expand=primarycontactid($select=fullname;$|', crm());
    includes(options, '$filter', '$top');
    excludes(options, '$select');
    includes(complete("accounts?$expand=primarycontactid($filter=fullname+eq+'a';$select=|", crm()), 'lastname');
    // Encoded parentheses and `+` together.
    includes(complete('accounts?$expand=primarycontactid%28$select=fullname;$expand=parentcustomerid_account%28$select=na|', crm()), 'name');
    // An encoded `;` (%3B) is data, not a separator: still in the $select list of the nested frame.
    excludes(complete('accounts?$expand=primarycontactid($select=fullname%3B|', crm()), '$filter');
    // Back at the top after the nested frame closes.
    includes(complete('accounts?$expand=primarycontactid($select=fullname),|', crm()), 'createdby');
  });

  test('lambda variables: declared with a plain or an encoded colon, offered in the body, typed by their path', () => {
    const members = complete('accounts?$filter=contact_customer_accounts/any(c:c/|', crm());
    includes(members, 'fullname');
    excludes(members, 'revenue');
    includes(complete('accounts?$filter=contact_customer_accounts/any(c%3Ac/|', crm()), 'fullname');
    const variable = complete("accounts?$filter=contact_customer_accounts/any(c:c/fullname+eq+'a'+and+|", crm());
    includes(variable, 'c');
    assert.equal(variable.item('c').detail, 'lambda variable: contact');
    const nested = complete('accounts?$filter=contact_customer_accounts/any(c:c/opportunity_customer_contacts/all(o:o/est|', crm());
    includes(nested, 'estimatedvalue');
    assert.equal(nested.replaced('estimatedvalue'), 'est');
  });

  test('the query starts at the first `?` written as such, where the parser starts it; an encoded %3F stays in the path', () => {
    // A `?` inside a key's quotes still ends the path (URL syntax; a `?` in a key is written %3F).
    includes(complete("accounts('a?$|", crm()), '$select', '$filter');
    includes(complete("accounts('a%3Fb')/primarycontactid?$select=|", crm()), 'fullname');
    includes(complete("accounts('a%3Fb')/primarycontactid/|", crm()), 'fullname');
  });
});
