// Schema drift: diffSchemas on generated pairs with one known edit each, and on the real pair of Dataverse versions
// in the shared corpus (v8 crm_schema.xml → the v9.1 org), against counts computed here independently with another
// XML parser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { createModelIndex, diffSchemas, readCsdl, summaryLine, type SchemaChange } from '../../../server/src/odata/index';

const base = `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
<edmx:DataServices>
<Schema Namespace="Microsoft.Dynamics.CRM" Alias="mscrm" xmlns="http://docs.oasis-open.org/odata/ns/edm">
  <EntityType Name="account">
    <Key><PropertyRef Name="accountid" /></Key>
    <Property Name="accountid" Type="Edm.Guid" Nullable="false" />
    <Property Name="name" Type="Edm.String" MaxLength="160" />
    <Property Name="revenue" Type="Edm.Decimal" Precision="19" Scale="4" />
    <Property Name="accountnumber" Type="Edm.String" MaxLength="20" />
    <Property Name="_primarycontactid_value" Type="Edm.Guid" />
    <NavigationProperty Name="primarycontactid" Type="mscrm.contact"><ReferentialConstraint Property="_primarycontactid_value" ReferencedProperty="contactid" /></NavigationProperty>
    <NavigationProperty Name="contact_customer_accounts" Type="Collection(mscrm.contact)" />
  </EntityType>
  <EntityType Name="contact">
    <Key><PropertyRef Name="contactid" /></Key>
    <Property Name="contactid" Type="Edm.Guid" Nullable="false" />
    <Property Name="fullname" Type="Edm.String" />
  </EntityType>
  <ComplexType Name="WhoAmIResponse">
    <Property Name="UserId" Type="Edm.Guid" Nullable="false" />
  </ComplexType>
  <EnumType Name="Level" UnderlyingType="Edm.Int32">
    <Member Name="Low" Value="1" />
    <Member Name="High" Value="2" />
  </EnumType>
  <Action Name="WinOpportunity">
    <Parameter Name="Status" Type="Edm.Int32" Nullable="false" />
  </Action>
  <Function Name="WhoAmI" IsBound="false"><ReturnType Type="mscrm.WhoAmIResponse" Nullable="false" /></Function>
  <Function Name="CalculateRollup" IsBound="true">
    <Parameter Name="entity" Type="mscrm.account" Nullable="false" />
    <Parameter Name="FieldName" Type="Edm.String" Nullable="false" />
    <ReturnType Type="Edm.String" />
  </Function>
  <EntityContainer Name="System">
    <EntitySet Name="accounts" EntityType="Microsoft.Dynamics.CRM.account" />
    <EntitySet Name="contacts" EntityType="Microsoft.Dynamics.CRM.contact" />
    <FunctionImport Name="WhoAmI" Function="Microsoft.Dynamics.CRM.WhoAmI" />
    <ActionImport Name="WinOpportunity" Action="Microsoft.Dynamics.CRM.WinOpportunity" />
  </EntityContainer>
  <Annotations Target="Microsoft.Dynamics.CRM.account">
    <Annotation Term="OData.Community.Keys.V1.AlternateKeys"><Collection><Record Type="OData.Community.Keys.V1.AlternateKey"><PropertyValue Property="Key"><Collection><Record Type="OData.Community.Keys.V1.PropertyRef"><PropertyValue Property="Alias" String="accountnumber" /><PropertyValue Property="Name" PropertyPath="accountnumber" /></Record></Collection></PropertyValue></Record></Collection></Annotation>
  </Annotations>
</Schema>
</edmx:DataServices>
</edmx:Edmx>`;

function index(xml: string) {
  const doc = readCsdl(xml);
  assert.deepEqual(doc.errors.filter((e) => e.severity === 'error'), [], 'the test document is valid CSDL');
  return createModelIndex(doc);
}

function diffEdit(find: string, replace: string): SchemaChange[] {
  assert.ok(base.includes(find), `the base document contains ${find}`);
  return diffSchemas(index(base), index(base.replace(find, replace)));
}

