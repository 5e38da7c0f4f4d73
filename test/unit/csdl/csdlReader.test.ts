// readCsdl and createModelIndex on small inline documents, one feature at a time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readCsdl } from '../../../server/src/odata/csdl/csdlReader';
import { createModelIndex, validateModel } from '../../../server/src/odata/csdl/modelIndex';

const EDMX = 'http://docs.oasis-open.org/odata/ns/edmx';
const EDM = 'http://docs.oasis-open.org/odata/ns/edm';

/** Wrap schema bodies into an EDMX document. */
function edmx(schemas: string, references = '', version = '4.0'): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="${version}" xmlns:edmx="${EDMX}">${references}
<edmx:DataServices>${schemas}</edmx:DataServices></edmx:Edmx>`;
}
function schema(ns: string, body: string, alias?: string): string {
  return `<Schema Namespace="${ns}"${alias ? ` Alias="${alias}"` : ''} xmlns="${EDM}">${body}</Schema>`;
}
function read(xml: string) {
  const doc = readCsdl(xml);
  return { doc, index: createModelIndex(doc) };
}

test('aliases are resolved in type names, base types, terms, targets and operations', () => {
  const { doc, index } = read(
    edmx(
      schema(
        'Contoso.Sales',
        `<EntityType Name="Base" Abstract="true"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.Guid" Nullable="false"/></EntityType>
         <EntityType Name="Order" BaseType="cs.Base">
           <Property Name="lines" Type="Collection(cs.Line)"/>
           <Property Name="status" Type="other.Status"/>
           <NavigationProperty Name="customer" Type="cs.Customer"/>
           <Annotation Term="Core.Description" String="An order."/>
         </EntityType>
         <ComplexType Name="Line"><Property Name="qty" Type="Edm.Int32"/></ComplexType>
         <EntityType Name="Customer" BaseType="cs.Base"/>
         <Action Name="Ship" IsBound="true"><Parameter Name="o" Type="cs.Order"/><ReturnType Type="Collection(cs.Line)"/></Action>
         <EntityContainer Name="Svc">
           <EntitySet Name="Orders" EntityType="cs.Order"><NavigationPropertyBinding Path="customer" Target="Customers"/></EntitySet>
           <EntitySet Name="Customers" EntityType="cs.Customer"/>
         </EntityContainer>
         <Annotations Target="cs.Order/status"><Annotation Term="Core.Description" String="Where the order is."/></Annotations>`,
        'cs',
      ) +
        // The alias `other` is declared after its first use.
        schema('Contoso.Other', '<EnumType Name="Status"><Member Name="Open"/><Member Name="Closed"/></EnumType>', 'other'),
      `<edmx:Reference Uri="https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Core.V1.xml"><edmx:Include Namespace="Org.OData.Core.V1" Alias="Core"/></edmx:Reference>`,
    ),
  );
  assert.deepEqual(doc.errors, []);
  const order = index.findStructuredType('cs.Order')!;
  assert.equal(order.fullName, 'Contoso.Sales.Order');
  assert.equal(order.baseType, 'Contoso.Sales.Base');
  assert.deepEqual(order.properties.map((p) => [p.type.name, p.type.collection]), [
    ['Contoso.Sales.Line', true],
    ['Contoso.Other.Status', false],
  ]);
  assert.equal(order.navigationProperties[0].type.name, 'Contoso.Sales.Customer');
  assert.deepEqual(order.annotations, [{ term: 'Org.OData.Core.V1.Description', value: 'An order.' }]);
  assert.equal(doc.schemas[0].annotations[0].target, 'Contoso.Sales.Order/status');
  assert.equal(doc.schemas[0].operations[0].parameters[0].type.name, 'Contoso.Sales.Order');
  assert.deepEqual(doc.schemas[0].operations[0].returnType, { name: 'Contoso.Sales.Line', collection: true, nullable: true });
  assert.equal(index.findEntitySet('Orders')?.entityType, 'Contoso.Sales.Order');
  assert.equal(index.qualify('cs.Order'), 'Contoso.Sales.Order');
  assert.equal(index.qualify('Core.Description'), 'Org.OData.Core.V1.Description');
  assert.equal(index.qualify('unknown.X'), 'unknown.X');
  assert.equal(index.qualify('Collection(cs.Line)'), 'Collection(Contoso.Sales.Line)');
  assert.equal(index.findEnumType('other.Status')?.fullName, 'Contoso.Other.Status');
  assert.equal(index.findOperations('cs.Ship').length, 1);
  assert.equal(index.description('cs.Order'), 'An order.');
  assert.equal(index.description('Contoso.Sales.Order/status'), 'Where the order is.');
  assert.equal(index.description('cs.Order/status'), 'Where the order is.');
  assert.equal(index.navigationTarget(index.findEntitySet('Orders')!, 'customer')?.name, 'Customers');
  assert.deepEqual(validateModel(index), []);
});

test('inheritance: members, keys, derived types, bound operations on base types', () => {
  const { index } = read(
    edmx(
      schema(
        'N',
        `<EntityType Name="A" Abstract="true"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.Int32" Nullable="false"/><NavigationProperty Name="owner" Type="N.C"/></EntityType>
         <EntityType Name="B" BaseType="N.A" OpenType="true"><Property Name="b" Type="Edm.String"/></EntityType>
         <EntityType Name="C" BaseType="N.B" HasStream="true"><Property Name="c" Type="Edm.String"/><NavigationProperty Name="items" Type="Collection(N.C)"/></EntityType>
         <EntityType Name="Loop1" BaseType="N.Loop2"/><EntityType Name="Loop2" BaseType="N.Loop1"/>
         <Action Name="Touch" IsBound="true"><Parameter Name="x" Type="N.A"/></Action>
         <Action Name="TouchAll" IsBound="true"><Parameter Name="x" Type="Collection(N.A)"/></Action>
         <Function Name="Peek" IsBound="true" IsComposable="true" EntitySetPath="x/items"><Parameter Name="x" Type="N.C"/><ReturnType Type="Collection(N.C)"/></Function>
         <Function Name="Unbound"><ReturnType Type="Edm.Int32"/></Function>`,
      ),
    ),
  );
  const a = index.findStructuredType('N.A')!;
  const b = index.findStructuredType('N.B')!;
  const c = index.findStructuredType('N.C')!;
  assert.deepEqual(index.baseTypes(c).map((t) => t.name), ['B', 'A']);
  assert.deepEqual(index.derivedTypes(a).map((t) => t.name), ['B', 'C']);
  assert.deepEqual(index.properties(c).map((p) => p.name), ['id', 'b', 'c']);
  assert.deepEqual(index.navigationProperties(c).map((p) => p.name), ['owner', 'items']);
  assert.equal(index.findProperty(c, 'id')?.type.name, 'Edm.Int32');
  assert.equal(index.findNavigationProperty(c, 'owner')?.type.name, 'N.C');
  assert.equal(index.findProperty(c, 'nope'), undefined);
  assert.deepEqual(index.key(c), [{ name: 'id' }]);
  assert.equal(a.abstract, true);
  assert.equal(b.openType, true);
  assert.equal(c.hasStream, true);
  // The cached list is returned again (lazy, computed once).
  assert.equal(index.properties(c), index.properties(c));
  assert.deepEqual(index.boundOperations('N.C', false).map((o) => o.name), ['Peek', 'Touch']);
  assert.deepEqual(index.boundOperations('N.C', true).map((o) => o.name), ['TouchAll']);
  assert.deepEqual(index.boundOperations('N.A', false).map((o) => o.name), ['Touch']);
  const peek = index.findOperations('N.Peek')[0];
  assert.equal(peek.isComposable, true);
  assert.equal(peek.entitySetPath, 'x/items');
  assert.equal(index.findOperations('N.Unbound')[0].isBound, false);
  // A base-type cycle does not hang.
  assert.deepEqual(index.baseTypes(index.findStructuredType('N.Loop1')!).map((t) => t.name), ['Loop2']);
  assert.equal(index.properties(index.findStructuredType('N.Loop1')!).length, 0);
});

test('enums: flags, underlying type, implicit and explicit values', () => {
  const { index } = read(
    edmx(
      schema(
        'N',
        `<EnumType Name="Color"><Member Name="Red"/><Member Name="Green"/><Member Name="Blue"/></EnumType>
         <EnumType Name="Access" IsFlags="true" UnderlyingType="Edm.Int64"><Member Name="None" Value="0"/><Member Name="Read" Value="1"/><Member Name="Write" Value="2"/><Member Name="All" Value="3"/></EnumType>`,
      ),
    ),
  );
  const color = index.findEnumType('N.Color')!;
  assert.equal(color.isFlags, false);
  assert.equal(color.underlyingType, 'Edm.Int32');
  assert.deepEqual(color.members.map((m) => [m.name, m.value]), [['Red', 0], ['Green', 1], ['Blue', 2]]);
  const access = index.findEnumType('N.Access')!;
  assert.equal(access.isFlags, true);
  assert.equal(access.underlyingType, 'Edm.Int64');
  assert.deepEqual(access.members.map((m) => m.value), [0, 1, 2, 3]);
  assert.equal(index.findStructuredType('N.Color'), undefined);
  assert.equal(index.findType('N.Color')?.kind, 'EnumType');
});

test('property facets and type definitions', () => {
  const { index } = read(
    edmx(
      schema(
        'N',
        `<TypeDefinition Name="Money" UnderlyingType="Edm.Decimal" Precision="19" Scale="4"/>
         <ComplexType Name="T">
           <Property Name="s" Type="Edm.String" Nullable="false" MaxLength="max" Unicode="false" DefaultValue="x"/>
           <Property Name="n" Type="Edm.String" MaxLength="60"/>
           <Property Name="d" Type="Edm.Decimal" Precision="32" Scale="6"/>
           <Property Name="v" Type="Edm.Decimal" Scale="variable"/>
           <Property Name="f" Type="Edm.Decimal" Scale="floating"/>
           <Property Name="g" Type="Edm.GeographyPoint" SRID="4326"/>
           <Property Name="t" Type="Edm.DateTimeOffset" Precision="0"/>
           <Property Name="m" Type="N.Money"/>
         </ComplexType>`,
      ),
    ),
  );
  const t = index.findStructuredType('N.T')!;
  const by = (n: string) => index.findProperty(t, n)!;
  assert.deepEqual(by('s').type, { name: 'Edm.String', collection: false, nullable: false, maxLength: 'max', unicode: false });
  assert.equal(by('s').defaultValue, 'x');
  assert.deepEqual(by('n').type, { name: 'Edm.String', collection: false, nullable: true, maxLength: 60 });
  assert.deepEqual(by('d').type, { name: 'Edm.Decimal', collection: false, nullable: true, precision: 32, scale: 6 });
  assert.equal(by('v').type.scale, 'variable');
  assert.equal(by('f').type.scale, 'floating');
  assert.equal(by('g').type.srid, '4326');
  assert.equal(by('t').type.precision, 0);
  const money = index.resolveTypeRef(by('m').type);
  assert.equal(money?.kind, 'TypeDefinition');
  assert.deepEqual(money?.kind === 'TypeDefinition' ? money.underlyingType : undefined, {
    name: 'Edm.Decimal',
    collection: false,
    nullable: true,
    precision: 19,
    scale: 4,
  });
  assert.equal(index.isPrimitive('Edm.GeographyPoint'), true);
  assert.equal(index.isPrimitive('Edm.PrimitiveType'), true);
  assert.equal(index.isPrimitive('N.Money'), false);
  assert.equal(index.isPrimitive('Edm.Nope'), false);
});

test('navigation properties: collection, nullable, partner, containment, constraints, OnDelete', () => {
  const { index } = read(
    edmx(
      schema(
        'N',
        `<EntityType Name="P"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.Int32"/>
           <NavigationProperty Name="kids" Type="Collection(N.K)" Partner="parent" ContainsTarget="true"><OnDelete Action="Cascade"/></NavigationProperty>
         </EntityType>
         <EntityType Name="K"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.Int32"/><Property Name="pid" Type="Edm.Int32"/>
           <NavigationProperty Name="parent" Type="N.P" Nullable="false" Partner="kids"><ReferentialConstraint Property="pid" ReferencedProperty="id"/></NavigationProperty>
         </EntityType>`,
      ),
    ),
  );
  const kids = index.findNavigationProperty(index.findStructuredType('N.P')!, 'kids')!;
  assert.deepEqual(kids.type, { name: 'N.K', collection: true, nullable: true });
  assert.equal(kids.containsTarget, true);
  assert.equal(kids.onDelete, 'Cascade');
  assert.equal(kids.partner, 'parent');
  const parent = index.findNavigationProperty(index.findStructuredType('N.K')!, 'parent')!;
  assert.deepEqual(parent.type, { name: 'N.P', collection: false, nullable: false });
  assert.equal(parent.containsTarget, false);
  assert.deepEqual(parent.referentialConstraints, [{ property: 'pid', referencedProperty: 'id' }]);
});

test('operation overloads and imports', () => {
  const { index } = read(
    edmx(
      schema(
        'N',
        `<EntityType Name="E"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.Int32"/></EntityType>
         <EntityType Name="F"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.Int32"/></EntityType>
         <Function Name="Find"><Parameter Name="q" Type="Edm.String"/><ReturnType Type="Collection(N.E)"/></Function>
         <Function Name="Find"><Parameter Name="q" Type="Edm.String"/><Parameter Name="top" Type="Edm.Int32"/><ReturnType Type="Collection(N.E)"/></Function>
         <Action Name="Mark" IsBound="true"><Parameter Name="x" Type="N.E"/><Annotation Term="Org.OData.Core.V1.Description" String="Mark an E."/></Action>
         <Action Name="Mark" IsBound="true"><Parameter Name="x" Type="N.F"/><Annotation Term="Org.OData.Core.V1.Description" String="Mark an F."/></Action>
         <EntityContainer Name="C">
           <EntitySet Name="Es" EntityType="N.E" IncludeInServiceDocument="false"/>
           <FunctionImport Name="Find" Function="N.Find" EntitySet="Es" IncludeInServiceDocument="true"/>
           <ActionImport Name="Reset" Action="N.Reset"/>
         </EntityContainer>`,
      ),
    ),
  );
  assert.equal(index.findOperations('N.Find').length, 2);
  assert.deepEqual(index.findOperations('N.Find').map((o) => o.parameters.length), [1, 2]);
  assert.equal(index.findOperations('N.Nope').length, 0);
  assert.equal(index.findFunctionImport('Find')?.entitySet, 'Es');
  assert.equal(index.findFunctionImport('Find')?.includeInServiceDocument, true);
  assert.equal(index.findEntitySet('Es')?.includeInServiceDocument, false);
  assert.deepEqual(index.operationImports().map((i) => i.name), ['Find', 'Reset']);
  assert.equal(index.description('N.Mark(N.F)'), 'Mark an F.');
  assert.equal(index.description('N.Mark(N.E)'), 'Mark an E.');
  // The action import names no declared action.
  assert.deepEqual(
    validateModel(index).map((e) => [e.code, e.severity]),
    [['unresolved-reference', 'error']],
  );
});

test('navigation property bindings: plain paths, type-cast paths, container-qualified targets', () => {
  const { index } = read(
    edmx(
      schema(
        'N',
        `<EntityType Name="Person"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.Int32"/><NavigationProperty Name="friends" Type="Collection(N.Person)"/></EntityType>
         <EntityType Name="Employee" BaseType="N.Person"><NavigationProperty Name="office" Type="N.Office"/></EntityType>
         <EntityType Name="Office"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.Int32"/></EntityType>
         <EntityContainer Name="C">
           <EntitySet Name="People" EntityType="n.Person">
             <NavigationPropertyBinding Path="friends" Target="People"/>
             <NavigationPropertyBinding Path="n.Employee/office" Target="n.C/Offices"/>
           </EntitySet>
           <EntitySet Name="Offices" EntityType="N.Office"/>
           <Singleton Name="Boss" Type="N.Employee"><NavigationPropertyBinding Path="office" Target="C/Offices"/></Singleton>
         </EntityContainer>`,
        'n',
      ),
    ),
  );
  const people = index.findEntitySet('People')!;
  assert.deepEqual(people.navigationPropertyBindings, [
    { path: 'friends', target: 'People' },
    { path: 'N.Employee/office', target: 'N.C/Offices' },
  ]);
  assert.equal(index.navigationTarget(people, 'friends')?.name, 'People');
  assert.equal(index.navigationTarget(people, 'N.Employee/office')?.name, 'Offices');
  assert.equal(index.navigationTarget(people, 'n.Employee/office')?.name, 'Offices');
  assert.equal(index.navigationTarget(people, 'office')?.name, 'Offices'); // cast omitted
  assert.equal(index.navigationTarget(people, 'nope'), undefined);
  const boss = index.findSingleton('Boss')!;
  assert.equal(index.navigationTarget(boss, 'office')?.name, 'Offices');
  assert.equal(index.entitySetsOfType('n.Office')[0]?.name, 'Offices');
  assert.deepEqual(index.entitySetsOfType('N.Employee'), []);
});

test('inline annotation expressions: constants, records, collections, paths, enum members, null', () => {
  const { index } = read(
    edmx(
      schema(
        'N',
        `<EntityType Name="E"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.Int32">
            <Annotation Term="Core.Computed"/>
            <Annotation Term="Measures.Scale" Int="2"/>
            <Annotation Term="Validation.Maximum" Decimal="12.5"/>
            <Annotation Term="Validation.Minimum" Float="-INF"/>
            <Annotation Term="Core.Permissions" EnumMember="Core.Permission/Read Core.Permission/Insert"/>
          </Property>
          <Annotation Term="Capabilities.InsertRestrictions" Qualifier="web">
            <Record Type="Capabilities.InsertRestrictionsType">
              <PropertyValue Property="Insertable" Bool="false"/>
              <PropertyValue Property="NonInsertableNavigationProperties">
                <Collection><NavigationPropertyPath>a/b</NavigationPropertyPath><NavigationPropertyPath>c</NavigationPropertyPath></Collection>
              </PropertyValue>
              <PropertyValue Property="Description"><String>Not &amp; never</String></PropertyValue>
              <PropertyValue Property="Max"><Int>10</Int></PropertyValue>
              <PropertyValue Property="Flag"/>
              <PropertyValue Property="Nothing"><Null/></PropertyValue>
              <PropertyValue Property="When"><If><Bool>true</Bool><String>a</String><String>b</String></If></PropertyValue>
              <Annotation Term="Core.Description" String="not on the record value"/>
            </Record>
          </Annotation>
          <Annotation Term="Core.Links"><Collection><Record><PropertyValue Property="href" String="x"/></Record><String><![CDATA[<raw>]]></String></Collection></Annotation>
        </EntityType>`,
      ),
      `<edmx:Reference Uri="c"><edmx:Include Namespace="Org.OData.Core.V1" Alias="Core"/></edmx:Reference>
       <edmx:Reference Uri="m"><edmx:Include Namespace="Org.OData.Measures.V1" Alias="Measures"/></edmx:Reference>
       <edmx:Reference Uri="v"><edmx:Include Namespace="Org.OData.Validation.V1" Alias="Validation"/></edmx:Reference>
       <edmx:Reference Uri="cap"><edmx:Include Namespace="Org.OData.Capabilities.V1" Alias="Capabilities"/><edmx:IncludeAnnotations TermNamespace="Org.OData.Capabilities.V1" Qualifier="web" TargetNamespace="N"/></edmx:Reference>`,
    ),
  );
  assert.deepEqual(index.document.references[3].includeAnnotations, [
    { termNamespace: 'Org.OData.Capabilities.V1', qualifier: 'web', targetNamespace: 'N' },
  ]);
  assert.deepEqual(index.annotationsFor('N.E/id'), [
    { term: 'Org.OData.Core.V1.Computed', value: true },
    { term: 'Org.OData.Measures.V1.Scale', value: 2 },
    { term: 'Org.OData.Validation.V1.Maximum', value: 12.5 },
    { term: 'Org.OData.Validation.V1.Minimum', value: '-INF' },
    { term: 'Org.OData.Core.V1.Permissions', value: { $enumMember: 'Org.OData.Core.V1.Permission/Read Org.OData.Core.V1.Permission/Insert' } },
  ]);
  const e = index.annotationsFor('N.E');
  assert.deepEqual(e[0], {
    term: 'Org.OData.Capabilities.V1.InsertRestrictions',
    qualifier: 'web',
    value: {
      $type: 'Org.OData.Capabilities.V1.InsertRestrictionsType',
      $record: {
        Insertable: false,
        NonInsertableNavigationProperties: [{ $path: 'a/b' }, { $path: 'c' }],
        Description: 'Not & never',
        Max: 10,
        Flag: true,
        Nothing: null,
        When: null,
      },
    },
  });
  assert.deepEqual(e[1], { term: 'Org.OData.Core.V1.Links', value: [{ $record: { href: 'x' } }, '<raw>'] });
  assert.equal(e.length, 2);
});

test('external Annotations blocks merge with inline ones, qualified or aliased targets', () => {
  const { index } = read(
    edmx(
      schema(
        'N',
        `<EntityType Name="E"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.Int32"><Annotation Term="Org.OData.Core.V1.Description" String="inline"/></Property></EntityType>
         <EnumType Name="K"><Member Name="A"/></EnumType>
         <EntityContainer Name="C"><EntitySet Name="Es" EntityType="N.E"/></EntityContainer>
         <Annotations Target="n.E/id"><Annotation Term="Org.OData.Core.V1.LongDescription" String="external"/></Annotations>
         <Annotations Target="N.C/Es" Qualifier="q"><Annotation Term="Org.OData.Core.V1.Description" String="the set"/></Annotations>
         <Annotations Target="n.K/A"><Annotation Term="Org.OData.Core.V1.Description" String="member A"/></Annotations>
         <Annotation Term="Org.OData.Core.V1.Description" String="the schema"/>`,
        'n',
      ),
    ),
  );
  assert.deepEqual(index.annotationsFor('N.E/id').map((a) => a.value), ['inline', 'external']);
  assert.deepEqual(index.annotationsFor('n.E/id').map((a) => a.value), ['inline', 'external']);
  assert.equal(index.description('N.E/id'), 'inline');
  assert.deepEqual(index.annotationsFor('N.C/Es'), [{ term: 'Org.OData.Core.V1.Description', qualifier: 'q', value: 'the set' }]);
  assert.equal(index.description('n.C/Es'), 'the set');
  assert.equal(index.description('N.K/A'), 'member A');
  assert.equal(index.description('N'), 'the schema');
  assert.deepEqual(index.annotationsFor('N.Nothing'), []);
  assert.equal(index.description('N.E'), undefined);
});

test('alternate keys: Keys vocabulary and Core.AlternateKeys, inherited when not declared', () => {
  const { index } = read(
    edmx(
      schema(
        'N',
        `<EntityType Name="A"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.Int32"/><Property Name="code" Type="Edm.String"/><Property Name="region" Type="Edm.String"/>
           <Annotation Term="Core.AlternateKeys"><Collection>
             <Record><PropertyValue Property="Key"><Collection>
               <Record><PropertyValue Property="Name" PropertyPath="code"/></Record>
               <Record><PropertyValue Property="Name" PropertyPath="region"/><PropertyValue Property="Alias" String="r"/></Record>
             </Collection></PropertyValue></Record>
           </Collection></Annotation>
         </EntityType>
         <EntityType Name="B" BaseType="N.A"/>`,
      ),
      `<edmx:Reference Uri="c"><edmx:Include Namespace="Org.OData.Core.V1" Alias="Core"/></edmx:Reference>`,
    ),
  );
  const expected = [{ parts: [{ name: 'code' }, { name: 'region', alias: 'r' }], source: 'Org.OData.Core.V1.AlternateKeys' }];
  assert.deepEqual(index.alternateKeys(index.findStructuredType('N.A')!), expected);
  assert.deepEqual(index.alternateKeys(index.findStructuredType('N.B')!), expected);
});

test('Dataverse lookups through annotations and naming when no constraint exists', () => {
  const { index } = read(
    edmx(
      schema(
        'Microsoft.Dynamics.CRM',
        `<EntityType Name="contact"><Key><PropertyRef Name="contactid"/></Key><Property Name="contactid" Type="Edm.Guid"/></EntityType>
         <EntityType Name="account"><Key><PropertyRef Name="accountid"/></Key><Property Name="accountid" Type="Edm.Guid"/>
           <Property Name="_primarycontactid_value" Type="Edm.Guid"/>
           <Property Name="_x_value" Type="Edm.Guid"><Annotation Term="mscrm.associatednavigationproperty" String="x_nav"/></Property>
           <Property Name="_orphan_value" Type="Edm.Guid"/>
           <Property Name="_value" Type="Edm.Guid"/>
           <NavigationProperty Name="primarycontactid" Type="mscrm.contact"/>
           <NavigationProperty Name="x_nav" Type="mscrm.contact"/>
         </EntityType>`,
        'mscrm',
      ),
    ),
  );
  const account = index.findStructuredType('mscrm.account')!;
  assert.deepEqual(
    index.lookupProperties(account).map((l) => [l.name, l.navigationProperties.map((n) => n.name)]),
    [
      ['_primarycontactid_value', ['primarycontactid']],
      ['_x_value', ['x_nav']],
      ['_orphan_value', []],
    ],
  );
  assert.equal(index.findLookupProperty(account, '_x_value')?.property.type.name, 'Edm.Guid');
});

test('CSDL 4.01 documents and bare schemas', () => {
  const v401 = readCsdl(edmx(schema('N', '<ComplexType Name="T"/>'), '', '4.01'));
  assert.equal(v401.version, '4.01');
  assert.deepEqual(v401.errors, []);
  const v5 = readCsdl(edmx(schema('N', '<ComplexType Name="T"/>'), '', '5.0'));
  assert.deepEqual(v5.errors.map((e) => [e.code, e.severity]), [['unsupported-version', 'warning']]);
  assert.equal(v5.schemas[0].complexTypes.length, 1);
  const bare = readCsdl(schema('N', '<ComplexType Name="T"/>'));
  assert.deepEqual(bare.errors.map((e) => [e.code, e.severity]), [['not-edmx', 'warning']]);
  assert.equal(bare.schemas[0].complexTypes[0].fullName, 'N.T');
});

test('malformed XML: xml-malformed with line/column, everything before the error kept', () => {
  const xml = `<edmx:Edmx Version="4.0" xmlns:edmx="${EDMX}"><edmx:DataServices>
