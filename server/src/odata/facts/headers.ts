/**
 * The headers people send to (and read from) Dynamics 365 and what their values mean, and the `Prefer`
 * preferences OData defines. Completion (names and values), hover and the header checker (uri/headers.ts) read
 * these tables; none keeps its own list.
 */
import type { Flavor } from '../diagnosticCodes';

export interface HeaderValue {
  value: string;
  doc: string;
  /** Snippet text when it differs from `value`. */
  insert?: string;
}

export interface HeaderInfo {
  name: string;
  doc: string;
  /** Flavours the header belongs to; undefined: every flavour. */
  flavors?: Flavor[];
  values: HeaderValue[];
  /** Comma-separated list of values (Prefer). */
  list?: boolean;
  /** Completion leaves it out (the runner adds it, or it is a response header or an old one); hover still explains it. */
  notOffered?: boolean;
}

const DV: Flavor[] = ['dataverse'];
const trueFalse = (whatTrue: string, whatFalse: string): HeaderValue[] => [
  { value: 'true', doc: whatTrue },
  { value: 'false', doc: whatFalse },
];

export const REQUEST_HEADERS: readonly HeaderInfo[] = [
  {
    name: 'Accept',
    doc: 'Media type of the response. OData services answer `application/json`; `odata.metadata=minimal|full|none` controls the `@odata.*` annotations in it.',
    values: [
      { value: 'application/json', doc: 'JSON (OData v4 default: `odata.metadata=minimal`).' },
      { value: 'application/json;odata.metadata=minimal', doc: 'Only the essential annotations (`@odata.context`, `@odata.etag`, `@odata.nextLink`).' },
      { value: 'application/json;odata.metadata=full', doc: 'Every annotation, including `@odata.type`, `@odata.id` and navigation links.' },
      { value: 'application/json;odata.metadata=none', doc: 'No control annotations at all (no `@odata.nextLink` either: avoid when paging).' },
      { value: 'application/xml', doc: '`$metadata` is XML (CSDL).' },
    ],
  },
  {
    name: 'Content-Type',
    doc: 'Media type of the request body.',
    values: [
      { value: 'application/json', doc: 'A JSON body (create, update, action parameters).' },
      { value: 'multipart/mixed;boundary=batch_…', insert: 'multipart/mixed;boundary=${1:batch_${2:id}}', doc: 'A `$batch` request body; the boundary names the separator lines (`--batch_id`).' },
      { value: 'application/json;odata.metadata=minimal', doc: 'JSON with the minimal metadata level.' },
      { value: 'application/octet-stream', doc: 'Binary content (file and image columns, media streams).' },
    ],
  },
  {
    name: 'Prefer',
    doc: 'Preferences (RFC 7240) the service may honour, separated by commas: `odata.include-annotations="*"` (formatted values, lookup names), `odata.maxpagesize=N` (page size), `return=representation` (return the created/updated record), `odata.track-changes`, `respond-async`, `odata.continue-on-error` (`$batch`). `Preference-Applied` in the response says which were honoured.',
    list: true,
    values: [
      { value: 'return=representation', doc: 'Return the created or updated entity in the response (201/200 with a body instead of 204). Combine with `$select` on the URL.' },
      { value: 'return=minimal', doc: 'No response body (204); the entity address comes back in `OData-EntityId`.' },
      { value: 'odata.include-annotations="*"', doc: 'All instance annotations: formatted values, lookup logical names, navigation properties behind lookups, total record counts.' },
      {
        value: 'odata.include-annotations="OData.Community.Display.V1.FormattedValue"',
        doc: 'Formatted values (`name@OData.Community.Display.V1.FormattedValue`): option set labels, currency and dates as displayed.',
      },
      {
        value: 'odata.include-annotations="Microsoft.Dynamics.CRM.*"',
        doc: 'Dataverse annotations: `lookuplogicalname`, `associatednavigationproperty`, `totalrecordcount`, `totalrecordcountlimitexceeded`, `globalmetadataversion`.',
      },
      { value: 'odata.maxpagesize=…', insert: 'odata.maxpagesize=${1:100}', doc: 'Page size; the next page is at `@odata.nextLink`. Dataverse: at most 5000. F&O pages at 10,000, Business Central at 20,000.' },
      { value: 'odata.track-changes', doc: 'Ask for a delta link (`@odata.deltaLink`) to read only the changes later (Dataverse: tables with change tracking enabled).' },
      { value: 'respond-async', doc: 'Run asynchronously: 202 Accepted with a `Location` to poll.' },
      { value: 'odata.continue-on-error', doc: '`$batch`: keep running the remaining requests after one fails.' },
      { value: 'odata.allow-entityreferences', doc: 'Allow entity references instead of whole entities in the response.' },
    ],
  },
  {
    name: 'If-Match',
    doc: 'Optimistic concurrency: the request applies only when the record still has this ETag (`@odata.etag` of a read); otherwise 412 Precondition Failed. `*` means "only if it exists" (a PATCH then never creates). Business Central requires it on PATCH and DELETE.',
    values: [
      { value: '*', doc: 'Any version: update only an existing record (no upsert).' },
      { value: '{{etag}}', insert: '{{${1:etag}}}', doc: 'The ETag kept in a variable, e.g. `@etag = W/"123456"` from the `@odata.etag` of a GET.' },
      { value: 'W/"…"', insert: 'W/"${1:etag}"', doc: 'A weak ETag as returned in `@odata.etag`.' },
    ],
  },
  {
    name: 'If-None-Match',
    doc: 'Conditional read or create. Dataverse: send `null` so that no cached response is served; with an ETag, a GET answers 304 Not Modified when unchanged; `*` on PATCH prevents an update (create only).',
    values: [
      { value: 'null', doc: 'Dataverse: never use a cached response.' },
      { value: '*', doc: 'PATCH: create only, never update an existing record.' },
      { value: '{{etag}}', insert: '{{${1:etag}}}', doc: '304 Not Modified when the record still has this ETag.' },
    ],
  },
  { name: 'OData-MaxVersion', doc: 'Highest OData protocol version the client understands.', values: [{ value: '4.0', doc: 'OData v4.' }] },
  { name: 'OData-Version', doc: 'OData protocol version of the request.', values: [{ value: '4.0', doc: 'OData v4.' }] },
  {
    name: 'MSCRM.SolutionUniqueName',
    doc: 'Dataverse: the unmanaged solution that solution components created or changed by this request are added to.',
    flavors: DV,
    values: [{ value: 'solutionuniquename', insert: '${1:solutionuniquename}', doc: 'Unique name of the solution.' }],
  },
  {
    name: 'MSCRM.SuppressDuplicateDetection',
    doc: 'Dataverse: duplicate detection rules run on create/update only when this is `false`.',
    flavors: DV,
    values: trueFalse('Do not check duplicates (the default).', 'Run the duplicate detection rules; a duplicate fails the request.'),
  },
  {
    name: 'MSCRM.BypassCustomPluginExecution',
    doc: 'Dataverse: skip synchronous custom plug-ins and workflows (needs the `prvBypassCustomPlugins` privilege).',
    flavors: DV,
    values: trueFalse('Bypass custom synchronous logic.', 'Run custom logic (the default).'),
  },
  {
    name: 'MSCRM.BypassBusinessLogicExecution',
    doc: 'Dataverse: skip custom business logic: synchronous, asynchronous, or both (needs the `prvBypassCustomBusinessLogic` privilege).',
    flavors: DV,
    values: [
      { value: 'CustomSync', doc: 'Bypass synchronous plug-ins and real-time workflows.' },
      { value: 'CustomAsync', doc: 'Bypass asynchronous plug-ins and workflows (not Power Automate flows).' },
      { value: 'CustomSync,CustomAsync', doc: 'Bypass both.' },
    ],
  },
  {
    name: 'MSCRM.BypassBusinessLogicExecutionStepIds',
    doc: 'Dataverse: comma-separated plug-in step ids to skip.',
    flavors: DV,
    values: [{ value: 'stepid', insert: '${1:00000000-0000-0000-0000-000000000000}', doc: 'A `sdkmessageprocessingstepid`.' }],
  },
  {
    name: 'CallerObjectId',
    doc: 'Dataverse: impersonate another user, by their Microsoft Entra object id (needs the `prvActOnBehalfOfAnotherUser` privilege).',
    flavors: DV,
    values: [{ value: 'objectid', insert: '${1:00000000-0000-0000-0000-000000000000}', doc: 'Entra ID object id of the user.' }],
  },
  {
    name: 'MSCRMCallerID',
    doc: 'Dataverse impersonation: run the request as the user with this `systemuserid` (prefer `CallerObjectId`).',
    flavors: DV,
    values: [{ value: 'systemuserid', insert: '${1:00000000-0000-0000-0000-000000000000}', doc: '`systemuserid` of the user.' }],
  },
  {
    name: 'Consistency',
    doc: 'Dataverse: `Strong` reads the latest metadata instead of a cached copy (after a schema change).',
    flavors: DV,
    values: [{ value: 'Strong', doc: 'Read from the latest, uncached definitions.' }],
  },
  {
    name: 'Isolation',
    doc: 'Finance & Operations `$batch`: the isolation level of the batch (OData 4.01 `Isolation`).',
    flavors: ['fno'],
    values: [{ value: 'snapshot', doc: 'Every request of the batch sees the same snapshot of the data.' }],
  },
  {
    name: 'Data-Access-Intent',
    doc: 'Business Central: `ReadOnly` sends a GET to a read-only database replica (faster, no locks).',
    flavors: ['bc'],
    values: [
      { value: 'ReadOnly', doc: 'Read from a read-only replica.' },
      { value: 'ReadWrite', doc: 'Read from the primary database (the default).' },
    ],
  },
  {
    name: 'MSCRM.MergeLabels',
    doc: 'Dataverse: `true` merges localized labels on metadata updates instead of replacing them.',
    flavors: DV,
    values: trueFalse('Merge the labels of other languages.', 'Replace the labels (the default).'),
  },
  { name: 'OData-Isolation', doc: '`snapshot`: the whole request sees one snapshot of the data.', values: [{ value: 'snapshot', doc: 'One snapshot of the data.' }], notOffered: true },
  { name: 'Authorization', doc: "The credentials: `Bearer <access token>` for Microsoft Entra ID. The runner adds it from the environment's sign-in.", values: [], notOffered: true },
  { name: 'Content-ID', doc: '`$batch`: names an operation of a change set so later ones can refer to it as `$<id>`.', values: [], notOffered: true },
  { name: 'Retry-After', doc: 'Response: seconds to wait after 429 Too Many Requests or 503.', values: [], notOffered: true },
  { name: 'DataServiceVersion', doc: 'OData v2/v3 version header (not used by OData v4 services).', values: [], notOffered: true },
];

const headerByLowerName = new Map(REQUEST_HEADERS.map((h) => [h.name.toLowerCase(), h]));

/** The header named `name` (any case). */
export function findHeader(name: string): HeaderInfo | undefined {
  return headerByLowerName.get(name.toLowerCase());
}

// ---------------------------------------------------------------------------------------------------------
// Prefer
// ---------------------------------------------------------------------------------------------------------

/** The preferences OData defines: those written with `odata.` (optional on the wire), and the plain RFC 7240 ones. */
export const odataPreferences: ReadonlySet<string> = new Set(['allow-entityreferences', 'callback', 'continue-on-error', 'include-annotations', 'maxpagesize', 'track-changes']);
export const plainPreferences: ReadonlySet<string> = new Set(['omit-values', 'respond-async', 'return', 'wait']);
