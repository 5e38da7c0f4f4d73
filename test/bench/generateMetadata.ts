/**
 * Deterministic generators of large, realistic `$metadata` documents for the CSDL benchmark.
 *
 * - generateDataverseMetadata(): ~12 MB, ~900 entity types, Dataverse-shaped (namespace Microsoft.Dynamics.CRM,
 *   alias mscrm, abstract crmbaseentity, `_x_value` lookups with navigation properties and referential
 *   constraints in both directions, entity sets with navigation property bindings, Core.Description
 *   annotations, query functions, actions), on one line as Dataverse sends it.
 * - generateFnoMetadata(): ~30 MB, ~1,200 entity types, Finance & Operations-shaped (namespace
 *   Microsoft.Dynamics.DataEntities, composite keys with dataAreaId, wide entities, many enums), on one line.
 *
 * Seeded PRNG (mulberry32): the same text on every run and machine.
 * CLI: `node --import tsx test/bench/generateMetadata.ts dataverse|fno OUTFILE`
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}

const WORDS = [
  'account', 'address', 'amount', 'approval', 'asset', 'budget', 'campaign', 'case', 'category', 'channel',
  'claim', 'code', 'comment', 'contract', 'cost', 'country', 'credit', 'currency', 'customer', 'date',
  'delivery', 'department', 'device', 'discount', 'document', 'due', 'email', 'employee', 'entitlement', 'estimate',
  'event', 'expense', 'feedback', 'field', 'fiscal', 'forecast', 'fulfillment', 'goal', 'group', 'incident',
  'inspection', 'inventory', 'invoice', 'item', 'job', 'journal', 'kpi', 'language', 'lease', 'ledger',
  'level', 'license', 'location', 'maintenance', 'market', 'meeting', 'member', 'milestone', 'model', 'note',
  'offer', 'order', 'owner', 'package', 'partner', 'payment', 'period', 'phase', 'plan', 'policy',
  'portfolio', 'price', 'priority', 'process', 'product', 'program', 'project', 'promotion', 'quality', 'quote',
  'rate', 'reason', 'region', 'registration', 'renewal', 'request', 'resource', 'revenue', 'review', 'risk',
  'route', 'sale', 'schedule', 'segment', 'service', 'shipment', 'site', 'skill', 'source', 'stage',
  'status', 'subscription', 'supplier', 'survey', 'task', 'tax', 'team', 'template', 'territory', 'ticket',
  'timesheet', 'training', 'transaction', 'trip', 'unit', 'usage', 'vendor', 'vehicle', 'visit', 'warehouse',
  'warranty', 'work', 'zone',
] as const;

const SENTENCE = [
  'Unique identifier of the record.', 'Shows the date and time when the record was created.',
  'Type the primary name of the record to identify it in lists and searches.',
  'Select the status of the record; only active records can be edited.',
  'Enter the amount in the currency of the transaction for reporting.',
  'Choose the user or team who owns the record and is responsible for follow-up.',
  'Shows who last updated the record, including delegates acting on behalf of another user.',
  'Type additional information that describes the record, such as notes for the sales team.',
  'Select the reason for the status of the record, as configured by your administrator.',
  'Version number of the record, used for optimistic concurrency checks.',
];

const STATE_SUFFIXES = ['code', 'type', 'category', 'level', 'status'] as const;

// -------------------------------------------------------------------------------- Dataverse

interface DvEntity {
  name: string;
  set: string;
  key: string;
  props: string[]; // serialized property elements
  navs: string[]; // serialized navigation property elements
  bindings: string[]; // [path, targetSet] pairs serialized
}

function plural(name: string): string {
  if (name.endsWith('y') && !/[aeiou]y$/.test(name)) return name.slice(0, -1) + 'ies';
  if (name.endsWith('s') || name.endsWith('x') || name.endsWith('ch') || name.endsWith('sh')) return name + 'es';
  return name + 's';
}

const DV_STANDARD = [
  'account', 'contact', 'lead', 'opportunity', 'incident', 'activitypointer', 'task', 'email', 'phonecall',
  'appointment', 'systemuser', 'team', 'businessunit', 'transactioncurrency', 'pricelevel', 'product', 'quote',
  'salesorder', 'invoice', 'campaign', 'competitor', 'contract', 'entitlement', 'knowledgearticle', 'queue',
  'queueitem', 'annotation', 'connection', 'goal', 'territory', 'uom', 'uomschedule', 'sla', 'slakpiinstance',
  'socialprofile', 'list', 'letter', 'fax', 'recurringappointmentmaster', 'customeraddress',
];

/** The size of a generated Dataverse document: the default (~13 MB) is what the CSDL bench has always used. */
export interface DataverseScale {
  /** How many tables (entity types and sets). */
  entities: number;
  /** The range of custom columns per table. */
  customColumns: [number, number];
}