<Schema Namespace="N" xmlns="${EDM}">
  <EntityType Name="Good"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.Int32"/></EntityType>
  <EntityType Name="Broken"><Property Name="x" Type="Edm.String"></EntityType>
  <EntityType Name="After"/>
</Schema></edmx:DataServices></edmx:Edmx>`;
  const doc = readCsdl(xml);
  assert.equal(doc.errors.length, 1);
  const e = doc.errors[0];
  assert.equal(e.code, 'xml-malformed');
  assert.equal(e.severity, 'error');
  assert.equal(e.position?.line, 4);
  assert.equal(e.position?.column, 78); // the `>` that closes the mismatched </EntityType>
  assert.equal(xml.split('\n')[3].length, 78);
  assert.equal(xml.split('\n')[3][77], '>');
  assert.equal(e.position?.offset, xml.indexOf('</EntityType>', xml.indexOf('Broken')) + '</EntityType>'.length - 1);
  assert.match(e.message, /Malformed XML/);
  assert.deepEqual(doc.schemas[0].entityTypes.map((t) => t.name), ['Good', 'Broken']);
  assert.equal(doc.schemas[0].entityTypes[1].properties[0].name, 'x');
  const index = createModelIndex(doc);
  assert.deepEqual(index.key(index.findStructuredType('N.Good')!), [{ name: 'id' }]);
});

test('truncated document (download cut short) keeps what was read', () => {
  const full = `<edmx:Edmx Version="4.0" xmlns:edmx="${EDMX}"><edmx:DataServices><Schema Namespace="N" xmlns="${EDM}"><EntityType Name="A"/><EntityType Name="B"><Property Name="p" Type="Edm.Int32"/>`;
  const doc = readCsdl(full);
  assert.equal(doc.errors[0].code, 'xml-malformed');
  assert.equal(doc.errors[0].position?.line, 1);
  assert.deepEqual(doc.schemas[0].entityTypes.map((t) => t.name), ['A', 'B']);
});

test('not edmx, empty, JSON, v3 metadata', () => {
  const html = readCsdl('<html><body>Sign in</body></html>');
  assert.deepEqual(html.errors.map((e) => [e.code, e.severity, e.position?.line, e.position?.column]), [['not-edmx', 'error', 1, 1]]);
  assert.deepEqual(html.schemas, []);
  for (const empty of ['', '   \n\t']) {
    const d = readCsdl(empty);
    assert.deepEqual(d.errors.map((e) => e.code), ['not-edmx']);
    assert.deepEqual(d.schemas, []);
    assert.equal(d.version, '');
  }
  assert.deepEqual(readCsdl('{"$Version":"4.01"}').errors.map((e) => e.code), ['not-edmx']);
  const v3 = readCsdl('<edmx:Edmx Version="1.0" xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx"><edmx:DataServices/></edmx:Edmx>');
  assert.deepEqual(v3.errors.map((e) => e.code), ['unsupported-version']);
  const noSchema = readCsdl(`<edmx:Edmx Version="4.0" xmlns:edmx="${EDMX}"><edmx:DataServices/></edmx:Edmx>`);
  assert.deepEqual(noSchema.errors.map((e) => [e.code, e.severity]), [['not-edmx', 'warning']]);
  assert.deepEqual(readCsdl('plain text').errors.map((e) => e.code), ['xml-malformed']);
  // Not a string at all (defensive: callers in JS land).
  assert.deepEqual(readCsdl(undefined as unknown as string).errors.map((e) => e.code), ['not-edmx']);
});

test('missing required attributes: the element is skipped with missing-attribute', () => {
  const xml = edmx(
    schema(
      'N',
      `<EntityType><Property Name="lost" Type="Edm.String"/></EntityType>
