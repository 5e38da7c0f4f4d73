// The sample service's data model: a small, Dataverse-shaped CRM (accounts, contacts, leads, opportunities,
// cases, activities) with Dataverse's logical names. Lookup columns keep Dataverse's Web API names
// (`_primarycontactid_value`) and the navigation properties keep the relationship names
// (`primarycontactid`, `contact_customer_accounts`, `Account_Tasks`, ...), so queries written for a real
// environment run here unchanged.
namespace dataverse;

/** Columns every Dataverse table has. */
aspect record {
  /** Status: 0 Active, 1 Inactive (per table, see below). */
  statecode     : Integer default 0;
  /** Status reason: depends on statecode (per table, see below). */
  statuscode    : Integer default 1;
  createdon     : DateTime @cds.on.insert: $now;
  modifiedon    : DateTime @cds.on.insert: $now  @cds.on.update: $now;
  /** Row version: grows on every change, across all tables (Dataverse's rowversion); the ETag. */
  @odata.etag
  versionnumber : Int64;
}

/**
 * account. statecode: 0 Active, 1 Inactive. statuscode: 1 Active (state 0), 2 Inactive (state 1).
 * industrycode: 1 Accounting, 2 Agriculture, 3 Broadcasting, 4 Brokers, 5 Building Supply, 6 Business Services,
 * 7 Consulting, 8 Consumer Services, 9 Design, 10 Distributors, 11 Doctor's Offices, 12 Durable Manufacturing,
 * 13 Eating and Drinking Places, 14 Entertainment Retail, 15 Equipment Rental, 16 Financial, 17 Food and Tobacco,
 * 18 Inbound Capital Intensive Processing, 19 Inbound Repair and Services, 20 Insurance, 21 Legal Services,
 * 22 Non-Durable Merchandise Retail, 23 Outbound Consumer Service, 24 Petrochemical, 25 Service Retail,
 * 26 SIG Affiliations, 27 Social Services, 28 Special Outbound Trade Contractors, 29 Specialty Realty,
 * 30 Transportation, 31 Utility Creation and Distribution, 32 Vehicle Retail, 33 Wholesale.
 * accountcategorycode: 1 Preferred Customer, 2 Standard. customertypecode: 1 Competitor, 2 Consultant,
 * 3 Customer, 4 Investor, 5 Partner, 6 Influencer, 7 Press, 8 Prospect, 9 Reseller, 10 Supplier, 11 Vendor, 12 Other.
 */
entity account : record {
  key accountid            : UUID;
      name                 : String(160) not null;
      accountnumber        : String(20);
      /** Money (USD). */
      revenue              : Decimal(19, 4);
      numberofemployees    : Integer;
      emailaddress1        : String(100);
      telephone1           : String(50);
      websiteurl           : String(200);
      address1_line1       : String(250);
      address1_city        : String(80);
      address1_stateorprovince : String(50);
      address1_postalcode  : String(20);
      address1_country     : String(80);
      address1_latitude    : Double;
      address1_longitude   : Double;
      industrycode         : Integer;
      accountcategorycode  : Integer;
      customertypecode     : Integer;
      /** Money (USD). */
      creditlimit          : Decimal(19, 4);
      creditonhold         : Boolean default false;
      donotemail           : Boolean default false;
      description          : String(2000);
      /** Rollup of the open opportunities' estimated value, written by the action `new_CalculateRollup`. */
      new_openopportunityvalue : Decimal(19, 4);
      /** Rollup of the number of open opportunities, written by the action `new_CalculateRollup`. */
      new_openopportunitycount : Integer;
      new_rollupcalculatedon   : DateTime;
      _primarycontactid_value  : UUID;
      _parentaccountid_value   : UUID;
      primarycontactid           : Association to one contact on primarycontactid.contactid = _primarycontactid_value;
      parentaccountid            : Association to one account on parentaccountid.accountid = _parentaccountid_value;
      account_parent_account     : Association to many account on account_parent_account._parentaccountid_value = accountid;
      contact_customer_accounts  : Association to many contact on contact_customer_accounts._parentcustomerid_value = accountid;
      lead_parent_account        : Association to many lead on lead_parent_account._parentaccountid_value = accountid;
      opportunity_parent_account : Association to many opportunity on opportunity_parent_account._parentaccountid_value = accountid;
      incident_customer_accounts : Association to many incident on incident_customer_accounts._customerid_value = accountid;
      Account_ActivityPointers   : Association to many activitypointer on Account_ActivityPointers._regardingobjectid_value = accountid;
      Account_Tasks              : Association to many task on Account_Tasks._regardingobjectid_value = accountid;
}