/** The one change an edit makes, without the free-text reason. */
function only(changes: SchemaChange[]): Omit<SchemaChange, 'reason'> {
  assert.equal(changes.length, 1, JSON.stringify(changes, null, 2));
  const { reason: _reason, ...rest } = changes[0]!;
  return rest;
}

test('the same document has no differences', () => {
  assert.deepEqual(diffSchemas(index(base), index(base)), []);
  assert.equal(summaryLine([]), 'No differences.');
});

test('entity sets: removed is breaking, added is not, a changed type is breaking', () => {
  assert.deepEqual(only(diffEdit('<EntitySet Name="contacts" EntityType="Microsoft.Dynamics.CRM.contact" />', '')), {
    change: 'removed', kind: 'entitySet', path: 'contacts', breaking: true, before: 'Microsoft.Dynamics.CRM.contact',
  });
  assert.deepEqual(only(diffEdit('</EntityContainer>', '<EntitySet Name="leads" EntityType="Microsoft.Dynamics.CRM.contact" /></EntityContainer>')), {
    change: 'added', kind: 'entitySet', path: 'leads', breaking: false, after: 'Microsoft.Dynamics.CRM.contact',
  });
  assert.deepEqual(only(diffEdit('<EntitySet Name="contacts" EntityType="Microsoft.Dynamics.CRM.contact" />', '<EntitySet Name="contacts" EntityType="Microsoft.Dynamics.CRM.account" />')), {
    change: 'changed', kind: 'entitySet', path: 'contacts', breaking: true, before: 'Microsoft.Dynamics.CRM.contact', after: 'Microsoft.Dynamics.CRM.account',
  });
});

test('operation imports and singletons', () => {
  assert.deepEqual(only(diffEdit('<FunctionImport Name="WhoAmI" Function="Microsoft.Dynamics.CRM.WhoAmI" />', '')), {
    change: 'removed', kind: 'operationImport', path: 'WhoAmI', breaking: true, before: 'Microsoft.Dynamics.CRM.WhoAmI',
  });
  assert.deepEqual(only(diffEdit('</EntityContainer>', '<Singleton Name="me" Type="Microsoft.Dynamics.CRM.contact" /></EntityContainer>')), {
    change: 'added', kind: 'singleton', path: 'me', breaking: false, after: 'Microsoft.Dynamics.CRM.contact',
  });
});

test('properties: removed, added (nullable or required), type, nullability, max length, precision and scale', () => {
  assert.deepEqual(only(diffEdit('<Property Name="fullname" Type="Edm.String" />', '')), {
    change: 'removed', kind: 'property', path: 'contact/fullname', breaking: true, before: 'Edm.String',
  });
  assert.deepEqual(only(diffEdit('<Property Name="fullname" Type="Edm.String" />', '<Property Name="fullname" Type="Edm.String" /><Property Name="nickname" Type="Edm.String" />')), {
    change: 'added', kind: 'property', path: 'contact/nickname', breaking: false, after: 'Edm.String',
  });
  assert.deepEqual(only(diffEdit('<Property Name="fullname" Type="Edm.String" />', '<Property Name="fullname" Type="Edm.String" /><Property Name="code" Type="Edm.Int32" Nullable="false" />')), {
    change: 'added', kind: 'property', path: 'contact/code', breaking: true, after: 'Edm.Int32 (not null)',
  });
  assert.deepEqual(only(diffEdit('<Property Name="fullname" Type="Edm.String" />', '<Property Name="fullname" Type="Edm.Int32" />')), {
    change: 'changed', kind: 'property', path: 'contact/fullname', breaking: true, before: 'Edm.String', after: 'Edm.Int32',
  });
  assert.deepEqual(only(diffEdit('<Property Name="fullname" Type="Edm.String" />', '<Property Name="fullname" Type="Edm.String" Nullable="false" />')), {
    change: 'changed', kind: 'property', path: 'contact/fullname', breaking: true, before: 'Edm.String', after: 'Edm.String (not null)',
  });
  const relaxed = diffEdit('<Property Name="UserId" Type="Edm.Guid" Nullable="false" />', '<Property Name="UserId" Type="Edm.Guid" />');
  assert.deepEqual(only(relaxed), { change: 'changed', kind: 'property', path: 'WhoAmIResponse/UserId', breaking: false, before: 'Edm.Guid (not null)', after: 'Edm.Guid' });
  assert.equal(relaxed[0]!.reason, 'now nullable');
  assert.equal(only(diffEdit('MaxLength="160"', 'MaxLength="100"')).breaking, true, 'a shorter max length breaks writes');
  assert.equal(only(diffEdit('MaxLength="160"', 'MaxLength="400"')).breaking, false, 'a longer one does not');
  assert.equal(only(diffEdit('Precision="19"', 'Precision="12"')).breaking, true);
  assert.equal(only(diffEdit('Precision="19"', 'Precision="23"')).breaking, false);
  const scale = diffEdit('Scale="4"', 'Scale="2"');
  assert.equal(only(scale).breaking, true);
  assert.equal(scale[0]!.reason, 'scale 4 → 2');
});