<EntityType Name="E"><Key><PropertyRef/></Key><Property Type="Edm.String"/><Property Name="noType"/><Property Name="ok" Type="Edm.Int32"/><NavigationProperty Name="n"/></EntityType>
<Action/><EnumType Name="K"><Member/><Member Name="A"/></EnumType>
<EntityContainer Name="C"><EntitySet Name="Es"/><EntitySet EntityType="N.E"/></EntityContainer>`,
    ),
  );
  const doc = readCsdl(xml);
  assert.deepEqual(
    doc.errors.map((e) => [e.code, e.position?.line, e.message.split(' ')[0]]),
    [
      ['missing-attribute', 3, 'EntityType'],
      ['missing-attribute', 4, 'PropertyRef'],
      ['missing-attribute', 4, 'Property'],
      ['missing-attribute', 4, 'Property'],
      ['missing-attribute', 4, 'NavigationProperty'],
      ['missing-attribute', 5, 'Action'],
      ['missing-attribute', 5, 'Member'],
      ['missing-attribute', 6, 'EntitySet'],
      ['missing-attribute', 6, 'EntitySet'],
    ],
  );
  const s = doc.schemas[0];
  assert.deepEqual(s.entityTypes.map((t) => t.name), ['E']);
  assert.deepEqual(s.entityTypes[0].properties.map((p) => p.name), ['ok']);
  assert.deepEqual(s.entityTypes[0].key, []);
  assert.deepEqual(s.enumTypes[0].members.map((m) => m.name), ['A']);
  assert.equal(s.entityContainer?.entitySets.length, 0);
  assert.equal(s.operations.length, 0);
});

test('element positions: line, column and offset of the start tag (also across newlines)', () => {
  const xml = `<edmx:Edmx Version="4.0" xmlns:edmx="${EDMX}"><edmx:DataServices>