/**
 * contact. statecode: 0 Active, 1 Inactive. statuscode: 1 Active (state 0), 2 Inactive (state 1).
 * gendercode: 1 Male, 2 Female. familystatuscode: 1 Single, 2 Married, 3 Divorced, 4 Widowed.
 * preferredcontactmethodcode: 1 Any, 2 Email, 3 Phone, 4 Fax, 5 Mail.
 */
entity contact : record {
  key contactid                  : UUID;
      firstname                  : String(50);
      lastname                   : String(50) not null;
      fullname                   : String(160);
      jobtitle                   : String(100);
      emailaddress1              : String(100);
      telephone1                 : String(50);
      mobilephone                : String(50);
      birthdate                  : Date;
      gendercode                 : Integer;
      familystatuscode           : Integer;
      /** Money (USD). */
      annualincome               : Decimal(19, 4);
      address1_city              : String(80);
      address1_country           : String(80);
      donotphone                 : Boolean default false;
      preferredcontactmethodcode : Integer default 1;
      description                : String(2000);
      /** The parent customer: an account here (Dataverse also allows a contact). */
      _parentcustomerid_value    : UUID;
      parentcustomerid_account     : Association to one account on parentcustomerid_account.accountid = _parentcustomerid_value;
      account_primary_contact      : Association to many account on account_primary_contact._primarycontactid_value = contactid;
      opportunity_parent_contact   : Association to many opportunity on opportunity_parent_contact._parentcontactid_value = contactid;
      contact_as_primary_contact   : Association to many incident on contact_as_primary_contact._primarycontactid_value = contactid;
      Contact_ActivityPointers     : Association to many activitypointer on Contact_ActivityPointers._regardingobjectid_value = contactid;
      Contact_Tasks                : Association to many task on Contact_Tasks._regardingobjectid_value = contactid;
}

/**
 * lead. statecode: 0 Open, 1 Qualified, 2 Disqualified. statuscode: 1 New, 2 Contacted (state 0); 3 Qualified
 * (state 1); 4 Lost, 5 Cannot Contact, 6 No Longer Interested, 7 Canceled (state 2).
 * leadsourcecode: 1 Advertisement, 2 Employee Referral, 3 External Referral, 4 Partner, 5 Public Relations,
 * 6 Seminar, 7 Trade Show, 8 Web, 9 Word of Mouth, 10 Other. leadqualitycode: 1 Hot, 2 Warm, 3 Cold.
 */
entity lead : record {
  key leadid                 : UUID;
      subject                : String(300) not null;
      firstname              : String(50);
      lastname               : String(50);
      fullname               : String(160);
      companyname            : String(100);
      jobtitle               : String(100);
      emailaddress1          : String(100);
      telephone1             : String(50);
      address1_city          : String(80);
      leadsourcecode         : Integer;
      leadqualitycode        : Integer;
      /** Money (USD). */
      estimatedamount        : Decimal(19, 4);
      estimatedclosedate     : Date;
      /** Money (USD). */
      revenue                : Decimal(19, 4);
      numberofemployees      : Integer;
      description            : String(2000);
      _parentaccountid_value : UUID;
      _parentcontactid_value : UUID;
      parentaccountid        : Association to one account on parentaccountid.accountid = _parentaccountid_value;
      parentcontactid        : Association to one contact on parentcontactid.contactid = _parentcontactid_value;
      opportunity_originating_lead : Association to many opportunity on opportunity_originating_lead._originatingleadid_value = leadid;
      Lead_ActivityPointers  : Association to many activitypointer on Lead_ActivityPointers._regardingobjectid_value = leadid;
}

