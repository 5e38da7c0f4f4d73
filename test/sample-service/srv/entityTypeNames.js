// Dataverse names an entity type by its table's logical name (`account`) and the entity set by the plural
// (`accounts`); tools such as the FetchXML model take logical names from the entity types. CAP cannot do that: its
// compiler (@sap/cds-compiler lib/edm/csn2edm.js) names the EntityType and the EntitySet of a service entity both
// after the entity, with no option or annotation for a different set name (only views with parameters get
// `<name>Type` / `<name>Set`), and a `compile.to.edmx` handler can change the model before compiling but not the
// result. So the service keeps its entities named after the sets (`entity accounts as projection on db.account`,
// which keeps every URL and response as Dataverse has them) and this middleware renames the entity types in the
// `$metadata` answer, XML or JSON, to the logical names of the tables they project (`db.account` → `account`).
'use strict';

const NAMESPACE = 'Microsoft.Dynamics.CRM';

/** Types whose Dataverse name is not the source's logical name. */
const DATAVERSE_NAMES = { EntityDefinitions: 'EntityMetadata' };

/**
 * Entity set name → Dataverse entity type name, for every entity of the service that projects a `dataverse.<table>`
 * of the schema.
 */
function typeNames(model) {
  const names = new Map();
  for (const [name, def] of Object.entries(model.definitions)) {
    if (def.kind !== 'entity' || !name.startsWith(`${NAMESPACE}.`)) continue;
    const set = name.slice(NAMESPACE.length + 1);
    if (set.includes('.')) continue; // a generated child entity (texts, drafts): none here
    const source = def.query?.SELECT?.from?.ref?.[0] ?? def.projection?.from?.ref?.[0];
    if (typeof source !== 'string' || !source.startsWith('dataverse.')) continue;
    names.set(set, DATAVERSE_NAMES[set] ?? source.slice('dataverse.'.length));
  }
  return names;
}

function escaped(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Renames the qualified type names (`Microsoft.Dynamics.CRM.accounts` → `…account`) wherever they occur. */
function renameQualified(text, names) {
  if (names.size === 0) return text;
  const pattern = new RegExp(`${escaped(NAMESPACE)}\\.(${[...names.keys()].map(escaped).join('|')})(?![\\w.])`, 'g');
  return text.replace(pattern, (_whole, set) => `${NAMESPACE}.${names.get(set)}`);
}

/** The CSDL XML with the entity types renamed: their declarations and every reference to them. */
function renameXml(xml, names) {
  const declared = xml.replace(/<EntityType Name="([^"]+)"/g, (whole, set) => (names.has(set) ? `<EntityType Name="${names.get(set)}"` : whole));
  return renameQualified(declared, names);
}

/** The CSDL JSON with the entity types renamed: the schema's members and every reference to them. */
function renameJson(text, names) {
  const csdl = JSON.parse(renameQualified(text, names));
  const schema = csdl[NAMESPACE];
  if (schema && typeof schema === 'object') {
    for (const [set, type] of names) {
      if (schema[set]?.$Kind !== 'EntityType') continue;
      schema[type] = schema[set];
      delete schema[set];
    }
  }
  return JSON.stringify(csdl);
}

/**
 * Express middleware for the service path: the answers to GET $metadata name entity types as Dataverse does.
 * `model` is read when the first request comes (CAP has loaded it by then).
 */
function middleware(getModel) {
  let names;
  return (req, res, next) => {
    if (req.method !== 'GET' || !/^\/\$metadata(\?|$)/.test(req.url)) return next();
    names ??= typeNames(getModel());
    const send = res.send.bind(res);
    res.send = (body) => {
      if (typeof body !== 'string' || res.statusCode !== 200) return send(body);
      return send(body.trimStart().startsWith('<') ? renameXml(body, names) : renameJson(body, names));
    };
    return next();
  };
}

module.exports = { middleware, typeNames, renameXml, renameJson };
