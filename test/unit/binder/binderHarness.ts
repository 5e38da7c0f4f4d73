/**
 * Test harness for the binder: models (the real CRM $metadata and small inline ones for F&O, BC and a
 * generic service), `expectDiagnostics` that asserts codes with the exact text each span covers, and
 * `scopeAtMarker` that finds the scope at the `|` in a URL.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  analyzeUrl,
  checkUrl,
  createModelIndex,
  readCsdl,
  scopeAt,
  type Flavor,
  type ModelIndex,
  type ODataDiagnostic,
  type ScopeEntry,
  type BoundUri,
} from '../../../server/src/odata/index';

export const projectRoot = join(__dirname, '..', '..', '..');
export const corpus = join(projectRoot, '..', 'shared', 'corpus');
export const crmMetadataPath = join(corpus, 'metadata', 'simpleodata__crm_schema.xml');

const models = new Map<string, ModelIndex>();

export function modelFromXml(key: string, xml: string): ModelIndex {
  let model = models.get(key);
  if (!model) {
    const document = readCsdl(xml);
    assert.deepEqual(document.errors.filter((e) => e.severity === 'error'), [], `${key} metadata has errors`);
    model = createModelIndex(document);
    models.set(key, model);
  }
  return model;
}

export function crmModel(): ModelIndex {
  return models.get('crm') ?? modelFromXml('crm', readFileSync(crmMetadataPath, 'utf8'));
}

export interface Expected {
  code: string;
  /** The exact text the diagnostic's span covers. */
  text?: string;
  severity?: 'error' | 'warning' | 'info';
  /** A fragment (or pattern) the message must contain. */
  message?: string | RegExp;
  suggestions?: string[];
}

export interface CheckOptions {
  flavor?: Flavor;
  model?: ModelIndex;
}

function modelFor(options: CheckOptions): ModelIndex {
  return options.model ?? crmModel();
}

export function check(text: string, options: CheckOptions = {}): ODataDiagnostic[] {
  return checkUrl(text, modelFor(options), { flavor: options.flavor ?? 'dataverse' });
}

export function describe(text: string, diagnostics: ODataDiagnostic[]): string {
  return diagnostics.map((d) => `  ${d.severity} ${d.code} '${text.slice(d.span.start, d.span.end)}' ${d.message}`).join('\n') || '  (none)';
}

/** Asserts exactly these diagnostics (in position order), each with the text its span covers. */
export function expectDiagnostics(text: string, expected: Expected[], options: CheckOptions = {}): ODataDiagnostic[] {
  const diagnostics = check(text, options);
  const context = `for ${text}\n got:\n${describe(text, diagnostics)}`;
  assert.deepEqual(
    diagnostics.map((d) => d.code),
    expected.map((e) => e.code),
    `codes ${context}`,
  );
  expected.forEach((e, i) => {
    const d = diagnostics[i]!;
    if (e.text !== undefined) assert.equal(text.slice(d.span.start, d.span.end), e.text, `span of ${e.code} ${context}`);
    if (e.severity) assert.equal(d.severity, e.severity, `severity of ${e.code} ${context}`);
    if (typeof e.message === 'string') assert.ok(d.message.includes(e.message), `message of ${e.code}: '${d.message}' lacks '${e.message}'`);
    if (e.message instanceof RegExp) assert.match(d.message, e.message);
    if (e.suggestions) assert.deepEqual(d.suggestions ?? [], e.suggestions, `suggestions of ${e.code} ${context}`);
  });
  return diagnostics;
}

export function expectNoErrors(text: string, options: CheckOptions = {}): ODataDiagnostic[] {
  const diagnostics = check(text, options);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors, [], `unexpected errors for ${text}\n${describe(text, errors)}`);
  return diagnostics;
}

/** Binds a URL with `|` marking the cursor and returns the scope there. */
export function scopeAtMarker(marked: string, options: CheckOptions = {}): { scope: ScopeEntry | undefined; bound: BoundUri; offset: number } {
  const offset = marked.indexOf('|');
  assert.ok(offset >= 0, 'no | marker');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  const { bound } = analyzeUrl(text, modelFor(options), { flavor: options.flavor ?? 'dataverse' });
  return { scope: scopeAt(bound, offset), bound, offset };
}

export function bind(text: string, options: CheckOptions = {}): BoundUri {
  return analyzeUrl(text, modelFor(options), { flavor: options.flavor ?? 'dataverse' }).bound;
}