/**
 * opportunity. statecode: 0 Open, 1 Won, 2 Lost. statuscode: 1 In Progress, 2 On Hold (state 0); 3 Won (state 1);
 * 4 Canceled, 5 Out-Sold (state 2). opportunityratingcode: 1 Hot, 2 Warm, 3 Cold.
 * salesstage: 0 Qualify, 1 Develop, 2 Propose, 3 Close. purchasetimeframe: 0 Immediate, 1 This Quarter,
 * 2 Next Quarter, 3 This Year, 4 Unknown.
 */
entity opportunity : record {
  key opportunityid            : UUID;
      name                     : String(300) not null;
      /** Money (USD). */
      estimatedvalue           : Decimal(19, 4);
      estimatedclosedate       : Date;
      /** Money (USD). */
      actualvalue              : Decimal(19, 4);
      actualclosedate          : Date;
      /** Percent, 0-100. */
      closeprobability         : Integer;
      opportunityratingcode    : Integer;
      salesstage               : Integer;
      stepname                 : String(200);
      /** Money (USD). */
      budgetamount             : Decimal(19, 4);
      purchasetimeframe        : Integer;
      description              : String(2000);
      _parentaccountid_value   : UUID;
      _parentcontactid_value   : UUID;
      _originatingleadid_value : UUID;
      parentaccountid          : Association to one account on parentaccountid.accountid = _parentaccountid_value;
      parentcontactid          : Association to one contact on parentcontactid.contactid = _parentcontactid_value;
      originatingleadid        : Association to one lead on originatingleadid.leadid = _originatingleadid_value;
      Opportunity_ActivityPointers : Association to many activitypointer on Opportunity_ActivityPointers._regardingobjectid_value = opportunityid;
      Opportunity_Tasks        : Association to many task on Opportunity_Tasks._regardingobjectid_value = opportunityid;
}

/**
 * incident (a case). statecode: 0 Active, 1 Resolved, 2 Cancelled. statuscode: 1 In Progress, 2 On Hold,
 * 3 Waiting for Details, 4 Researching (state 0); 5 Problem Solved, 1000 Information Provided (state 1);
 * 6 Cancelled, 2000 Merged (state 2). prioritycode: 1 High, 2 Normal, 3 Low. severitycode: 1 Default.
 * caseorigincode: 1 Phone, 2 Email, 3 Web, 2483 Facebook, 3986 Twitter. casetypecode: 1 Question, 2 Problem, 3 Request.
 */
entity incident : record {
  key incidentid              : UUID;
      title                   : String(200) not null;
      ticketnumber            : String(100);
      prioritycode            : Integer default 2;
      severitycode            : Integer default 1;
      caseorigincode          : Integer;
      casetypecode            : Integer;
      isescalated             : Boolean default false;
      escalatedon             : DateTime;
      followupby              : DateTime;
      description             : String(2000);
      _customerid_value       : UUID;
      _primarycontactid_value : UUID;
      customerid_account      : Association to one account on customerid_account.accountid = _customerid_value;
      primarycontactid        : Association to one contact on primarycontactid.contactid = _primarycontactid_value;
      Incident_ActivityPointers : Association to many activitypointer on Incident_ActivityPointers._regardingobjectid_value = incidentid;
      Incident_Tasks          : Association to many task on Incident_Tasks._regardingobjectid_value = incidentid;
}

/**
 * activitypointer: every activity (task, phone call, email, appointment).
 * activitytypecode: 'task', 'phonecall', 'email', 'appointment'.
 * statecode: 0 Open, 1 Completed, 2 Canceled, 3 Scheduled. statuscode (tasks): 2 Not Started, 3 In Progress,
 * 4 Waiting on someone else, 7 Deferred (state 0); 5 Completed (state 1); 6 Canceled (state 2).
 * prioritycode: 0 Low, 1 Normal, 2 High.
 * The record an activity is about is `_regardingobjectid_value`: an account, contact, lead, opportunity or case.
 */