test('navigation properties: removed, added, target changed, collection changed', () => {
  assert.deepEqual(only(diffEdit('<NavigationProperty Name="contact_customer_accounts" Type="Collection(mscrm.contact)" />', '')), {
    change: 'removed', kind: 'navigationProperty', path: 'account/contact_customer_accounts', breaking: true, before: 'Collection(Microsoft.Dynamics.CRM.contact)',
  });
  assert.deepEqual(only(diffEdit('<NavigationProperty Name="contact_customer_accounts" Type="Collection(mscrm.contact)" />', '<NavigationProperty Name="contact_customer_accounts" Type="Collection(mscrm.contact)" /><NavigationProperty Name="owner" Type="mscrm.contact" />')), {
    change: 'added', kind: 'navigationProperty', path: 'account/owner', breaking: false, after: 'Microsoft.Dynamics.CRM.contact',
  });
  const retargeted = diffEdit('<NavigationProperty Name="contact_customer_accounts" Type="Collection(mscrm.contact)" />', '<NavigationProperty Name="contact_customer_accounts" Type="Collection(mscrm.account)" />');
  assert.deepEqual(only(retargeted), {
    change: 'changed', kind: 'navigationProperty', path: 'account/contact_customer_accounts', breaking: true,
    before: 'Collection(Microsoft.Dynamics.CRM.contact)', after: 'Collection(Microsoft.Dynamics.CRM.account)',
  });
  assert.equal(retargeted[0]!.reason, 'the target type changed');
  const single = diffEdit('<NavigationProperty Name="contact_customer_accounts" Type="Collection(mscrm.contact)" />', '<NavigationProperty Name="contact_customer_accounts" Type="mscrm.contact" />');
  assert.equal(single[0]!.reason, 'single-valued ↔ collection');
});

test('keys and alternate keys', () => {
  assert.deepEqual(only(diffEdit('<Key><PropertyRef Name="contactid" /></Key>', '<Key><PropertyRef Name="contactid" /><PropertyRef Name="fullname" /></Key>')), {
    change: 'changed', kind: 'key', path: 'contact', breaking: true, before: 'contactid', after: 'contactid,fullname',
  });
  assert.deepEqual(
    diffEdit('<PropertyValue Property="Name" PropertyPath="accountnumber" />', '<PropertyValue Property="Name" PropertyPath="name" />').map((c) => `${c.change} ${c.kind} ${c.path} ${c.breaking}`),
    ['removed alternateKey account(accountnumber) true', 'added alternateKey account(name) false'],
  );
  const removedAll = diffEdit('<Annotation Term="OData.Community.Keys.V1.AlternateKeys">', '<Annotation Term="Other.Term">');
  assert.deepEqual(removedAll.map((c) => `${c.change} ${c.kind} ${c.path}`), ['removed alternateKey account(accountnumber)']);
});