/**
 * A Dataverse org at the scale most users open (~30 MB, about 1,180 tables with more custom columns each):
 * what `$metadata` of a Dynamics 365 Sales + Customer Service org with a few solutions weighs.
 */
export const DATAVERSE_30MB: DataverseScale = { entities: 1180, customColumns: [36, 106] };

export function generateDataverseMetadata(scale: DataverseScale = { entities: 900, customColumns: [6, 26] }): string {
  const rng = new Rng(0x0da7a5e);
  const names: string[] = [...DV_STANDARD];
  const prefixes = ['msdyn', 'adx', 'cr4f2', 'new', 'mspp', 'msdynmkt'];
  const taken = new Set(names);
  for (let n = 0; names.length < scale.entities; n++) {
    const w1 = WORDS[n % WORDS.length];
    const w2 = WORDS[Math.floor(n / WORDS.length) * 17 % WORDS.length];
    const candidate = `${prefixes[(n + Math.floor(n / WORDS.length)) % prefixes.length]}_${w1}${w2 === w1 ? '' : w2}`;
    if (!taken.has(candidate)) {
      taken.add(candidate);
      names.push(candidate);
    }
  }
  const entities: DvEntity[] = names.map((name) => ({ name, set: plural(name), key: name + 'id', props: [], navs: [], bindings: [] }));
  const byName = new Map(entities.map((e) => [e.name, e]));
  const systemuser = byName.get('systemuser')!;
  const team = byName.get('team')!;
  const businessunit = byName.get('businessunit')!;
  const currency = byName.get('transactioncurrency')!;
  const account = byName.get('account')!;
  const contact = byName.get('contact')!;

  const desc = (text: string): string => `<Annotation Term="Org.OData.Core.V1.Description" String="${esc(text)}"/>`;
  const readOnly = '<Annotation Term="Org.OData.Core.V1.Permissions"><EnumMember>Org.OData.Core.V1.PermissionType/Read</EnumMember></Annotation>';
  const computed = '<Annotation Term="Org.OData.Core.V1.Computed" Bool="true"/>';

  const prop = (name: string, type: string, extra: string, annotations: string): string =>
    annotations ? `<Property Name="${name}" Type="${type}"${extra}>${annotations}</Property>` : `<Property Name="${name}" Type="${type}"${extra}/>`;

  const addLookup = (from: DvEntity, attr: string, to: DvEntity, navName: string, withProperty: boolean): void => {
    if (withProperty) {
      from.props.push(prop(`_${attr}_value`, 'Edm.Guid', '', desc(`Unique identifier for ${to.name} associated with ${from.name}.`) + readOnly));
    }
    const partner = `${from.name}_${navName}`;
    from.navs.push(
      `<NavigationProperty Name="${navName}" Type="mscrm.${to.name}" Nullable="false" Partner="${partner}"><ReferentialConstraint Property="_${attr}_value" ReferencedProperty="${to.key}"/></NavigationProperty>`,
    );
    to.navs.push(`<NavigationProperty Name="${partner}" Type="Collection(mscrm.${from.name})" Partner="${navName}"/>`);
    from.bindings.push(`<NavigationPropertyBinding Path="${navName}" Target="${to.set}"/>`);
    to.bindings.push(`<NavigationPropertyBinding Path="${partner}" Target="${from.set}"/>`);
  };

  for (const e of entities) {
    e.props.push(prop(e.key, 'Edm.Guid', '', desc(`Unique identifier of the ${e.name}.`)));
    e.props.push(prop('name', 'Edm.String', ' Unicode="false"', desc(SENTENCE[2])));
    e.props.push(prop('statecode', 'Edm.Int32', '', desc(SENTENCE[3])));
    e.props.push(prop('statuscode', 'Edm.Int32', '', desc(SENTENCE[8])));
    e.props.push(prop('createdon', 'Edm.DateTimeOffset', ' Precision="0"', desc(SENTENCE[1]) + computed + readOnly));
    e.props.push(prop('modifiedon', 'Edm.DateTimeOffset', ' Precision="0"', desc('Shows the date and time when the record was last updated.') + computed + readOnly));
    e.props.push(prop('versionnumber', 'Edm.Int64', ' ConcurrencyMode="Fixed"', desc(SENTENCE[9]) + readOnly));
    e.props.push(prop('importsequencenumber', 'Edm.Int32', '', desc('Sequence number of the import that created this record.')));
    e.props.push(prop('overriddencreatedon', 'Edm.DateTimeOffset', ' Precision="0"', desc('Date and time that the record was migrated.')));
    e.props.push(prop('timezoneruleversionnumber', 'Edm.Int32', '', desc('For internal use only.')));
    e.props.push(prop('utcconversiontimezonecode', 'Edm.Int32', '', desc('Time zone code that was in use when the record was created.')));
    const custom = rng.int(scale.customColumns[0], scale.customColumns[1]);
    const prefix = e.name.includes('_') ? e.name.slice(0, e.name.indexOf('_')) : rng.pick(prefixes);
    for (let i = 0; i < custom; i++) {
      const w1 = rng.pick(WORDS);
      const w2 = rng.pick(WORDS);
      const base = `${prefix}_${w1}${w2}${i}`;
      const kind = rng.int(0, 9);
      let p: string;
      switch (kind) {
        case 0:
        case 1:
        case 2:
          p = prop(base, 'Edm.String', ' Unicode="false"', desc(rng.pick(SENTENCE)));
          break;
        case 3:
          p = prop(base + rng.pick(STATE_SUFFIXES), 'Edm.Int32', '', desc(rng.pick(SENTENCE)));
          break;
        case 4:
          p = prop(base, 'Edm.Decimal', ' Scale="Variable"', desc(SENTENCE[4]) + (rng.chance(0.3) ? computed : ''));
          break;
        case 5:
          p = prop(base + '_base', 'Edm.Decimal', ' Scale="Variable"', desc('Value of the amount in base currency.') + computed + readOnly);
          break;
        case 6:
          p = prop(base + 'on', 'Edm.DateTimeOffset', ' Precision="0"', desc(rng.pick(SENTENCE)));
          break;
        case 7:
          p = prop(base, 'Edm.Boolean', '', desc(rng.pick(SENTENCE)));
          break;
        case 8:
          p = prop(base, 'Edm.Double', '', desc(rng.pick(SENTENCE)));
          break;
        default:
          p = prop(base, 'Edm.Int64', '', desc(rng.pick(SENTENCE)));
      }
      e.props.push(p);
    }
    // Standard lookups of every user-owned table.
    addLookup(e, 'ownerid', systemuser, 'ownerid', true);
    addLookup(e, 'createdby', systemuser, 'createdby', true);
    addLookup(e, 'modifiedby', systemuser, 'modifiedby', true);
    addLookup(e, 'owningbusinessunit', businessunit, 'owningbusinessunit', true);
    addLookup(e, 'owningteam', team, 'owningteam', true);
    if (rng.chance(0.5)) addLookup(e, 'transactioncurrencyid', currency, 'transactioncurrencyid', true);
    // A few lookups to other tables.
    const extra = rng.int(1, 5);
    for (let i = 0; i < extra; i++) {
      const to = entities[rng.int(0, entities.length - 1)];
      addLookup(e, `${prefix}_${to.name.replace(/^.*_/, '')}id${i}`, to, `${prefix}_${to.name.replace(/^.*_/, '')}id${i}`, true);
    }
    // Polymorphic customer lookup on some tables.
    if (e !== account && e !== contact && rng.chance(0.15)) {
      e.props.push(prop('_customerid_value', 'Edm.Guid', '', desc('Select the customer account or contact.')));
      addLookup(e, 'customerid', account, 'customerid_account', false);
      addLookup(e, 'customerid', contact, 'customerid_contact', false);
    }
  }

  const out: string[] = [];
  out.push('<?xml version="1.0" encoding="utf-8"?><edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">');
  out.push('<edmx:Reference Uri="http://vocabularies.odata.org/OData.Community.Keys.V1.xml"><edmx:Include Namespace="OData.Community.Keys.V1" Alias="Keys"/><edmx:IncludeAnnotations TermNamespace="OData.Community.Keys.V1"/></edmx:Reference>');
  out.push('<edmx:Reference Uri="http://vocabularies.odata.org/OData.Community.Display.V1.xml"><edmx:Include Namespace="OData.Community.Display.V1" Alias="Display"/><edmx:IncludeAnnotations TermNamespace="OData.Community.Display.V1"/></edmx:Reference>');
  out.push('<edmx:DataServices><Schema Namespace="Microsoft.Dynamics.CRM" Alias="mscrm" xmlns="http://docs.oasis-open.org/odata/ns/edm">');
  out.push('<EntityType Name="crmbaseentity" Abstract="true"/>');
  for (const e of entities) {
    out.push(`<EntityType Name="${e.name}" BaseType="mscrm.crmbaseentity"><Key><PropertyRef Name="${e.key}"/></Key>`);
    out.push(...e.props, ...e.navs);
    if (rng.chance(0.1)) {
      out.push(
        '<Annotation Term="OData.Community.Keys.V1.AlternateKeys"><Collection><Record Type="OData.Community.Keys.V1.AlternateKey"><PropertyValue Property="Key"><Collection><Record Type="OData.Community.Keys.V1.PropertyRef"><PropertyValue Property="Alias" String="name"/><PropertyValue Property="Name" PropertyPath="name"/></Record></Collection></PropertyValue></Record></Collection></Annotation>',
      );
    }
    out.push(desc(`${e.name}: ${rng.pick(SENTENCE)}`), '</EntityType>');
  }
  for (let i = 0; i < 60; i++) {
    out.push(`<ComplexType Name="${WORDS[i % WORDS.length]}Response${i}"><Property Name="Result" Type="Edm.String" Unicode="false"/><Property Name="Count" Type="Edm.Int32" Nullable="false"/><Property Name="Id" Type="Edm.Guid" Nullable="false"/></ComplexType>`);
  }
  for (let i = 0; i < 30; i++) {
    out.push(`<EnumType Name="${WORDS[(i * 3) % WORDS.length]}Type${i}">`);
    for (let m = 0; m < 8; m++) out.push(`<Member Name="${WORDS[(i + m * 5) % WORDS.length]}${m}" Value="${m}"/>`);
    out.push('</EnumType>');
  }
  const queryFns = ['LastXDays', 'NextXDays', 'LastXWeeks', 'NextXWeeks', 'LastXMonths', 'NextXMonths', 'OlderThanXDays', 'InFiscalYear'];
  for (const f of queryFns) {
    out.push(`<Function Name="${f}"><Parameter Name="PropertyName" Type="Edm.String" Nullable="false" Unicode="false"/><Parameter Name="PropertyValue" Type="Edm.Int64" Nullable="false"/><ReturnType Type="Edm.Boolean" Nullable="false"/></Function>`);
  }
  for (const f of ['Today', 'Yesterday', 'Tomorrow', 'ThisMonth', 'LastYear', 'EqualUserId', 'EqualBusinessId']) {
    out.push(`<Function Name="${f}"><Parameter Name="PropertyName" Type="Edm.String" Nullable="false" Unicode="false"/><ReturnType Type="Edm.Boolean" Nullable="false"/></Function>`);
  }
  for (const f of ['Between', 'NotBetween', 'In', 'NotIn', 'ContainValues']) {
    out.push(`<Function Name="${f}"><Parameter Name="PropertyName" Type="Edm.String" Nullable="false" Unicode="false"/><Parameter Name="PropertyValues" Type="Collection(Edm.String)" Nullable="false" Unicode="false"/><ReturnType Type="Edm.Boolean" Nullable="false"/></Function>`);
  }
  out.push('<Function Name="WhoAmI"><ReturnType Type="mscrm.WhoAmIResponse" Nullable="false"/></Function>');
  out.push('<ComplexType Name="WhoAmIResponse"><Property Name="BusinessUnitId" Type="Edm.Guid" Nullable="false"/><Property Name="UserId" Type="Edm.Guid" Nullable="false"/><Property Name="OrganizationId" Type="Edm.Guid" Nullable="false"/></ComplexType>');
  const actions: string[] = [];
  for (let i = 0; i < 240; i++) {
    const e = entities[(i * 11) % entities.length];
    const name = `${rng.pick(['Calculate', 'Retrieve', 'Merge', 'Qualify', 'Close', 'Apply', 'Validate', 'Generate'])}${e.name.replace(/^.*_/, '').replace(/^./, (c) => c.toUpperCase())}${i}`;
    const bound = i % 3 === 0;
    actions.push(name);
    out.push(
      `<Action Name="${name}"${bound ? ' IsBound="true"' : ''}>${bound ? `<Parameter Name="entity" Type="mscrm.${e.name}" Nullable="false"/>` : ''}<Parameter Name="Target" Type="mscrm.crmbaseentity" Nullable="false"/><Parameter Name="Options" Type="Edm.String" Unicode="false"/><ReturnType Type="mscrm.${WORDS[i % 60]}Response${i % 60}" Nullable="false"/></Action>`,
    );
  }
  out.push('<EntityContainer Name="System">');
  for (const e of entities) {
    out.push(`<EntitySet Name="${e.set}" EntityType="Microsoft.Dynamics.CRM.${e.name}">`, ...e.bindings, '</EntitySet>');
  }
  for (let i = 0; i < actions.length; i++) {
    if (i % 3 !== 0) out.push(`<ActionImport Name="${actions[i]}" Action="Microsoft.Dynamics.CRM.${actions[i]}"/>`);
  }
  out.push('<FunctionImport Name="WhoAmI" Function="Microsoft.Dynamics.CRM.WhoAmI"/>');
  out.push('</EntityContainer></Schema></edmx:DataServices></edmx:Edmx>');
  return out.join('');
}