entity activitypointer : record {
  key activityid               : UUID;
      subject                  : String(400) not null;
      activitytypecode         : String(64) not null;
      description              : String(2000);
      scheduledstart           : DateTime;
      scheduledend             : DateTime;
      actualend                : DateTime;
      actualdurationminutes    : Integer;
      prioritycode             : Integer default 1;
      isregularactivity        : Boolean default true;
      /** Tasks only. */
      percentcomplete          : Integer;
      /** Tasks only. */
      category                 : String(250);
      _regardingobjectid_value : UUID;
      regardingobjectid_account     : Association to one account on regardingobjectid_account.accountid = _regardingobjectid_value;
      regardingobjectid_contact     : Association to one contact on regardingobjectid_contact.contactid = _regardingobjectid_value;
      regardingobjectid_lead        : Association to one lead on regardingobjectid_lead.leadid = _regardingobjectid_value;
      regardingobjectid_opportunity : Association to one opportunity on regardingobjectid_opportunity.opportunityid = _regardingobjectid_value;
      regardingobjectid_incident    : Association to one incident on regardingobjectid_incident.incidentid = _regardingobjectid_value;
}

/** task: the activities whose activitytypecode is 'task'. */
entity task as select from activitypointer where activitytypecode = 'task';

// Descriptions, as Dataverse's $metadata has them (Core.Description): they travel into the service, so hovers
// in the editor show what a status or choice value means.
annotate record with {
  createdon     @description: 'Date and time when the record was created.';
  modifiedon    @description: 'Date and time when the record was last modified.';
  versionnumber @description: 'Version number of the record (a rowversion); the ETag.';
}

annotate account with @description: 'Business that represents a customer or potential customer.' {
  statecode           @description: 'Status of the account: 0 Active, 1 Inactive.';
  statuscode          @description: 'Reason for the status: 1 Active (statecode 0), 2 Inactive (statecode 1).';
  name                @description: 'Company or business name.';
  accountnumber       @description: 'ID number or code for the account.';
  revenue             @description: 'Annual revenue of the account (money, USD).';
  numberofemployees   @description: 'Number of employees that work at the account.';
  industrycode        @description: 'Primary industry: 1 Accounting, 2 Agriculture, 3 Broadcasting, 4 Brokers, 5 Building Supply, 6 Business Services, 7 Consulting, 8 Consumer Services, 9 Design, 10 Distributors, 11 Doctor''s Offices, 12 Durable Manufacturing, 13 Eating and Drinking Places, 14 Entertainment Retail, 15 Equipment Rental, 16 Financial, 17 Food and Tobacco, 18 Inbound Capital Intensive Processing, 19 Inbound Repair and Services, 20 Insurance, 21 Legal Services, 22 Non-Durable Merchandise Retail, 23 Outbound Consumer Service, 24 Petrochemical, 25 Service Retail, 26 SIG Affiliations, 27 Social Services, 28 Special Outbound Trade Contractors, 29 Specialty Realty, 30 Transportation, 31 Utility Creation and Distribution, 32 Vehicle Retail, 33 Wholesale.';
  accountcategorycode @description: 'Category: 1 Preferred Customer, 2 Standard.';
  customertypecode    @description: 'Relationship type: 1 Competitor, 2 Consultant, 3 Customer, 4 Investor, 5 Partner, 6 Influencer, 7 Press, 8 Prospect, 9 Reseller, 10 Supplier, 11 Vendor, 12 Other.';
  creditlimit         @description: 'Credit limit of the account (money, USD).';
  new_openopportunityvalue @description: 'Sum of the open opportunities'' estimated value, written by the action new_CalculateRollup.';
  new_openopportunitycount @description: 'Number of open opportunities, written by the action new_CalculateRollup.';
  new_rollupcalculatedon   @description: 'When new_CalculateRollup last ran for this account.';
  _primarycontactid_value  @description: 'The primary contact for the account (lookup to contact).';
  _parentaccountid_value   @description: 'The parent account (lookup to account).';
}