test('types: entity, complex and enum types added and removed; base type; enum members', () => {
  const removed = diffEdit(/<ComplexType Name="WhoAmIResponse">[\s\S]*?<\/ComplexType>/.exec(base)![0], '');
  assert.deepEqual(removed.map((c) => `${c.change} ${c.kind} ${c.path} ${c.breaking}`), ['removed complexType WhoAmIResponse true']);
  assert.deepEqual(only(diffEdit('<EnumType Name="Level"', '<EnumType Name="Other" UnderlyingType="Edm.Int32"><Member Name="A" Value="0" /></EnumType><EnumType Name="Level"')), {
    change: 'added', kind: 'enumType', path: 'Other', breaking: false, after: 'Microsoft.Dynamics.CRM.Other',
  });
  assert.deepEqual(only(diffEdit('<Member Name="High" Value="2" />', '')), { change: 'removed', kind: 'enumMember', path: 'Level/High', breaking: true, before: '2' });
  assert.deepEqual(only(diffEdit('<Member Name="High" Value="2" />', '<Member Name="High" Value="3" />')), {
    change: 'changed', kind: 'enumMember', path: 'Level/High', breaking: true, before: '2', after: '3',
  });
  assert.deepEqual(only(diffEdit('<Member Name="High" Value="2" />', '<Member Name="High" Value="2" /><Member Name="Top" Value="4" />')), {
    change: 'added', kind: 'enumMember', path: 'Level/Top', breaking: false, after: '4',
  });
  assert.deepEqual(only(diffEdit('<EnumType Name="Level" UnderlyingType="Edm.Int32">', '<EnumType Name="Level" UnderlyingType="Edm.Int32" IsFlags="true">')), {
    change: 'changed', kind: 'enumType', path: 'Level', breaking: true, before: 'Edm.Int32', after: 'Edm.Int32 flags',
  });
  assert.deepEqual(only(diffEdit('<ComplexType Name="WhoAmIResponse">', '<ComplexType Name="Base" /><ComplexType Name="WhoAmIResponse" BaseType="mscrm.Base">').filter((c) => c.kind !== 'complexType' || c.change !== 'added')), {
    change: 'changed', kind: 'complexType', path: 'WhoAmIResponse', breaking: true, before: 'base (none)', after: 'base Microsoft.Dynamics.CRM.Base',
  });
});

test('operations: removed, added, parameters, return type, action ↔ function; bound overloads named by their binding', () => {
  assert.deepEqual(only(diffEdit('<Parameter Name="FieldName" Type="Edm.String" Nullable="false" />', '<Parameter Name="FieldName" Type="Edm.String" Nullable="false" /><Parameter Name="Extra" Type="Edm.Int32" />')), {
    change: 'changed', kind: 'operation', path: 'Microsoft.Dynamics.CRM.CalculateRollup(Microsoft.Dynamics.CRM.account)', breaking: false,
    before: 'Function (FieldName: Edm.String!) → Edm.String', after: 'Function (FieldName: Edm.String!, Extra: Edm.Int32) → Edm.String',
  });
  const required = diffEdit('<Parameter Name="Status" Type="Edm.Int32" Nullable="false" />', '<Parameter Name="Status" Type="Edm.Int32" Nullable="false" /><Parameter Name="Reason" Type="Edm.String" Nullable="false" />');
  assert.equal(only(required).breaking, true);
  assert.equal(required[0]!.reason, 'parameter Reason added (required)');
  const retyped = diffEdit('<Parameter Name="Status" Type="Edm.Int32" Nullable="false" />', '<Parameter Name="Status" Type="Edm.String" Nullable="false" />');
  assert.equal(retyped[0]!.reason, 'parameter Status: Edm.Int32 → Edm.String');
  const returns = diffEdit('<ReturnType Type="Edm.String" />', '<ReturnType Type="Edm.Int32" />');
  assert.equal(returns[0]!.reason, 'returns Edm.String → Edm.Int32');
  assert.deepEqual(
    diffEdit(/<Action Name="WinOpportunity">[\s\S]*?<\/Action>/.exec(base)![0], '').map((c) => `${c.change} ${c.kind} ${c.path} ${c.breaking}`),
    ['removed operation Microsoft.Dynamics.CRM.WinOpportunity true'],
  );
});

