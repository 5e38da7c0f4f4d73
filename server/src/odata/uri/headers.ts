/**
 * OData header values (ABNF §8): `Prefer` preferences and the OData-specific headers. Used to validate
 * the headers of a request in a `.odata` file. Unknown RFC 7240 preferences parse as generic ones.
 */
import type { SyntaxError } from './ast';
import { isIdentifierPart, isIdentifierStart } from './literals';
import { odataPreferences, plainPreferences } from '../facts/headers';

export interface Preference {
  /** Name without the optional `odata.` prefix, lower case (`maxpagesize`, `include-annotations`). */
  name: string;
  /** Name as written. */
  rawName: string;
  /** Value after `=` (quotes removed), if any. */
  value?: string;
  /** True for the preferences OData defines. */
  known: boolean;
  start: number;
  end: number;
}


function err(errors: SyntaxError[], message: string, start: number, end: number): void {
  errors.push({ code: 'syntax.invalid-header', message, span: { start, end } });
}

/** Checks `"…"` include-annotations lists: `[-](*|ns.term|ns.*)[#qualifier]`. */
function checkAnnotationsList(list: string, errors: SyntaxError[], offset: number): void {
  let pos = 0;
  for (const item of list.split(',')) {
    let s = item.startsWith('-') ? item.slice(1) : item;
    const hash = s.indexOf('#');
    let qualifier: string | undefined;
    if (hash >= 0) {
      qualifier = s.slice(hash + 1);
      s = s.slice(0, hash);
    }
    const ok =
      (s === '*' || /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*\.([A-Za-z_]\w*|\*)$/.test(s)) && (qualifier === undefined || /^[A-Za-z_]\w*$/.test(qualifier));
    if (!ok) err(errors, `Invalid annotation filter '${item}': use *, Namespace.* or Namespace.Term.`, offset + pos, offset + pos + item.length + 1);
    pos += item.length + 1;
  }
}