annotate contact with @description: 'Person with whom a business unit has a relationship, such as a customer, supplier, or colleague.' {
  statecode                  @description: 'Status of the contact: 0 Active, 1 Inactive.';
  statuscode                 @description: 'Reason for the status: 1 Active (statecode 0), 2 Inactive (statecode 1).';
  fullname                   @description: 'First and last name of the contact.';
  gendercode                 @description: 'Gender: 1 Male, 2 Female.';
  familystatuscode           @description: 'Marital status: 1 Single, 2 Married, 3 Divorced, 4 Widowed.';
  preferredcontactmethodcode @description: 'Preferred contact method: 1 Any, 2 Email, 3 Phone, 4 Fax, 5 Mail.';
  annualincome               @description: 'Annual income (money, USD).';
  _parentcustomerid_value    @description: 'The parent customer of the contact (lookup to account).';
}

annotate lead with @description: 'Prospect or potential sales opportunity.' {
  statecode       @description: 'Status of the lead: 0 Open, 1 Qualified, 2 Disqualified.';
  statuscode      @description: 'Reason for the status: 1 New, 2 Contacted (statecode 0); 3 Qualified (statecode 1); 4 Lost, 5 Cannot Contact, 6 No Longer Interested, 7 Canceled (statecode 2).';
  leadsourcecode  @description: 'Source: 1 Advertisement, 2 Employee Referral, 3 External Referral, 4 Partner, 5 Public Relations, 6 Seminar, 7 Trade Show, 8 Web, 9 Word of Mouth, 10 Other.';
  leadqualitycode @description: 'Rating: 1 Hot, 2 Warm, 3 Cold.';
  estimatedamount @description: 'Estimated value (money, USD).';
  _parentaccountid_value @description: 'The account the lead belongs to (lookup to account).';
  _parentcontactid_value @description: 'The contact the lead belongs to (lookup to contact).';
}

annotate opportunity with @description: 'Potential revenue-generating event, or sale to an account, which needs to be tracked through a sales process to completion.' {
  statecode             @description: 'Status of the opportunity: 0 Open, 1 Won, 2 Lost.';
  statuscode            @description: 'Reason for the status: 1 In Progress, 2 On Hold (statecode 0); 3 Won (statecode 1); 4 Canceled, 5 Out-Sold (statecode 2).';
  estimatedvalue        @description: 'Estimated revenue (money, USD).';
  actualvalue           @description: 'Actual revenue (money, USD).';
  closeprobability      @description: 'Likelihood of closing, in percent (0-100).';
  opportunityratingcode @description: 'Rating: 1 Hot, 2 Warm, 3 Cold.';
  salesstage            @description: 'Sales stage: 0 Qualify, 1 Develop, 2 Propose, 3 Close.';
  purchasetimeframe     @description: 'Purchase timeframe: 0 Immediate, 1 This Quarter, 2 Next Quarter, 3 This Year, 4 Unknown.';
  _parentaccountid_value   @description: 'The account the opportunity is for (lookup to account).';
  _parentcontactid_value   @description: 'The contact the opportunity is for (lookup to contact).';
  _originatingleadid_value @description: 'The lead the opportunity came from (lookup to lead).';
}

annotate incident with @description: 'Service request case associated with a contract.' {
  statecode      @description: 'Status of the case: 0 Active, 1 Resolved, 2 Cancelled.';
  statuscode     @description: 'Reason for the status: 1 In Progress, 2 On Hold, 3 Waiting for Details, 4 Researching (statecode 0); 5 Problem Solved, 1000 Information Provided (statecode 1); 6 Cancelled, 2000 Merged (statecode 2).';
  ticketnumber   @description: 'Case number, e.g. CAS-01001-X1Y2Z3.';
  prioritycode   @description: 'Priority: 1 High, 2 Normal, 3 Low.';
  severitycode   @description: 'Severity: 1 Default.';
  caseorigincode @description: 'Origin: 1 Phone, 2 Email, 3 Web, 2483 Facebook, 3986 Twitter.';
  casetypecode   @description: 'Type: 1 Question, 2 Problem, 3 Request.';
  _customerid_value       @description: 'The customer account of the case (lookup to account).';
  _primarycontactid_value @description: 'The primary contact of the case (lookup to contact).';
}

