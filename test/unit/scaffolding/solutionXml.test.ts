/**
 * The solution files of custom APIs over the full matrix (each binding type × function/action × each parameter
 * type): the XML is well-formed (read with saxes, a different parser from the writer's), has exactly the
 * documented elements in the documented order with the documented values, and round-trips through read-back
 * and regeneration without a change.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SaxesParser } from 'saxes';
import { planCustomApiFolder } from '../../../client/src/features/scaffolding/customApiFolder';
import {
  BINDING_TYPES,
  ENTITY_TYPES,
  PARAMETER_TYPES,
  newCustomApi,
  validateCustomApi,
  type BindingType,
  type CustomApi,
  type ParameterType,
} from '../../../client/src/features/scaffolding/customApiModel';
import { readCustomApiFolder, SolutionFileError, writeCustomApiFiles } from '../../../client/src/features/scaffolding/solutionXml';

interface Element {
  name: string;
  attributes: Record<string, string>;
  children: Element[];
  text: string;
}

/** Parses with saxes into a plain tree; throws on any well-formedness error. */
function parse(xml: string): Element {
  const parser = new SaxesParser();
  const stack: Element[] = [];
  let root: Element | undefined;
  parser.on('opentag', (tag) => {
    const element: Element = { name: tag.name, attributes: { ...(tag.attributes as Record<string, string>) }, children: [], text: '' };
    if (stack.length) stack[stack.length - 1]!.children.push(element);
    else root = element;
    stack.push(element);
  });
  parser.on('text', (t) => {
    if (stack.length) stack[stack.length - 1]!.text += t.trim();
  });
  parser.on('closetag', () => void stack.pop());
  parser.on('error', (e) => {
    throw e;
  });
  parser.write(xml).close();
  assert.ok(root, 'a root element');
  return root;
}

const child = (e: Element, name: string) => {
  const found = e.children.find((c) => c.name === name);
  assert.ok(found, `<${e.name}> has <${name}>`);
  return found;
};

/** The documented label form: <x default="T"><label description="T" languagecode="1033" /></x>. */
function assertLabel(e: Element, name: string, text: string): void {
  const element = child(e, name);
  assert.deepEqual(element.attributes, { default: text });
  assert.equal(element.children.length, 1);
  assert.equal(element.children[0]!.name, 'label');
  assert.deepEqual(element.children[0]!.attributes, { description: text, languagecode: '1033' });
}

const API_ELEMENTS = [
  'allowedcustomprocessingsteptype',
  'bindingtype',
  'boundentitylogicalname',
  'description',
  'displayname',
  'executeprivilegename',
  'iscustomizable',
  'isfunction',
  'isprivate',
  'name',
  'plugintypeid',
  'workflowsdkstepenabled',
];
const REQUEST_ELEMENTS = ['description', 'displayname', 'iscustomizable', 'isoptional', 'logicalentityname', 'name', 'type'];
const RESPONSE_ELEMENTS = ['description', 'displayname', 'iscustomizable', 'logicalentityname', 'name', 'type'];

function matrixApi(binding: BindingType, isfunction: boolean, type: ParameterType): CustomApi {
  const api = newCustomApi(`contoso_${binding}${isfunction ? 'Function' : 'Action'}${type}`);
  api.displayname = `Matrix ${binding} ${type}`;
  api.description = `Takes and returns a ${type} <${binding}> & more`;
  api.bindingtype = binding;
  if (binding !== 'Global') api.boundentitylogicalname = 'account';
  api.isfunction = isfunction;
  api.allowedcustomprocessingsteptype = isfunction ? 'SyncAndAsync' : 'AsyncOnly';
  api.isprivate = isfunction;
  api.executeprivilegename = 'prvReadAccount';
  const logical = ENTITY_TYPES.includes(type) ? { logicalentityname: 'contact' } : {};
  api.requestParameters.push({ uniquename: `In${type}`, name: `${api.uniquename}.In${type}`, displayname: `In ${type}`, description: `The ${type} input`, type, isoptional: type.length % 2 === 0, ...logical });
  api.requestParameters.push({ uniquename: 'Flag', name: `${api.uniquename}.Flag`, displayname: 'Flag', description: 'A flag', type: 'Boolean', isoptional: true });
  api.responseProperties.push({ uniquename: `Out${type}`, name: `${api.uniquename}.Out${type}`, displayname: `Out ${type}`, description: `The ${type} output`, type, ...logical });
  return api;
}

