// Custom logic of the sample service: WhoAmI, the custom-API-like action new_CalculateRollup, the
// rowversion (`versionnumber`, the ETag) that every write advances, and Dataverse's rules for custom API
// definitions (unique names; columns that cannot change after the record is saved).
'use strict';

const cds = require('@sap/cds');
const rowversion = require('./rowversion');
const { evaluateFetchXml } = require('./fetchXml');

/** Fixed identities, as a real environment has them. */
const WHO_AM_I = Object.freeze({
  BusinessUnitId: '5f8a3c1e-2b7d-4e90-9a61-0c4d8e2f7b13',
  UserId: '7d2e9b40-6c1a-4f38-b5e7-91a0c3d4e5f6',
  OrganizationId: 'c0ffee00-1d2e-4a3b-8c9d-0e1f2a3b4c5d',
});

module.exports = class DataverseSample extends cds.ApplicationService {
  init() {
    const { accounts, opportunities, customapis, customapirequestparameters, customapiresponseproperties } = this.entities;

    this.before(['CREATE', 'UPDATE', 'UPSERT'], '*', (req) => {
      if (req.target?.elements?.versionnumber && req.data && typeof req.data === 'object') {
        req.data.versionnumber = rowversion.next();
      }
    });

    this.before('CREATE', customapis, async (req) => {
      const { uniquename } = req.data;
      if (await SELECT.one.from(customapis).columns('customapiid').where({ uniquename })) {
        return req.reject(400, `A custom API with the unique name '${uniquename}' already exists.`);
      }
      for (const list of ['CustomAPIRequestParameters', 'CustomAPIResponseProperties']) {
        const names = (req.data[list] ?? []).map((f) => String(f.uniquename).toLowerCase());
        const duplicate = names.find((n, i) => names.indexOf(n) !== i);
        if (duplicate) return req.reject(400, `${list} has '${duplicate}' twice: unique names must be unique within a custom API.`);
      }
      return undefined;
    });
    for (const [entity, fixed] of [
      [customapis, ['uniquename', 'bindingtype', 'boundentitylogicalname', 'isfunction', 'allowedcustomprocessingsteptype', 'workflowsdkstepenabled']],
      [customapirequestparameters, ['uniquename', 'type', 'isoptional', 'logicalentityname', '_customapiid_value']],
      [customapiresponseproperties, ['uniquename', 'type', 'logicalentityname', '_customapiid_value']],
    ]) {
      this.before('UPDATE', entity, (req) => {
        const changed = fixed.filter((column) => column in req.data);
        if (changed.length) return req.reject(400, `${changed.join(', ')} cannot be changed after the record is saved: delete it and create it again.`);
        return undefined;
      });
    }
    for (const [entity, label] of [
      [customapirequestparameters, 'request parameter'],
      [customapiresponseproperties, 'response property'],
    ]) {
      this.before('CREATE', entity, async (req) => {
        const parent = req.data._customapiid_value;
        if (!parent) return undefined;
        if (await SELECT.one.from(entity).columns('uniquename').where({ _customapiid_value: parent, uniquename: req.data.uniquename })) {
          return req.reject(400, `The custom API already has the ${label} '${req.data.uniquename}'.`);
        }
        return undefined;
      });
    }

    // `GET {entityset}?fetchXml=...`: Dataverse's FetchXML, evaluated by srv/fetchXml.js over the same tables (also
    // inside $batch, where each sub-request comes through here with its own query and headers).
    this.on('READ', '*', async (req, next) => {
      // The OData request's own req/res (a $batch sub-request's), not cds.context's (the $batch envelope's).
      const http = req.req && req.res ? { req: req.req, res: req.res } : req.http;
      const fetchXml = http?.req?.query?.fetchXml;
      if (fetchXml === undefined) return next();
      const entitySet = req.target.name.split('.').pop();
      const source = req.target.query?.SELECT?.from?.ref?.[0] ?? req.target.projection?.from?.ref?.[0] ?? '';
      const result = await evaluateFetchXml({
        model: cds.model,
        xml: Array.isArray(fetchXml) ? fetchXml[0] : String(fetchXml),
        entity: source.replace(/^dataverse\./, ''),
        entitySet,
        prefer: http.req.headers.prefer,
        count: http.req.query.$count === 'true',
        run: (sql, params) => cds.db.run(sql, params),
      });
      http.res.status(result.status).set(result.headers).json(result.body);
      return [];
    });

    this.on('WhoAmI', () => ({ ...WHO_AM_I }));

    this.on('new_CalculateRollup', accounts, async (req) => {
      const key = req.params[0];
      const accountid = typeof key === 'object' ? key.accountid : key;
      const account = await SELECT.one.from(accounts).columns('accountid').where({ accountid });
      if (!account) return req.reject(404, `accounts(${accountid}) does not exist`);
      const row = await SELECT.one
        .from(opportunities)
        .columns('count(1) as n', 'sum(estimatedvalue) as total')
        .where({ _parentaccountid_value: accountid, statecode: 0 });
      const result = {
        OpenOpportunityCount: Number(row?.n ?? 0),
        OpenOpportunityValue: Number(row?.total ?? 0),
        CalculatedOn: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      };
      await UPDATE(accounts, accountid).with({
        new_openopportunitycount: result.OpenOpportunityCount,
        new_openopportunityvalue: result.OpenOpportunityValue,
        new_rollupcalculatedon: result.CalculatedOn,
        versionnumber: rowversion.next(),
      });
      return result;
    });

    return super.init();
  }
};