// ---------------------------------------------------------------------------------------------------------
// Small inline models, written from the documented shapes of each service
// ---------------------------------------------------------------------------------------------------------

const edmx = (schemas: string) => `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>${schemas}</edmx:DataServices>
</edmx:Edmx>`;

/** Finance & Operations: the project's fixture (composite keys with dataAreaId, enums, set names differ from entity names). */
export function fnoModel(): ModelIndex {
  return modelFromXml('fnoModel', readFileSync(join(projectRoot, 'test', 'fixtures', 'metadata', 'fno-sample.xml'), 'utf8'));
}

/** Business Central: the project's fixture (entities contained in companies, GUID keys, enums). */
export function bcModel(): ModelIndex {
  return modelFromXml('bcModel', readFileSync(join(projectRoot, 'test', 'fixtures', 'metadata', 'bc-sample.xml'), 'utf8'));
}

/** A generic OData v4 service with the shapes the CRM file lacks (derived types, streams, flags, primitive functions). */
export function genericModel(): ModelIndex {
  return modelFromXml(
    'generic',
    edmx(`
    <Schema Namespace="Sample" Alias="s" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EnumType Name="Color" IsFlags="true"><Member Name="Red" Value="1"/><Member Name="Green" Value="2"/><Member Name="Blue" Value="4"/></EnumType>
      <EnumType Name="Size"><Member Name="Small" Value="0"/><Member Name="Large" Value="1"/></EnumType>
      <ComplexType Name="Address">
        <Property Name="City" Type="Edm.String"/>
        <Property Name="Street" Type="Edm.String"/>
      </ComplexType>
      <EntityType Name="Product">
        <Key><PropertyRef Name="Id"/></Key>
        <Property Name="Id" Type="Edm.Int32" Nullable="false"/>
        <Property Name="Name" Type="Edm.String"/>
        <Property Name="Price" Type="Edm.Decimal"/>
        <Property Name="Colors" Type="Sample.Color"/>
        <Property Name="Size" Type="Sample.Size"/>
        <Property Name="Tags" Type="Collection(Edm.String)"/>
        <Property Name="Released" Type="Edm.Date"/>
        <Property Name="Supplier" Type="Sample.Address"/>
        <NavigationProperty Name="Category" Type="Sample.Category"/>
        <NavigationProperty Name="Parts" Type="Collection(Sample.Product)"/>
      </EntityType>
      <EntityType Name="SpecialProduct" BaseType="Sample.Product">
        <Property Name="Discount" Type="Edm.Decimal"/>
      </EntityType>
      <EntityType Name="Category">
        <Key><PropertyRef Name="Id"/></Key>
        <Property Name="Id" Type="Edm.Int32" Nullable="false"/>
        <Property Name="Name" Type="Edm.String"/>
        <NavigationProperty Name="Products" Type="Collection(Sample.Product)"/>
      </EntityType>
      <EntityType Name="Photo" HasStream="true">
        <Key><PropertyRef Name="Id"/></Key>
        <Property Name="Id" Type="Edm.Int64" Nullable="false"/>
      </EntityType>
      <Function Name="ProductCount"><ReturnType Type="Edm.Int32"/></Function>
      <Function Name="TopProducts" IsBound="true">
        <Parameter Name="bindingParameter" Type="Collection(Sample.Product)"/>
        <Parameter Name="count" Type="Edm.Int32" Nullable="false"/>
        <ReturnType Type="Collection(Sample.Product)"/>
      </Function>
      <Action Name="Discontinue" IsBound="true"><Parameter Name="bindingParameter" Type="Sample.Product"/></Action>
      <EntityContainer Name="Container">
        <EntitySet Name="Products" EntityType="Sample.Product">
          <NavigationPropertyBinding Path="Category" Target="Categories"/>
          <NavigationPropertyBinding Path="Parts" Target="Products"/>
        </EntitySet>
        <EntitySet Name="Categories" EntityType="Sample.Category">
          <NavigationPropertyBinding Path="Products" Target="Products"/>
        </EntitySet>
        <EntitySet Name="Photos" EntityType="Sample.Photo"/>
        <Singleton Name="Featured" Type="Sample.Product"/>
        <FunctionImport Name="ProductCount" Function="Sample.ProductCount"/>
      </EntityContainer>
    </Schema>`),
  );
}

export const guid = '00000000-0000-0000-0000-000000000001';
