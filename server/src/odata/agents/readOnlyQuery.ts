/**
 * What `run_query` may send: one GET request of OData, or FetchXML sent as `GET {entity set}?fetchXml=…`
 * (the entity set found from the fetch's entity logical name in the model). Anything that could change data
 * is refused with a message that says so. Pure: the VS Code client sends what this plans.
 */
import type { ModelIndex } from '../csdl/modelIndex';
import { parseRequestFile, requestMethod } from '../requestFile/requestFile';
import { detectLanguage } from './checkQuery';

export type ReadOnlyPlan =
  | {
      ok: true;
      language: 'odata' | 'fetchxml';
      /** An `.odata` request text to send (method GET): the query as given, or the FetchXML request built from it. */
      requestText: string;
    }
  | { ok: false; message: string };

export function planReadOnlyQuery(query: string, model: ModelIndex | undefined): ReadOnlyPlan {
  if (query.trim().length === 0) return { ok: false, message: 'The query is empty: give a GET URL such as accounts?$select=name&$top=5, or FetchXML.' };
  if (detectLanguage(query) === 'fetchxml') return planFetchXml(query, model);
  const file = parseRequestFile(query);
  if (file.requests.length !== 1) {
    return { ok: false, message: `run_query runs one request at a time; this text holds ${file.requests.length}. Send them one by one.` };
  }
  const request = file.requests[0]!;
  const method = requestMethod(request);
  if (method !== 'GET') {
    return {
      ok: false,
      message: `run_query only reads data: ${method} is refused (it could change data). Give a GET query; to change data, write the request in an .odata file and let the user send it.`,
    };
  }
  if (/(^|\/)\$batch\b/.test(request.url)) return { ok: false, message: 'run_query does not send $batch requests (they may hold writes). Give a single GET query.' };
  if (request.body && request.body.text.trim().length > 0) return { ok: false, message: 'run_query sends no request body: a GET query has none. Remove the body.' };
  return { ok: true, language: 'odata', requestText: query };
}

function planFetchXml(query: string, model: ModelIndex | undefined): ReadOnlyPlan {
  const entity = /<entity\b[^>]*?\bname\s*=\s*["']([^"']+)["']/i.exec(query)?.[1];
  if (!entity) return { ok: false, message: 'This FetchXML has no <entity name="…">: give the table\'s logical name, e.g. <fetch top="5"><entity name="account">…' };
  if (!model) return { ok: false, message: "The environment's metadata is not loaded, so the entity set of this FetchXML is not known; load the metadata first." };
  const types = model.document.schemas.flatMap((schema) => schema.entityTypes).filter((type) => type.name === entity);
  const sets = types.flatMap((type) => model.entitySetsOfType(type.fullName));
  if (sets.length === 0) return { ok: false, message: `No entity set holds '${entity}' in this environment's metadata: check the logical name with find_metadata.` };
  const compact = query.replace(/>\s+</g, '><').trim();
  return { ok: true, language: 'fetchxml', requestText: `GET ${sets[0]!.name}?fetchXml=${encodeURIComponent(compact)}` };
}
