// The service, at Dataverse's Web API path, in Dataverse's namespace (Microsoft.Dynamics.CRM), so tools see it
// as a Dataverse environment: entity sets are the tables' plural names, as in Dataverse.
using { dataverse as db } from '../db/schema';

@path: '/api/data/v9.2'
// Server-driven paging small enough to see `@odata.nextLink` (Dataverse pages at 5,000 rows).
@cds.query.limit: { default: 50, max: 500 }
service Microsoft.Dynamics.CRM {
  entity accounts as projection on db.account actions {
    /**
     * A custom-API-like bound action (publisher prefix `new_`): sums this account's open opportunities,
     * stores the rollup on the account and returns it. Call it as
     * POST accounts(<id>)/Microsoft.Dynamics.CRM.new_CalculateRollup with body {}.
     */
    action new_CalculateRollup() returns new_CalculateRollupResponse;
  };
  entity contacts         as projection on db.contact;
  entity leads            as projection on db.lead;
  entity opportunities    as projection on db.opportunity;
  entity incidents        as projection on db.incident;
  @cds.redirection.target
  entity activitypointers as projection on db.activitypointer excluding { percentcomplete, category };
  @readonly
  entity tasks            as projection on db.task;
  entity companies                  as projection on db.company;
  entity customapis                 as projection on db.customapi;
  entity customapirequestparameters as projection on db.customapirequestparameter;
  entity customapiresponseproperties as projection on db.customapiresponseproperty;
  /** Table definitions (Dataverse's EntityDefinitions): logical name → entity set. */
  @readonly
  entity EntityDefinitions          as projection on db.entitydefinition;

  type WhoAmIResponse {
    BusinessUnitId : UUID not null;
    UserId         : UUID not null;
    OrganizationId : UUID not null;
  }

  type new_CalculateRollupResponse {
    OpenOpportunityCount : Integer not null;
    /** Money (USD). */
    OpenOpportunityValue : Decimal(19, 4) not null;
    CalculatedOn         : DateTime not null;
  }

  /** Dataverse's WhoAmI: the calling user, its business unit and the organization. */
  function WhoAmI() returns WhoAmIResponse;
}