// ---------------------------------------------------------------------------------------------------------
// The real pair: Dataverse v8 (crm_schema.xml) and a v9.1 org, counted independently
// ---------------------------------------------------------------------------------------------------------

const corpus = resolve(import.meta.dirname, '../../../../shared/corpus/metadata');

interface Counted {
  sets: Set<string>;
  types: Map<string, { props: Set<string>; nav: Set<string> }>;
  enums: Map<string, Set<string>>;
}

const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Entity sets, entity types with their declared properties and navigation properties, enums with members. */
function countWithAnotherParser(file: string): Counted {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', removeNSPrefix: true, isArray: () => false });
  const root = parser.parse(readFileSync(file, 'utf8'));
  const counted: Counted = { sets: new Set(), types: new Map(), enums: new Map() };
  for (const schema of asArray<any>(root.Edmx.DataServices.Schema)) {
    for (const type of asArray<any>(schema.EntityType)) {
      counted.types.set(type.Name, {
        props: new Set(asArray<any>(type.Property).map((p) => p.Name)),
        nav: new Set(asArray<any>(type.NavigationProperty).map((p) => p.Name)),
      });
    }
    for (const e of asArray<any>(schema.EnumType)) counted.enums.set(e.Name, new Set(asArray<any>(e.Member).map((m) => m.Name)));
    for (const set of asArray<any>(schema.EntityContainer?.EntitySet)) counted.sets.add(set.Name);
  }
  return counted;
}

function minus<T>(a: Iterable<T>, b: { has(x: T): boolean }): number {
  let n = 0;
  for (const x of a) if (!b.has(x)) n++;
  return n;
}

test('the real Dataverse v8 → v9.1 pair: every count agrees with an independent count', () => {
  const oldFile = resolve(corpus, 'simpleodata__crm_schema.xml');
  const newFile = resolve(corpus, 'davidmoten-odata-client__dynamics-crm4-v9.1-metadata.xml');
  const changes = diffSchemas(index(readFileSync(oldFile, 'utf8')), index(readFileSync(newFile, 'utf8')));
  const before = countWithAnotherParser(oldFile);
  const after = countWithAnotherParser(newFile);
  const count = (change: string, kind: string) => changes.filter((c) => c.change === change && c.kind === kind).length;

  assert.equal(count('removed', 'entitySet'), minus(before.sets, after.sets));
  assert.equal(count('added', 'entitySet'), minus(after.sets, before.sets));
  assert.equal(count('removed', 'entityType'), minus(before.types.keys(), after.types));
  assert.equal(count('added', 'entityType'), minus(after.types.keys(), before.types));
  let propsRemoved = 0, propsAdded = 0, navRemoved = 0, navAdded = 0;
  for (const [name, old] of before.types) {
    const now = after.types.get(name);
    if (!now) continue;
    propsRemoved += minus(old.props, now.props);
    propsAdded += minus(now.props, old.props);
    navRemoved += minus(old.nav, now.nav);
    navAdded += minus(now.nav, old.nav);
  }
  const entityTypeMembers = (change: string, kind: string) =>
    changes.filter((c) => c.change === change && c.kind === kind && before.types.has(c.path.split('/')[0]!)).length;
  assert.equal(entityTypeMembers('removed', 'property'), propsRemoved);
  assert.equal(entityTypeMembers('added', 'property'), propsAdded);
  assert.equal(count('removed', 'navigationProperty'), navRemoved);
  assert.equal(count('added', 'navigationProperty'), navAdded);
  let membersRemoved = 0;
  for (const [name, members] of before.enums) {
    const now = after.enums.get(name);
    if (now) membersRemoved += minus(members, now);
  }
  assert.equal(count('removed', 'enumMember'), membersRemoved);

  // Real drift, as sanity: this pair really differs, and every removal is breaking.
  assert.ok(propsRemoved > 0 && navAdded > 0 && count('removed', 'entitySet') > 0);
  assert.ok(changes.filter((c) => c.change === 'removed').every((c) => c.breaking));
  assert.ok(changes.filter((c) => c.change === 'added' && c.kind !== 'property').every((c) => !c.breaking));
});