describe('custom API solution files: the full matrix', () => {
  for (const binding of BINDING_TYPES) {
    for (const isfunction of [false, true]) {
      test(`${binding} ${isfunction ? 'function' : 'action'} × every parameter type`, () => {
        for (const type of PARAMETER_TYPES) {
          const api = matrixApi(binding, isfunction, type);
          assert.deepEqual(validateCustomApi(api), [], `${api.uniquename} is valid`);
          const files = writeCustomApiFiles(api);
          assert.deepEqual(
            files.map((f) => f.path),
            [
              'customapi.xml',
              `customapirequestparameters/In${type}/customapirequestparameter.xml`,
              'customapirequestparameters/Flag/customapirequestparameter.xml',
              `customapiresponseproperties/Out${type}/customapiresponseproperty.xml`,
            ],
          );

          const root = parse(files[0]!.content);
          assert.equal(root.name, 'customapi');
          assert.deepEqual(root.attributes, { uniquename: api.uniquename });
          assert.deepEqual(root.children.map((c) => c.name), API_ELEMENTS, 'customapi.xml elements in order');
          assert.equal(child(root, 'allowedcustomprocessingsteptype').text, isfunction ? '2' : '1');
          assert.equal(child(root, 'bindingtype').text, String(BINDING_TYPES.indexOf(binding)));
          assert.equal(child(root, 'boundentitylogicalname').text, binding === 'Global' ? '' : 'account');
          assertLabel(root, 'description', api.description);
          assertLabel(root, 'displayname', api.displayname);
          assert.equal(child(root, 'executeprivilegename').text, 'prvReadAccount');
          assert.equal(child(root, 'iscustomizable').text, '1');
          assert.equal(child(root, 'isfunction').text, isfunction ? '1' : '0');
          assert.equal(child(root, 'isprivate').text, isfunction ? '1' : '0');
          assert.equal(child(root, 'name').text, api.uniquename);
          assert.equal(child(root, 'plugintypeid').children.length, 0);
          assert.equal(child(root, 'workflowsdkstepenabled').text, '0');

          const request = parse(files.find((f) => f.path.includes(`/In${type}/`))!.content);
          assert.equal(request.name, 'customapirequestparameter');
          assert.deepEqual(request.attributes, { uniquename: `In${type}` });
          assert.deepEqual(request.children.map((c) => c.name), REQUEST_ELEMENTS);
          assert.equal(child(request, 'type').text, String(PARAMETER_TYPES.indexOf(type)));
          assert.equal(child(request, 'isoptional').text, type.length % 2 === 0 ? '1' : '0');
          assert.equal(child(request, 'logicalentityname').text, ENTITY_TYPES.includes(type) ? 'contact' : '');
          assert.equal(child(request, 'name').text, `${api.uniquename}.In${type}`);
          assertLabel(request, 'displayname', `In ${type}`);

          const response = parse(files.find((f) => f.path.includes(`/Out${type}/`))!.content);
          assert.equal(response.name, 'customapiresponseproperty');
          assert.deepEqual(response.children.map((c) => c.name), RESPONSE_ELEMENTS, 'no isoptional on a response property');
          assert.equal(child(response, 'type').text, String(PARAMETER_TYPES.indexOf(type)));

          // Round trip: read back, then regenerate: the same model and not one XML file to rewrite.
          const back = readCustomApiFolder(files);
          const sorted = { ...api, requestParameters: [...api.requestParameters].sort((a, b) => a.uniquename.localeCompare(b.uniquename)) };
          assert.deepEqual(back, sorted);
          const plan = planCustomApiFolder(back, files);
          assert.deepEqual(plan.files.filter((f) => f.path.endsWith('.xml')), [], 'regenerating changes no XML');
        }
      });
    }
  }
});