/** Parses one preference (`odata.maxpagesize=50`, `return=minimal`, `odata.include-annotations="*"`). */
export function parsePreference(text: string, offset = 0): { preference?: Preference; errors: SyntaxError[] } {
  const errors: SyntaxError[] = [];
  let pos = 0;
  const t = text;
  const nameStart = pos;
  while (pos < t.length && /[A-Za-z0-9!#$%&'*+\-.^_`|~]/.test(t[pos])) pos++;
  const rawName = t.slice(nameStart, pos);
  if (!rawName) {
    err(errors, 'Expected a preference name.', offset, offset + 1);
    return { errors };
  }
  const lower = rawName.toLowerCase();
  const prefixed = lower.startsWith('odata.');
  const name = prefixed ? lower.slice(6) : lower;
  const known = odataPreferences.has(name) || (!prefixed && plainPreferences.has(name));
  const pref: Preference = { name, rawName, known, start: offset, end: offset + t.length };
  const skipWs = (): void => {
    while (t[pos] === ' ' || t[pos] === '\t') pos++;
  };
  const save = pos;
  skipWs();
  if (name === 'callback' && known) {
    if (t[pos] !== ';') {
      err(errors, "callback needs ';url=\"…\"'.", offset + pos, offset + pos + 1);
      return { preference: pref, errors };
    }
    pos++;
    skipWs();
    if (t.slice(pos, pos + 3).toLowerCase() !== 'url') err(errors, "Expected 'url'.", offset + pos, offset + pos + 3);
    pos += 3;
    skipWs();
  }
  let value: string | undefined;
  let quoted = false;
  if (t[pos] === '=') {
    pos++;
    skipWs();
    if (t[pos] === '"') {
      const close = t.indexOf('"', pos + 1);
      if (close < 0) {
        err(errors, 'Unterminated quoted value.', offset + pos, offset + t.length);
        return { preference: pref, errors };
      }
      value = t.slice(pos + 1, close);
      quoted = true;
      pos = close + 1;
    } else {
      const vs = pos;
      while (pos < t.length && /[A-Za-z0-9!#$%&'*+\-.^_`|~]/.test(t[pos])) pos++;
      value = t.slice(vs, pos);
    }
  } else pos = save;
  if (value !== undefined) pref.value = value;
  // Generic parameters `; p=v` of RFC 7240 preferences are accepted as they are.
  if (pos < t.length && !(t[pos] === ';' && !known)) {
    err(errors, `Unexpected '${t[pos]}' in preference.`, offset + pos, offset + t.length);
  }
  if (!known) return { preference: pref, errors };
  const valueAt = offset + t.length - (value?.length ?? 0);
  const bad = (message: string): void => err(errors, message, valueAt, offset + t.length);
  switch (name) {
    case 'allow-entityreferences':
    case 'respond-async':
    case 'track-changes':
      if (value !== undefined) bad(`${rawName} takes no value.`);
      break;
    case 'callback':
      if (!quoted || !/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(value ?? '')) bad('callback needs url="<absolute URI>".');
      break;
    case 'continue-on-error':
      if (value !== undefined && !/^(true|false)$/i.test(value)) bad('continue-on-error takes true or false.');
      break;
    case 'include-annotations':
      if (!quoted || value === undefined) bad('include-annotations needs a quoted list, e.g. "*".');
      else checkAnnotationsList(value, errors, valueAt);
      break;
    case 'maxpagesize':
      if (value === undefined || !/^[1-9]\d*$/.test(value)) bad('maxpagesize needs a positive integer.');
      break;
    case 'omit-values':
      if (value !== 'nulls' && value !== 'defaults') bad('omit-values takes nulls or defaults.');
      break;
    case 'return':
      if (value !== 'representation' && value !== 'minimal') bad('return takes representation or minimal.');
      break;
    case 'wait':
      if (value === undefined || !/^\d+$/.test(value)) bad('wait needs a number of seconds.');
      break;
  }
  return { preference: pref, errors };
}

/** Splits a `Prefer` header value at top-level commas (outside quotes) and parses each preference. */
export function parsePreferHeader(value: string, offset = 0): { preferences: Preference[]; errors: SyntaxError[] } {
  const preferences: Preference[] = [];
  const errors: SyntaxError[] = [];
  let start = 0;
  let quote = false;
  for (let i = 0; i <= value.length; i++) {
    const c = value[i];
    if (c === '"') quote = !quote;
    if (i === value.length || (c === ',' && !quote)) {
      let s = start;
      let e = i;
      while (s < e && (value[s] === ' ' || value[s] === '\t')) s++;
      while (e > s && (value[e - 1] === ' ' || value[e - 1] === '\t')) e--;
      const r = parsePreference(value.slice(s, e), offset + s);
      if (r.preference) preferences.push(r.preference);
      errors.push(...r.errors);
      start = i + 1;
    }
  }
  return { preferences, errors };
}

/** Validates an OData header line `Name: value` (AsyncResult, Content-ID, Isolation, OData-*, Prefer). */
export function parseHeader(line: string): { name?: string; value?: string; errors: SyntaxError[] } {
  const errors: SyntaxError[] = [];
  const colon = line.indexOf(':');
  if (colon <= 0) {
    err(errors, "Expected 'Name: value'.", 0, line.length);
    return { errors };
  }
  const name = line.slice(0, colon);
  let vs = colon + 1;
  while (line[vs] === ' ' || line[vs] === '\t') vs++;
  const value = line.slice(vs);
  const bad = (message: string): void => err(errors, message, vs, line.length);
  switch (name.toLowerCase()) {
    case 'asyncresult':
      if (!/^\d{3}$/.test(value)) bad('AsyncResult needs a 3-digit status code.');
      break;
    case 'content-id':
      if (!/^[A-Za-z0-9\-._~]+$/.test(value)) bad('Content-ID needs a request id (letters, digits, - . _ ~).');
      break;
    case 'isolation':
    case 'odata-isolation':
      if (value.toLowerCase() !== 'snapshot') bad('Isolation takes snapshot.');
      break;
    case 'odata-entityid':
      if (!/^[\x21-\x7e\x80-\xff]+$/.test(value)) bad('OData-EntityID needs an IRI.');
      break;
    case 'odata-error':
      if (!/^\{"code":[\x20-\x7e]*$/.test(value)) bad('OData-Error needs a JSON object starting with {"code":.');
      break;
    case 'odata-maxversion':
      if (!/^\d+\.\d+$/.test(value)) bad('OData-MaxVersion needs a version such as 4.0.');
      break;
    case 'odata-version':
      if (!/^4\.0[1-9]?$/.test(value)) bad('OData-Version takes 4.0 or 4.01.');
      break;
    case 'prefer': {
      const r = parsePreferHeader(value, vs);
      errors.push(...r.errors);
      break;
    }
    default:
      if (!isToken(name)) err(errors, 'Invalid header name.', 0, colon);
  }
  return { name, value, errors };
}

function isToken(s: string): boolean {
  if (!s) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!(isIdentifierPart(c) || isIdentifierStart(c) || '!#$%&\'*+-.^_`|~'.includes(s[i]))) return false;
  }
  return true;
}