annotate activitypointer with @description: 'Task performed, or to be performed, by a user: a task, phone call, email or appointment.' {
  statecode        @description: 'Status of the activity: 0 Open, 1 Completed, 2 Canceled, 3 Scheduled.';
  statuscode       @description: 'Reason for the status: 2 Not Started, 3 In Progress, 4 Waiting on someone else, 7 Deferred (statecode 0); 5 Completed (statecode 1); 6 Canceled (statecode 2); 4 Busy (statecode 3, appointments).';
  activitytypecode @description: 'Type of activity: task, phonecall, email, appointment.';
  prioritycode     @description: 'Priority: 0 Low, 1 Normal, 2 High.';
  _regardingobjectid_value @description: 'The record the activity is about: an account, contact, lead, opportunity or case.';
}

// Custom API definitions (Dataverse's customapi, customapirequestparameter and customapiresponseproperty tables),
// with the column names, choice values and relationship names of Dataverse, so a custom API can be created by
// deep insert (POST customapis with CustomAPIRequestParameters / CustomAPIResponseProperties) and read back with
// $expand. They start empty.

/**
 * Business Central's `companies` (id, name, displayName), so "Add Environment" can be tested choosing a company:
 * Business Central puts every entity under `companies({id})`.
 */
entity company {
  key id                : UUID;
      name              : String(30) not null;
      displayName       : String(250);
      businessProfileId : String(250);
}

/**
 * customapi. bindingtype: 0 Global, 1 Entity, 2 EntityCollection.
 * allowedcustomprocessingsteptype: 0 None, 1 Async Only, 2 Sync and Async.
 */
entity customapi {
  key customapiid                     : UUID;
      uniquename                      : String(128) not null;
      name                            : String(100);
      displayname                     : String(100);
      description                     : String(300);
      bindingtype                     : Integer default 0;
      boundentitylogicalname          : String(100);
      isfunction                      : Boolean default false;
      allowedcustomprocessingsteptype : Integer default 0;
      isprivate                       : Boolean default false;
      executeprivilegename            : String(100);
      workflowsdkstepenabled          : Boolean default false;
      createdon                       : DateTime @cds.on.insert: $now;
      modifiedon                      : DateTime @cds.on.insert: $now  @cds.on.update: $now;
      CustomAPIRequestParameters      : Composition of many customapirequestparameter on CustomAPIRequestParameters._customapiid_value = customapiid;
      CustomAPIResponseProperties     : Composition of many customapiresponseproperty on CustomAPIResponseProperties._customapiid_value = customapiid;
}

/**
 * customapirequestparameter. type: 0 Boolean, 1 DateTime, 2 Decimal, 3 Entity, 4 EntityCollection,
 * 5 EntityReference, 6 Float, 7 Integer, 8 Money, 9 Picklist, 10 String, 11 StringArray, 12 Guid.
 */
entity customapirequestparameter {
  key customapirequestparameterid : UUID;
      uniquename                  : String(128) not null;
      name                        : String(100);
      displayname                 : String(100);
      description                 : String(300);
      type                        : Integer not null;
      isoptional                  : Boolean default false;
      logicalentityname           : String(100);
      _customapiid_value          : UUID;
      CustomAPIId                 : Association to one customapi on CustomAPIId.customapiid = _customapiid_value;
}

/** customapiresponseproperty. type: as customapirequestparameter. */
entity customapiresponseproperty {
  key customapiresponsepropertyid : UUID;
      uniquename                  : String(128) not null;
      name                        : String(100);
      displayname                 : String(100);
      description                 : String(300);
      type                        : Integer not null;
      logicalentityname           : String(100);
      _customapiid_value          : UUID;
      CustomAPIId                 : Association to one customapi on CustomAPIId.customapiid = _customapiid_value;
}

/**
 * Dataverse's table definitions (EntityDefinitions), the few columns tools read to go from a table's logical name
 * to its entity set: `GET EntityDefinitions(LogicalName='account')?$select=EntitySetName`. Filled at start from
 * the service's own entity sets (server.js).
 */
entity entitydefinition {
  key LogicalName           : String(64);
      EntitySetName         : String(64);
      LogicalCollectionName : String(64);
      PrimaryIdAttribute    : String(64);
      PrimaryNameAttribute  : String(64);
}