describe('custom API solution files: reading back', () => {
  test('the documented example (Microsoft\'s customapi.xml and parameter files) reads into the model', () => {
    const api = readCustomApiFolder([
      {
        path: 'customapis/sample_CustomAPIExample/customapi.xml',
        content: `<customapi uniquename="sample_CustomAPIExample">
  <allowedcustomprocessingsteptype>0</allowedcustomprocessingsteptype>
  <bindingtype>0</bindingtype>
  <boundentitylogicalname />
  <description default="A simple example of a Custom API">
    <label description="A simple example of a Custom API" languagecode="1033" />
  </description>
  <displayname default="Custom API Example">
    <label description="Custom API Example" languagecode="1033" />
  </displayname>
  <executeprivilegename />
  <isfunction>0</isfunction>
  <isprivate>0</isprivate>
  <name>sample_CustomAPIExample</name>
  <plugintypeid>
    <plugintypeid>5a1b3c2d-0000-0000-0000-000000000001</plugintypeid>
  </plugintypeid>
</customapi>`,
      },
      {
        path: 'customapis\\sample_CustomAPIExample\\customapirequestparameters\\StringParameter\\customapirequestparameter.xml',
        content: `<customapirequestparameter uniquename="StringParameter">
  <description default="The StringParameter request parameter for Custom API Example">
    <label description="The StringParameter request parameter for Custom API Example" languagecode="1033" />
  </description>
  <displayname default="Custom API Example String Parameter">
    <label description="Custom API Example String Parameter" languagecode="1033" />
  </displayname>
  <isoptional>0</isoptional>
  <logicalentityname />
  <name>sample_CustomAPIExample.StringParameter</name>
  <type>10</type>
</customapirequestparameter>`,
      },
    ]);
    assert.equal(api.uniquename, 'sample_CustomAPIExample');
    assert.equal(api.displayname, 'Custom API Example');
    assert.equal(api.bindingtype, 'Global');
    assert.equal(api.iscustomizable, true, 'absent iscustomizable means customizable');
    assert.equal(api.plugintypeid, '5a1b3c2d-0000-0000-0000-000000000001');
    assert.deepEqual(api.requestParameters, [
      {
        uniquename: 'StringParameter',
        name: 'sample_CustomAPIExample.StringParameter',
        displayname: 'Custom API Example String Parameter',
        description: 'The StringParameter request parameter for Custom API Example',
        type: 'String',
        isoptional: false,
      },
    ]);
    // The plug-in type survives regeneration.
    assert.match(writeCustomApiFiles(api)[0]!.content, /<plugintypeid>\s*<plugintypeid>5a1b3c2d-0000-0000-0000-000000000001<\/plugintypeid>\s*<\/plugintypeid>/);
  });

  test('labels in other languages (the documented Japanese example) survive read-back and regeneration', () => {
    const files = [
      {
        path: 'customapi.xml',
        content: `<customapi uniquename="sample_CustomAPIExample">
  <allowedcustomprocessingsteptype>0</allowedcustomprocessingsteptype>
  <bindingtype>0</bindingtype>
  <description default="A simple example of a Custom API">
    <label description="A simple example of a Custom API" languagecode="1033" />
    <label description="カスタムAPIの簡単な例" languagecode="1041" />
  </description>
  <displayname default="Custom API Example">
    <label description="Custom API Example" languagecode="1033" />
    <label description="カスタムAPIの例" languagecode="1041" />
  </displayname>
  <isfunction>0</isfunction>
  <name>sample_CustomAPIExample</name>
</customapi>`,
      },
    ];
    const api = readCustomApiFolder(files);
    assert.equal(api.displayname, 'Custom API Example');
    assert.deepEqual(api.translations, { displayname: { 1041: 'カスタムAPIの例' }, description: { 1041: 'カスタムAPIの簡単な例' } });
    const regenerated = writeCustomApiFiles(api);
    const displayname = child(parse(regenerated[0]!.content), 'displayname');
    assert.deepEqual(
      displayname.children.map((l) => [l.attributes.languagecode, l.attributes.description]),
      [
        ['1033', 'Custom API Example'],
        ['1041', 'カスタムAPIの例'],
      ],
    );
    assert.deepEqual(readCustomApiFolder(regenerated), api);
    assert.equal('translations' in readCustomApiFolder(writeCustomApiFiles(newCustomApi('contoso_Plain'))), false);
  });

  test('a broken file is reported with its path and what to do', () => {
    assert.throws(() => readCustomApiFolder([{ path: 'x/customapi.xml', content: '<customapi uniquename="a_B"><bindingtype>7</bindingtype>' }]), SolutionFileError);
    assert.throws(
      () => readCustomApiFolder([{ path: 'x/customapi.xml', content: '<customapi uniquename="a_B"><bindingtype>7</bindingtype><allowedcustomprocessingsteptype>0</allowedcustomprocessingsteptype></customapi>' }]),
      /x\/customapi.xml: <bindingtype> is '7', expected one of 0..2/,
    );
    assert.throws(() => readCustomApiFolder([{ path: 'readme.md', content: '' }]), /No customapi.xml in the folder/);
  });
});
