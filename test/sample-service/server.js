// Bootstraps the sample service (picked up by `cds serve` from the project root):
// - listens on 127.0.0.1 only (cds itself listens on every interface),
// - fills the in-memory database with the generated data before the server starts listening,
// - behaves like Dataverse where CAP differs: a write without If-Match is unconditional (CAP answers 428),
// - prints one machine-readable line when it listens: `SAMPLE_SERVICE_LISTENING <service root>`,
// - exits when the process that started it (start.mjs) is gone.
'use strict';

const cds = require('@sap/cds');
const express = require('express');
const http = require('node:http');
const { generate } = require('./db/generate');
const rowversion = require('./srv/rowversion');
const { PRIMARY_NAME } = require('./srv/fetchXml');

const HOST = process.env.SAMPLE_SERVICE_HOST || '127.0.0.1';
const SERVICE_PATH = '/api/data/v9.2';

cds.on('served', async () => {
  const started = performance.now();
  const data = generate({ seed: process.env.SAMPLE_SERVICE_SEED ? Number(process.env.SAMPLE_SERVICE_SEED) : undefined });
  const db = cds.db;
  await db.tx(async (tx) => {
    for (const table of ['company', 'account', 'contact', 'lead', 'opportunity', 'incident', 'activitypointer']) {
      await tx.run(INSERT.into(`dataverse.${table}`).entries(data[table]));
    }
  });
  await db.run(INSERT.into('dataverse.entitydefinition').entries(entityDefinitions(cds.model)));
  rowversion.start(data.lastVersion);
  const rows = Object.values(data).reduce((n, v) => n + (Array.isArray(v) ? v.length : 0), 0);
  console.log(`[sample-service] generated ${rows} rows in ${(performance.now() - started).toFixed(0)} ms`);
});

/** EntityDefinitions rows: each entity set of the service and the table (logical name) it shows. */
function entityDefinitions(model) {
  const rows = [];
  for (const [name, def] of Object.entries(model.definitions)) {
    if (def.kind !== 'entity' || !name.startsWith('Microsoft.Dynamics.CRM.')) continue;
    const source = def.query?.SELECT?.from?.ref?.[0] ?? def.projection?.from?.ref?.[0];
    if (typeof source !== 'string' || !source.startsWith('dataverse.') || source === 'dataverse.entitydefinition') continue;
    const logicalName = source.slice('dataverse.'.length);
    if (rows.some((row) => row.LogicalName === logicalName)) continue;
    const set = name.slice('Microsoft.Dynamics.CRM.'.length);
    rows.push({
      LogicalName: logicalName,
      EntitySetName: set,
      LogicalCollectionName: set,
      PrimaryIdAttribute: Object.keys(def.keys ?? {})[0] ?? null,
      PrimaryNameAttribute: PRIMARY_NAME[logicalName] ?? null,
    });
  }
  return rows;
}

// Started by start.mjs with an IPC channel: when that process goes away, however it ends, so does this one.
// It also removes the temporary HOME that start.mjs made for it, which start.mjs could not do.
if (process.send) {
  process.channel?.unref(); // the channel alone must not keep the process alive when cds shuts down
  process.on('disconnect', () => {
    const home = process.env.SAMPLE_SERVICE_TEMP_HOME;
    if (home && require('node:path').basename(home).startsWith('dynamics-odata-sample-service-')) {
      require('node:fs').rmSync(home, { recursive: true, force: true });
    }
    process.exit(0);
  });
}

cds.once('listening', ({ server }) => {
  const { port } = server.address();
  console.log(`SAMPLE_SERVICE_LISTENING http://${HOST}:${port}${SERVICE_PATH}/`);
});

module.exports = (options) => {
  const app = express();
  // cds calls app.listen(port): bind to HOST only.
  app.listen = function listen(port, ...rest) {
    // Dataverse takes URLs up to 32,768 characters (a long `?fetchXml=`); node's default header limit is 16 KB.
    return http.createServer({ maxHeaderSize: 40_000 }, this).listen(port, HOST, ...rest);
  };
  // Dataverse updates and deletes without If-Match unconditionally; CAP rejects them with 428 on ETag-enabled
  // entities. `If-Match: *` gives Dataverse's behaviour; a real If-Match still gives 412 when stale.
  app.use(SERVICE_PATH, (req, _res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD' && !req.headers['if-match'] && !req.headers['if-none-match']) {
      req.headers['if-match'] = '*';
    }
    next();
  });
  // Entity types named by the tables' logical names in $metadata, as in Dataverse (srv/entityTypeNames.js).
  app.use(SERVICE_PATH, require('./srv/entityTypeNames').middleware(() => cds.model));
  // Dataverse's schema version annotation on collection responses (srv/globalMetadataVersion.js).
  app.use(SERVICE_PATH, require('./srv/globalMetadataVersion').middleware);
  return cds.server({ ...options, app });
};