// -------------------------------------------------------------------------------- Finance & Operations

const FNO_AREAS = ['Customer', 'Vendor', 'Sales', 'Purch', 'Invent', 'Ledger', 'Project', 'Hcm', 'Asset', 'Bank', 'Tax', 'Warehouse', 'Production', 'Retail', 'Budget'];
const FNO_NOUNS = ['Group', 'Header', 'Line', 'Invoice', 'Journal', 'Posting', 'Setup', 'Parameter', 'Account', 'Transaction', 'Order', 'Charge', 'Address', 'Contact', 'Price', 'Discount', 'Agreement', 'Schedule', 'Category', 'Dimension'];
const FNO_FIELDS = ['Account', 'Amount', 'Name', 'Description', 'Date', 'Code', 'Group', 'Currency', 'Status', 'Quantity', 'Price', 'Number', 'Type', 'Site', 'Warehouse', 'Terms', 'Method', 'Id', 'Reference', 'Percent', 'Address', 'City', 'Zip', 'Country', 'Email', 'Phone', 'Unit', 'Batch', 'Serial', 'Project'];

export function generateFnoMetadata(): string {
  const rng = new Rng(0xf0e0);
  const enumNames: string[] = ['NoYes'];
  const out: string[] = [];
  out.push('<?xml version="1.0" encoding="utf-8"?><edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>');
  out.push('<Schema Namespace="Microsoft.Dynamics.DataEntities" xmlns="http://docs.oasis-open.org/odata/ns/edm">');
  out.push('<EnumType Name="NoYes"><Member Name="No" Value="0"/><Member Name="Yes" Value="1"/></EnumType>');
  for (let i = 0; i < 600; i++) {
    const name = `${FNO_AREAS[i % FNO_AREAS.length]}${FNO_NOUNS[(i * 7) % FNO_NOUNS.length]}${FNO_FIELDS[(i * 3) % FNO_FIELDS.length]}${i}`;
    enumNames.push(name);
    out.push(`<EnumType Name="${name}">`);
    const members = rng.int(2, 14);
    for (let m = 0; m < members; m++) out.push(`<Member Name="${FNO_FIELDS[(m * 5 + i) % FNO_FIELDS.length]}${m}" Value="${m}"/>`);
    out.push('</EnumType>');
  }
  const entities: { name: string; set: string; keys: string[]; navs: string[]; bindings: string[] }[] = [];
  for (let i = 0; i < 1200; i++) {
    const base = `${FNO_AREAS[i % FNO_AREAS.length]}${FNO_NOUNS[Math.floor(i / FNO_AREAS.length) % FNO_NOUNS.length]}`;
    const version = i >= FNO_AREAS.length * FNO_NOUNS.length ? `V${Math.floor(i / (FNO_AREAS.length * FNO_NOUNS.length)) + 1}` : '';
    const name = base + version;
    const set = base.endsWith('y') ? `${base.slice(0, -1)}ies${version}` : `${base}s${version}`;
    const keys = ['dataAreaId', `${base}Id`];
    if (rng.chance(0.3)) keys.push('LineNumber');
    entities.push({ name, set, keys, navs: [], bindings: [] });
  }
  for (let i = 0; i < entities.length; i++) {
    const e = entities[i];
    if (i % 4 !== 0) continue;
    const to = entities[(i * 37 + 11) % entities.length];
    if (to === e) continue;
    const nav = to.name;
    e.navs.push(
      `<NavigationProperty Name="${nav}" Type="Microsoft.Dynamics.DataEntities.${to.name}"><ReferentialConstraint Property="dataAreaId" ReferencedProperty="dataAreaId"/><ReferentialConstraint Property="${to.keys[1]}" ReferencedProperty="${to.keys[1]}"/></NavigationProperty>`,
    );
    to.navs.push(`<NavigationProperty Name="${e.name}s" Type="Collection(Microsoft.Dynamics.DataEntities.${e.name})" Partner="${nav}"/>`);
    e.bindings.push(`<NavigationPropertyBinding Path="${nav}" Target="${to.set}"/>`);
    to.bindings.push(`<NavigationPropertyBinding Path="${e.name}s" Target="${e.set}"/>`);
  }
  for (const e of entities) {
    out.push(`<EntityType Name="${e.name}"><Key>`);
    for (const k of e.keys) out.push(`<PropertyRef Name="${k}"/>`);
    out.push('</Key>');
    out.push('<Property Name="dataAreaId" Type="Edm.String" Nullable="false" MaxLength="4"/>');
    out.push(`<Property Name="${e.keys[1]}" Type="Edm.String" Nullable="false" MaxLength="20"/>`);
    if (e.keys.length > 2) out.push('<Property Name="LineNumber" Type="Edm.Decimal" Nullable="false" Precision="32" Scale="16"/>');
    const count = rng.int(170, 470);
    const used = new Set<string>(e.keys);
    for (let i = 0; i < count; i++) {
      let name = `${rng.pick(FNO_AREAS)}${rng.pick(FNO_FIELDS)}${rng.pick(FNO_FIELDS)}`;
      if (used.has(name)) name += i;
      used.add(name);
      const kind = rng.int(0, 9);
      switch (kind) {
        case 0:
        case 1:
        case 2:
        case 3:
          out.push(`<Property Name="${name}" Type="Edm.String" MaxLength="${rng.pick([10, 20, 60, 100, 255])}"/>`);
          break;
        case 4:
          out.push(`<Property Name="${name}" Type="Edm.Decimal" Precision="32" Scale="6"/>`);
          break;
        case 5:
          out.push(`<Property Name="${name}" Type="Edm.DateTimeOffset"/>`);
          break;
        case 6:
          out.push(`<Property Name="${name}" Type="Edm.Int32"/>`);
          break;
        case 7:
          out.push(`<Property Name="${name}" Type="Edm.Date"/>`);
          break;
        default:
          out.push(`<Property Name="${name}" Type="Microsoft.Dynamics.DataEntities.${rng.chance(0.4) ? 'NoYes' : rng.pick(enumNames)}" Nullable="false"/>`);
      }
    }
    out.push(...e.navs);
    out.push('<Annotation Term="Org.OData.Core.V1.OptimisticConcurrency"><Collection/></Annotation></EntityType>');
  }
  for (let i = 0; i < 80; i++) {
    const e = entities[i * 13];
    out.push(
      `<Action Name="${['post', 'validate', 'release', 'confirm'][i % 4]}${e.name}" IsBound="true"><Parameter Name="${e.name}" Type="Collection(Microsoft.Dynamics.DataEntities.${e.name})"/><Parameter Name="_dataAreaId" Type="Edm.String"/><ReturnType Type="Edm.String"/></Action>`,
    );
  }
  out.push('<EntityContainer Name="Resources">');
  for (const e of entities) out.push(`<EntitySet Name="${e.set}" EntityType="Microsoft.Dynamics.DataEntities.${e.name}">`, ...e.bindings, '</EntitySet>');
  out.push('</EntityContainer></Schema></edmx:DataServices></edmx:Edmx>');
  return out.join('');
}

// -------------------------------------------------------------------------------- CLI

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [kind, file] = process.argv.slice(2);
  if ((kind !== 'dataverse' && kind !== 'fno') || file === undefined) {
    console.error('usage: node --import tsx test/bench/generateMetadata.ts dataverse|fno OUTFILE');
    process.exit(2);
  }
  const xml = kind === 'dataverse' ? generateDataverseMetadata() : generateFnoMetadata();
  writeFileSync(file, xml, 'utf8');
  console.log(`${file}: ${(Buffer.byteLength(xml) / 1e6).toFixed(1)} MB`);
}
