/**
 * The solution-file form of a custom API, as Microsoft documents it ("Create a custom API with solution files")
 * and as `pac solution` exports it: inside the API's folder
 *
 *   customapi.xml
 *   customapirequestparameters/{uniquename}/customapirequestparameter.xml
 *   customapiresponseproperties/{uniquename}/customapiresponseproperty.xml
 *
 * Elements in the exported order (alphabetical), labels with language 1033. `writeCustomApiFiles` turns a model
 * into `{ path, content }` files (paths relative to the API folder); `readCustomApiFolder` reads them back.
 * Pure: the caller does the disk I/O.
 */
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import {
  BINDING_TYPES,
  PARAMETER_TYPES,
  STEP_TYPES,
  type CustomApi,
  type CustomApiField,
  type ParameterType,
  type RequestParameter,
  type ResponseProperty,
  type Translations,
} from './customApiModel';

export interface GeneratedFile {
  /** Relative path with `/` separators. */
  path: string;
  content: string;
}

export const CUSTOM_API_FILE = 'customapi.xml';
export const REQUEST_PARAMETERS_FOLDER = 'customapirequestparameters';
export const RESPONSE_PROPERTIES_FOLDER = 'customapiresponseproperties';
export const REQUEST_PARAMETER_FILE = 'customapirequestparameter.xml';
export const RESPONSE_PROPERTY_FILE = 'customapiresponseproperty.xml';
const LANGUAGE = '1033';

type XmlNode = Record<string, unknown>;

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
});

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => name === 'label',
});

const bit = (value: boolean) => (value ? '1' : '0');

/** `<x default="T"><label description="T" languagecode="1033" />…</x>`, then any other languages. */
function label(text: string, translations: Record<string, string> = {}): XmlNode {
  const others = Object.entries(translations).map(([code, description]) => ({ '@_description': description, '@_languagecode': code }));
  return { '@_default': text, label: [{ '@_description': text, '@_languagecode': LANGUAGE }, ...others] };
}

function document(root: string, attributes: XmlNode, children: XmlNode): string {
  return builder.build({ [root]: { ...attributes, ...children } }) as string;
}

export function customApiXml(api: CustomApi): string {
  return document(
    'customapi',
    { '@_uniquename': api.uniquename },
    {
      allowedcustomprocessingsteptype: String(STEP_TYPES.indexOf(api.allowedcustomprocessingsteptype)),
      bindingtype: String(BINDING_TYPES.indexOf(api.bindingtype)),
      boundentitylogicalname: api.bindingtype === 'Global' ? '' : (api.boundentitylogicalname ?? ''),
      description: label(api.description, api.translations?.description),
      displayname: label(api.displayname, api.translations?.displayname),
      executeprivilegename: api.executeprivilegename ?? '',
      iscustomizable: bit(api.iscustomizable),
      isfunction: bit(api.isfunction),
      isprivate: bit(api.isprivate),
      name: api.name,
      plugintypeid: api.plugintypeid ? { plugintypeid: api.plugintypeid } : '',
      workflowsdkstepenabled: bit(api.workflowsdkstepenabled),
    },
  );
}

function fieldChildren(field: CustomApiField, iscustomizable: boolean, isoptional?: boolean): XmlNode {
  return {
    description: label(field.description, field.translations?.description),
    displayname: label(field.displayname, field.translations?.displayname),
    iscustomizable: bit(iscustomizable),
    ...(isoptional === undefined ? {} : { isoptional: bit(isoptional) }),
    logicalentityname: field.logicalentityname ?? '',
    name: field.name,
    type: String(PARAMETER_TYPES.indexOf(field.type)),
  };
}

export function requestParameterXml(parameter: RequestParameter, iscustomizable = true): string {
  return document('customapirequestparameter', { '@_uniquename': parameter.uniquename }, fieldChildren(parameter, iscustomizable, parameter.isoptional));
}

export function responsePropertyXml(property: ResponseProperty, iscustomizable = true): string {
  return document('customapiresponseproperty', { '@_uniquename': property.uniquename }, fieldChildren(property, iscustomizable));
}

/** The solution files of a custom API, relative to its folder (`customapis/{uniquename}/`). */
export function writeCustomApiFiles(api: CustomApi): GeneratedFile[] {
  return [
    { path: CUSTOM_API_FILE, content: customApiXml(api) },
    ...api.requestParameters.map((p) => ({
      path: `${REQUEST_PARAMETERS_FOLDER}/${p.uniquename}/${REQUEST_PARAMETER_FILE}`,
      content: requestParameterXml(p, api.iscustomizable),
    })),
    ...api.responseProperties.map((p) => ({
      path: `${RESPONSE_PROPERTIES_FOLDER}/${p.uniquename}/${RESPONSE_PROPERTY_FILE}`,
      content: responsePropertyXml(p, api.iscustomizable),
    })),
  ];
}

/** Why a folder could not be read back: says which file and what to fix. */
export class SolutionFileError extends Error {}

function parseRoot(file: GeneratedFile, root: string): XmlNode {
  let parsed: XmlNode;
  try {
    parsed = parser.parse(file.content) as XmlNode;
  } catch (error) {
    throw new SolutionFileError(`${file.path} is not well-formed XML (${error instanceof Error ? error.message : String(error)}). Fix the file or delete it to regenerate.`);
  }
  const node = parsed[root];
  if (node === undefined || node === null || typeof node !== 'object') {
    throw new SolutionFileError(`${file.path} has no <${root}> root element. Fix the file or delete it to regenerate.`);
  }
  return node as XmlNode;
}

