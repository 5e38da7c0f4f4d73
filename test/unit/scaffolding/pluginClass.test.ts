/**
 * The C# plug-in class: each request parameter read from InputParameters with its .NET type (optional ones
 * nullable), each response property set in OutputParameters, the implicit Target of Entity-bound APIs, and
 * regeneration that rewrites only the generated regions and keeps every other byte (hand edits, CRLF).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planCustomApiFolder, pluginClassPath } from '../../../client/src/features/scaffolding/customApiFolder';
import { PARAMETER_TYPES, newCustomApi, type CustomApi, type ParameterType } from '../../../client/src/features/scaffolding/customApiModel';
import { DOTNET_TYPES, generatePluginClass, localName, pluginClassName, regeneratePluginClass } from '../../../client/src/features/scaffolding/pluginClass';

const EXPECTED_DOTNET: Record<ParameterType, string> = {
  Boolean: 'bool',
  DateTime: 'DateTime',
  Decimal: 'decimal',
  Entity: 'Entity',
  EntityCollection: 'EntityCollection',
  EntityReference: 'EntityReference',
  Float: 'double',
  Integer: 'int',
  Money: 'Money',
  Picklist: 'OptionSetValue',
  String: 'string',
  StringArray: 'string[]',
  Guid: 'Guid',
};

function sampleApi(): CustomApi {
  const api = newCustomApi('contoso_EscalateCase');
  api.displayname = 'Escalate Case';
  api.bindingtype = 'Entity';
  api.boundentitylogicalname = 'incident';
  api.requestParameters.push({ uniquename: 'Priority', name: 'contoso_EscalateCase.Priority', displayname: 'Priority', description: '', type: 'Picklist', isoptional: false });
  api.responseProperties.push({ uniquename: 'AssignedTo', name: 'contoso_EscalateCase.AssignedTo', displayname: 'Assigned To', description: '', type: 'EntityReference', logicalentityname: 'systemuser' });
  return api;
}

describe('plug-in class', () => {
  test('every type is read from InputParameters and set in OutputParameters with its .NET type', () => {
    const api = newCustomApi('contoso_AllTypes');
    for (const type of PARAMETER_TYPES) {
      api.requestParameters.push({ uniquename: `Req${type}`, name: '', displayname: type, description: '', type, isoptional: false });
      api.requestParameters.push({ uniquename: `Opt${type}`, name: '', displayname: type, description: '', type, isoptional: true });
      api.responseProperties.push({ uniquename: `Res${type}`, name: '', displayname: type, description: '', type });
    }
    const text = generatePluginClass(api, { namespace: 'Contoso.Plugins' });
    assert.match(text, /namespace Contoso\.Plugins/);
    assert.match(text, /public class AllTypesPlugin : IPlugin/);
    assert.match(text, /if \(context\.MessageName != "contoso_AllTypes"\)/);
    for (const type of PARAMETER_TYPES) {
      const dotnet = EXPECTED_DOTNET[type];
      assert.equal(DOTNET_TYPES[type].type, dotnet);
      const nullable = DOTNET_TYPES[type].valueType ? `${dotnet}?` : dotnet;
      assert.ok(text.includes(`${dotnet} req${type} = (${dotnet})context.InputParameters["Req${type}"];`), `required ${type}`);
      assert.ok(
        text.includes(`${nullable} opt${type} = context.InputParameters.Contains("Opt${type}") ? (${nullable})context.InputParameters["Opt${type}"] : null;`),
        `optional ${type}`,
      );
      assert.ok(text.includes(`${dotnet} res${type}Result = default;`), `response local ${type}`);
      assert.ok(text.includes(`context.OutputParameters["Res${type}"] = res${type}Result;`), `output ${type}`);
    }
    // Braces balance: the class is at least structurally sound C#.
    assert.equal((text.match(/{/g) ?? []).length, (text.match(/}/g) ?? []).length);
  });

  test('an Entity-bound API reads the implicit Target as an EntityReference', () => {
    const text = generatePluginClass(sampleApi());
    assert.match(text, /EntityReference target = \(EntityReference\)context\.InputParameters\["Target"\];/);
    assert.match(text, /OptionSetValue priority = \(OptionSetValue\)context\.InputParameters\["Priority"\];/);
    assert.doesNotMatch(generatePluginClass(newCustomApi('contoso_Global')), /"Target"/);
  });

  test('names: class from the unique name, keyword-safe locals', () => {
    assert.equal(pluginClassName({ uniquename: 'contoso_calculateDiscount' }), 'CalculateDiscountPlugin');
    assert.equal(localName('Event'), '@event');
    assert.equal(localName('Amount'), 'amount');
    assert.equal(localName('Context'), 'contextParameter', 'no clash with the execution context');
    assert.equal(pluginClassPath({ uniquename: 'contoso_EscalateCase' }), 'EscalateCasePlugin.cs');
  });

  test('regenerating after adding a parameter keeps hand edits byte for byte', () => {
    const api = sampleApi();
    const original = generatePluginClass(api);
    // The user's edits: a using, a helper method, logic between the regions, a changed default.
    const edited = original
      .replace('using Microsoft.Xrm.Sdk;\n', 'using Microsoft.Xrm.Sdk;\nusing Microsoft.Xrm.Sdk.Query;\n')
      .replace(
        '            // Your logic: use the parameters above and set the *Result variables.\n',
        '            // Your logic: use the parameters above and set the *Result variables.\n            var service = Factory(serviceProvider, context);\n            assignedToResult = new EntityReference("systemuser", Pick(service, priority));\n',
      )
      .replace(/\n {4}}\n}\n$/, '\n\n        private static Guid Pick(IOrganizationService service, OptionSetValue priority) => Guid.Empty; // mine\n    }\n}\n');
    assert.notEqual(edited, original);

    api.requestParameters.push({ uniquename: 'Reason', name: 'contoso_EscalateCase.Reason', displayname: 'Reason', description: '', type: 'String', isoptional: true });
    api.responseProperties.push({ uniquename: 'EscalatedOn', name: 'contoso_EscalateCase.EscalatedOn', displayname: 'Escalated On', description: '', type: 'DateTime' });
    const { text, missingRegions } = regeneratePluginClass(edited, api);
    assert.deepEqual(missingRegions, []);
    assert.ok(text.includes('string reason = context.InputParameters.Contains("Reason") ? (string)context.InputParameters["Reason"] : null;'));
    assert.ok(text.includes('DateTime escalatedOnResult = default;'));
    assert.ok(text.includes('context.OutputParameters["EscalatedOn"] = escalatedOnResult;'));

    // Outside the regions, the file is the edited one, byte for byte.
    const outside = (s: string) => s.replace(/\/\/ <generated:(\w+)>[\s\S]*?\/\/ <\/generated:\1>/g, '<$1>');
    assert.equal(outside(text), outside(edited));
    assert.ok(text.includes('assignedToResult = new EntityReference("systemuser", Pick(service, priority));'));
    assert.ok(text.includes('=> Guid.Empty; // mine'));

    // Regenerating again with the same model changes nothing.
    assert.equal(regeneratePluginClass(text, api).text, text);
  });

  test('CRLF files stay CRLF; missing markers are reported and nothing is guessed', () => {
    const api = sampleApi();
    const crlf = generatePluginClass(api).replace(/\n/g, '\r\n');
    api.requestParameters.push({ uniquename: 'Note', name: '', displayname: 'Note', description: '', type: 'String', isoptional: false });
    const regenerated = regeneratePluginClass(crlf, api).text;
    assert.ok(regenerated.includes('string note = (string)context.InputParameters["Note"];\r\n'));
    assert.doesNotMatch(regenerated, /[^\r]\n/);

    const withoutOutputs = crlf.replace('// </generated:outputs>', '// end');
    const result = regeneratePluginClass(withoutOutputs, api);
    assert.deepEqual(result.missingRegions, ['outputs']);
    assert.ok(result.text.includes('// end'));
  });

  test('the folder plan regenerates the class in place, and the .odata call only while it is untouched', () => {
    const api = sampleApi();
    const previous = structuredClone(api);
    const first = planCustomApiFolder(api, []);
    assert.deepEqual(
      first.files.map((f) => f.path),
      [
        'customapi.xml',
        'customapirequestparameters/Priority/customapirequestparameter.xml',
        'customapiresponseproperties/AssignedTo/customapiresponseproperty.xml',
        'EscalateCasePlugin.cs',
        'contoso_EscalateCase.odata',
      ],
    );
    const onDisk = first.files.map((f) => (f.path.endsWith('.cs') ? { ...f, content: f.content.replace('tracing.Trace(', '/* mine */ tracing.Trace(') } : f));
    api.requestParameters.push({ uniquename: 'Reason', name: 'contoso_EscalateCase.Reason', displayname: 'Reason', description: '', type: 'String', isoptional: true });
    const second = planCustomApiFolder(api, onDisk, {}, previous);
    assert.deepEqual(second.files.map((f) => f.path), ['customapirequestparameters/Reason/customapirequestparameter.xml', 'EscalateCasePlugin.cs', 'contoso_EscalateCase.odata']);
    assert.ok(second.files[1]!.content.includes('/* mine */ tracing.Trace('));
    assert.match(second.files[2]!.content, /"Reason": "text"/, 'the untouched call gains the new parameter');
    assert.deepEqual(second.kept, []);

    // Once the user edits the call, it is theirs.
    const editedCall = onDisk.map((f) => (f.path.endsWith('.odata') ? { ...f, content: f.content.replace('"Priority": 1', '"Priority": 3') } : f));
    const third = planCustomApiFolder(api, editedCall, {}, previous);
    assert.deepEqual(third.kept.map((k) => k.path), ['contoso_EscalateCase.odata']);
    assert.equal(third.files.some((f) => f.path.endsWith('.odata')), false);
  });
});