<Schema Namespace="N" xmlns="${EDM}">
    <ComplexType Name="T"><Property Name="a" Type="Edm.Int32"/>
      <Property
        Name="b" Type="Edm.Int32"/></ComplexType>
</Schema></edmx:DataServices></edmx:Edmx>`;
  const t = readCsdl(xml).schemas[0].complexTypes[0];
  assert.deepEqual(t.position, { line: 3, column: 5, offset: xml.indexOf('<ComplexType') });
  assert.deepEqual(t.properties[0].position, { line: 3, column: 27, offset: xml.indexOf('<Property') });
  assert.deepEqual(t.properties[1].position, { line: 4, column: 7, offset: xml.lastIndexOf('<Property') });
});

test('duplicate type names and unresolved references are reported by validateModel', () => {
  const { index } = read(
    edmx(
      schema(
        'N',
        `<ComplexType Name="T"><Property Name="a" Type="N.Missing"/><Property Name="v" Type="Org.OData.Core.V1.Tag"/></ComplexType><ComplexType Name="T"/>
         <EntityType Name="E" BaseType="N.Nope"><NavigationProperty Name="n" Type="N.T"/></EntityType>
         <EntityContainer Name="C"><EntitySet Name="Es" EntityType="N.Gone"><NavigationPropertyBinding Path="n" Target="Nowhere"/></EntitySet></EntityContainer>`,
      ),
      `<edmx:Reference Uri="c"><edmx:Include Namespace="Org.OData.Core.V1" Alias="Core"/></edmx:Reference>`,
    ),
  );
  assert.deepEqual(
    validateModel(index).map((e) => [e.code, e.severity]),
    [
      ['duplicate-name', 'error'],
      ['unresolved-type', 'error'], // N.E base type
      ['unresolved-type', 'error'], // N.E/n is a complex type
      ['unresolved-type', 'error'], // T/a
      ['unresolved-type', 'error'], // Es entity type
      ['unresolved-reference', 'warning'], // binding target
    ],
  );
});