function text(node: XmlNode, name: string): string {
  const value = node[name];
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return String((value as XmlNode)['#text'] ?? '');
  return String(value);
}

/** A localized label: the 1033 text (or the default) and the other languages' texts. */
function labelText(node: XmlNode, name: string): { text: string; translations: Record<string, string> } {
  const value = node[name];
  if (!value || typeof value !== 'object') return { text: typeof value === 'string' ? value : '', translations: {} };
  const element = value as XmlNode;
  const labels = (element.label as XmlNode[] | undefined) ?? [];
  const english = labels.find((l) => l['@_languagecode'] === LANGUAGE);
  const translations: Record<string, string> = {};
  for (const l of labels) if (l !== english && l['@_languagecode']) translations[String(l['@_languagecode'])] = String(l['@_description'] ?? '');
  return { text: String(english?.['@_description'] ?? element['@_default'] ?? ''), translations };
}

/** Sets the display name, description and (when any) their translations read from an element. */
function readLabels(node: XmlNode, target: { displayname: string; description: string; translations?: Translations }): void {
  const displayname = labelText(node, 'displayname');
  const description = labelText(node, 'description');
  target.displayname = displayname.text;
  target.description = description.text;
  const translations: Translations = {};
  if (Object.keys(displayname.translations).length) translations.displayname = displayname.translations;
  if (Object.keys(description.translations).length) translations.description = description.translations;
  if (translations.displayname || translations.description) target.translations = translations;
}

function choice<T>(file: GeneratedFile, node: XmlNode, name: string, values: readonly T[]): T {
  const raw = text(node, name);
  const value = values[Number(raw)];
  if (raw === '' || !/^\d+$/.test(raw) || value === undefined) {
    throw new SolutionFileError(`${file.path}: <${name}> is '${raw}', expected one of 0..${values.length - 1}.`);
  }
  return value;
}

const flag = (node: XmlNode, name: string) => text(node, name) === '1' || text(node, name).toLowerCase() === 'true';
const optionalText = (node: XmlNode, name: string) => text(node, name) || undefined;

function readField(file: GeneratedFile, node: XmlNode): CustomApiField {
  const field: CustomApiField = {
    uniquename: String(node['@_uniquename'] ?? ''),
    name: text(node, 'name'),
    displayname: '',
    description: '',
    type: choice<ParameterType>(file, node, 'type', PARAMETER_TYPES),
  };
  readLabels(node, field);
  const logical = optionalText(node, 'logicalentityname');
  if (logical) field.logicalentityname = logical;
  if (!field.uniquename) throw new SolutionFileError(`${file.path}: the root element has no uniquename attribute.`);
  return field;
}

/**
 * Reads a custom API folder back into the model. `files` are the folder's files with paths relative to it (or
 * to any parent: matched by their ending). Parameters and properties come back sorted by unique name.
 */
export function readCustomApiFolder(files: readonly GeneratedFile[]): CustomApi {
  const normalized = files.map((f) => ({ ...f, path: f.path.replace(/\\/g, '/') }));
  const apiFile = normalized.find((f) => f.path === CUSTOM_API_FILE || f.path.endsWith(`/${CUSTOM_API_FILE}`));
  if (!apiFile) throw new SolutionFileError(`No ${CUSTOM_API_FILE} in the folder: it is not a custom API folder.`);
  const node = parseRoot(apiFile, 'customapi');
  const uniquename = String(node['@_uniquename'] ?? '');
  if (!uniquename) throw new SolutionFileError(`${apiFile.path}: <customapi> has no uniquename attribute.`);
  const plugin = node.plugintypeid;
  const plugintypeid = plugin && typeof plugin === 'object' ? text(plugin as XmlNode, 'plugintypeid') || text(plugin as XmlNode, 'plugintypeexportkey') : '';
  const api: CustomApi = {
    uniquename,
    name: text(node, 'name') || uniquename,
    displayname: '',
    description: '',
    bindingtype: choice(apiFile, node, 'bindingtype', BINDING_TYPES),
    isfunction: flag(node, 'isfunction'),
    allowedcustomprocessingsteptype: choice(apiFile, node, 'allowedcustomprocessingsteptype', STEP_TYPES),
    isprivate: flag(node, 'isprivate'),
    workflowsdkstepenabled: flag(node, 'workflowsdkstepenabled'),
    iscustomizable: node.iscustomizable === undefined ? true : flag(node, 'iscustomizable'),
    requestParameters: [],
    responseProperties: [],
  };
  readLabels(node, api);
  const bound = optionalText(node, 'boundentitylogicalname');
  if (bound) api.boundentitylogicalname = bound;
  const privilege = optionalText(node, 'executeprivilegename');
  if (privilege) api.executeprivilegename = privilege;
  if (plugintypeid) api.plugintypeid = plugintypeid;

  const byName = (a: CustomApiField, b: CustomApiField) => a.uniquename.localeCompare(b.uniquename);
  for (const file of normalized) {
    if (file.path.endsWith(`/${REQUEST_PARAMETER_FILE}`)) {
      const element = parseRoot(file, 'customapirequestparameter');
      api.requestParameters.push({ ...readField(file, element), isoptional: flag(element, 'isoptional') });
    } else if (file.path.endsWith(`/${RESPONSE_PROPERTY_FILE}`)) {
      api.responseProperties.push(readField(file, parseRoot(file, 'customapiresponseproperty')));
    }
  }
  api.requestParameters.sort(byName);
  api.responseProperties.sort(byName);
  return api;
}
