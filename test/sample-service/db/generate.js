// Generates the sample service's data: a deterministic, realistic-looking CRM (no Math.random, no clock).
// The same seed gives the same rows, GUIDs and dates on every machine, so tests can rely on them.
'use strict';

/** The default row counts. */
const COUNTS = Object.freeze({ accounts: 2000, contacts: 5000, leads: 1000, opportunities: 1000, incidents: 500, activities: 3000 });

/** Every date is relative to this instant, not to the clock. */
const BASE = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;

/** sfc32: a small, fast, well-distributed PRNG with a 128-bit state, seeded through splitmix32. */
function createRandom(seed) {
  let s = seed >>> 0;
  const split = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split(), b = split(), c = split(), d = split();
  const next = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  const rnd = {
    next,
    /** An integer in [min, max]. */
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
    /** Picks a value by weight: `[[value, weight], ...]`. */
    weighted: (pairs) => {
      let total = 0;
      for (const [, w] of pairs) total += w;
      let r = next() * total;
      for (const [v, w] of pairs) {
        if ((r -= w) < 0) return v;
      }
      return pairs[pairs.length - 1][0];
    },
    guid: () => {
      let hex = '';
      for (let i = 0; i < 4; i++) hex += ((next() * 4294967296) >>> 0).toString(16).padStart(8, '0');
      const v = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${v}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
    },
    digits: (n) => {
      let s = '';
      for (let i = 0; i < n; i++) s += Math.floor(next() * 10);
      return s;
    },
    letters: (n, alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789') => {
      let s = '';
      for (let i = 0; i < n; i++) s += alphabet[Math.floor(next() * alphabet.length)];
      return s;
    },
  };
  return rnd;
}

const iso = (ms) => new Date(Math.round(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
const isoDate = (ms) => new Date(ms).toISOString().slice(0, 10);
const money = (n) => Math.round(n * 100) / 100;

// --- Vocabulary -------------------------------------------------------------------------------------------

const FIRST_NAMES = [
  'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'William',
  'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen', 'Christopher', 'Lisa',
  'Daniel', 'Nancy', 'Matthew', 'Betty', 'Anthony', 'Sandra', 'Mark', 'Margaret', 'Paul', 'Ashley', 'Steven',
  'Kimberly', 'Andrew', 'Emily', 'Kenneth', 'Donna', 'Joshua', 'Michelle', 'Kevin', 'Carol', 'Brian', 'Amanda',
  'George', 'Melissa', 'Timothy', 'Deborah', 'Ronald', 'Stephanie', 'Jason', 'Rebecca', 'Ryan', 'Laura', 'Jacob',
  'Helen', 'Gary', 'Sharon', 'Nicholas', 'Cynthia', 'Eric', 'Kathleen', 'Jonathan', 'Amy', 'Larry', 'Angela',
  'Justin', 'Anna', 'Scott', 'Brenda', 'Brandon', 'Pamela', 'Benjamin', 'Nicole', 'Samuel', 'Emma', 'Gregory',
  'Samantha', 'Alexander', 'Katherine', 'Priya', 'Wei', 'Aiko', 'Mateo', 'Sofia', 'Lukas', 'Ingrid', 'Rahul',
  'Fatima', 'Omar', 'Chen', 'Yuki', 'Lars', 'Anika', 'Diego', 'Camila', 'Hiroshi', 'Amara', 'Kwame', 'Elena',
];

const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee',
  'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Walker', 'Young',
  'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores', 'Green', 'Adams', 'Nelson', 'Baker',
  'Hall', 'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts', 'Gomez', 'Phillips', 'Evans', 'Turner', 'Diaz',
  'Parker', 'Cruz', 'Edwards', 'Collins', 'Reyes', 'Stewart', 'Morris', 'Morales', 'Murphy', 'Cook', 'Rogers',
  'Gutierrez', 'Ortiz', 'Morgan', 'Cooper', 'Peterson', 'Bailey', 'Reed', 'Kelly', 'Howard', 'Ramos', 'Kim', 'Cox',
  'Ward', 'Richardson', 'Watson', 'Brooks', 'Chavez', 'Wood', 'James', 'Bennett', 'Gray', 'Mendoza', 'Ruiz',
  'Hughes', 'Price', 'Alvarez', 'Castillo', 'Sanders', 'Patel', 'Myers', 'Long', 'Ross', 'Foster', 'Jimenez',
  'Schmidt', 'Müller', 'Tanaka', 'Sato', 'Larsen', 'Novak', 'Kowalski', 'Rossi', 'Dubois', 'Okafor', 'Singh',
];

const JOB_TITLES = [
  'Chief Executive Officer', 'Chief Financial Officer', 'Chief Technology Officer', 'Chief Operating Officer',
  'VP of Sales', 'VP of Marketing', 'VP of Operations', 'Director of IT', 'Director of Procurement',
  'Purchasing Manager', 'Sales Manager', 'Account Manager', 'Marketing Manager', 'Operations Manager',
  'Office Manager', 'Project Manager', 'Product Manager', 'IT Manager', 'Finance Manager', 'HR Manager',
  'Business Analyst', 'Systems Administrator', 'Software Engineer', 'Buyer', 'Controller', 'Owner', 'Partner',
  'Consultant', 'Customer Service Lead', 'Logistics Coordinator',
];

const NAME_FIRST = [
  'Northwind', 'Contoso', 'Fabrikam', 'Adventure', 'Litware', 'Tailspin', 'Proseware', 'Alpine', 'Blue Yonder',
  'Coho', 'Fourth', 'Humongous', 'Lucerne', 'Trey', 'Wingtip', 'Woodgrove', 'Relecloud', 'Southridge', 'Lamna',
  'Munson', 'Consolidated', 'Datum', 'Wide World', 'City Power', 'Graphic', 'Summit', 'Harbor', 'Granite',
  'Evergreen', 'Redwood', 'Pioneer', 'Beacon', 'Atlas', 'Cascade', 'Meridian', 'Silverline', 'Ironwood', 'Bluewater',
  'Northstar', 'Keystone', 'Riverside', 'Oakridge', 'Highland', 'Sterling', 'Pinnacle', 'Horizon', 'Lakeside',
  'Crescent', 'Falcon', 'Cobalt', 'Maple', 'Copperfield', 'Westbrook', 'Eastgate', 'Stonebridge', 'Brightwater',
  'Clearview', 'Golden Gate', 'Redstone', 'Suncrest',
];
const NAME_SECOND = [
  'Traders', 'Logistics', 'Foods', 'Analytics', 'Consulting', 'Manufacturing', 'Energy', 'Health', 'Software',
  'Textiles', 'Motors', 'Pharmaceuticals', 'Engineering', 'Construction', 'Electronics', 'Bank', 'Insurance',
  'Airlines', 'Shipping', 'Retail', 'Hotels', 'Media', 'Labs', 'Robotics', 'Solar', 'Farms', 'Winery', 'Coffee',
  'Outfitters', 'Toys', 'Travel', 'Realty', 'Capital', 'Steel', 'Plastics', 'Chemicals', 'Telecom', 'Security',
];
const NAME_SUFFIX = ['Inc.', 'Ltd', 'LLC', 'Corp.', 'GmbH', 'Group', 'Holdings', 'Partners', 'Co.', 'AG', 'S.A.', 'PLC'];

/** [city, state/province, country, latitude, longitude, postal code prefix, phone prefix] */
const CITIES = [
  ['Seattle', 'WA', 'United States', 47.6062, -122.3321, '981', '+1 206'],
  ['Redmond', 'WA', 'United States', 47.674, -122.1215, '980', '+1 425'],
  ['San Francisco', 'CA', 'United States', 37.7749, -122.4194, '941', '+1 415'],
  ['Los Angeles', 'CA', 'United States', 34.0522, -118.2437, '900', '+1 213'],
  ['New York', 'NY', 'United States', 40.7128, -74.006, '100', '+1 212'],
  ['Chicago', 'IL', 'United States', 41.8781, -87.6298, '606', '+1 312'],
  ['Austin', 'TX', 'United States', 30.2672, -97.7431, '787', '+1 512'],
  ['Dallas', 'TX', 'United States', 32.7767, -96.797, '752', '+1 214'],
  ['Boston', 'MA', 'United States', 42.3601, -71.0589, '021', '+1 617'],
  ['Atlanta', 'GA', 'United States', 33.749, -84.388, '303', '+1 404'],
  ['Denver', 'CO', 'United States', 39.7392, -104.9903, '802', '+1 303'],
  ['Miami', 'FL', 'United States', 25.7617, -80.1918, '331', '+1 305'],
  ['Minneapolis', 'MN', 'United States', 44.9778, -93.265, '554', '+1 612'],
  ['Portland', 'OR', 'United States', 45.5152, -122.6784, '972', '+1 503'],
  ['Phoenix', 'AZ', 'United States', 33.4484, -112.074, '850', '+1 602'],
  ['Toronto', 'ON', 'Canada', 43.6532, -79.3832, 'M5H', '+1 416'],
  ['Vancouver', 'BC', 'Canada', 49.2827, -123.1207, 'V6B', '+1 604'],
  ['Montreal', 'QC', 'Canada', 45.5017, -73.5673, 'H3B', '+1 514'],
  ['London', 'England', 'United Kingdom', 51.5074, -0.1278, 'EC1', '+44 20'],
  ['Manchester', 'England', 'United Kingdom', 53.4808, -2.2426, 'M1', '+44 161'],
  ['Edinburgh', 'Scotland', 'United Kingdom', 55.9533, -3.1883, 'EH1', '+44 131'],
  ['Dublin', 'Leinster', 'Ireland', 53.3498, -6.2603, 'D02', '+353 1'],
  ['Paris', 'Île-de-France', 'France', 48.8566, 2.3522, '750', '+33 1'],
  ['Lyon', 'Auvergne-Rhône-Alpes', 'France', 45.764, 4.8357, '690', '+33 4'],
  ['Berlin', 'Berlin', 'Germany', 52.52, 13.405, '101', '+49 30'],
  ['Munich', 'Bavaria', 'Germany', 48.1351, 11.582, '803', '+49 89'],
  ['Hamburg', 'Hamburg', 'Germany', 53.5511, 9.9937, '201', '+49 40'],
  ['Amsterdam', 'North Holland', 'Netherlands', 52.3676, 4.9041, '101', '+31 20'],
  ['Madrid', 'Madrid', 'Spain', 40.4168, -3.7038, '280', '+34 91'],
  ['Barcelona', 'Catalonia', 'Spain', 41.3874, 2.1686, '080', '+34 93'],
  ['Milan', 'Lombardy', 'Italy', 45.4642, 9.19, '201', '+39 02'],
  ['Zurich', 'Zurich', 'Switzerland', 47.3769, 8.5417, '800', '+41 44'],
  ['Stockholm', 'Stockholm', 'Sweden', 59.3293, 18.0686, '111', '+46 8'],
  ['Copenhagen', 'Capital Region', 'Denmark', 55.6761, 12.5683, '105', '+45 3'],
  ['Warsaw', 'Masovia', 'Poland', 52.2297, 21.0122, '00-', '+48 22'],
  ['Sydney', 'NSW', 'Australia', -33.8688, 151.2093, '200', '+61 2'],
  ['Melbourne', 'VIC', 'Australia', -37.8136, 144.9631, '300', '+61 3'],
  ['Singapore', 'Singapore', 'Singapore', 1.3521, 103.8198, '018', '+65 6'],
  ['Tokyo', 'Tokyo', 'Japan', 35.6762, 139.6503, '100', '+81 3'],
  ['São Paulo', 'SP', 'Brazil', -23.5505, -46.6333, '010', '+55 11'],
  ['Mexico City', 'CDMX', 'Mexico', 19.4326, -99.1332, '060', '+52 55'],
  ['Johannesburg', 'Gauteng', 'South Africa', -26.2041, 28.0473, '200', '+27 11'],
  ['Bangalore', 'Karnataka', 'India', 12.9716, 77.5946, '560', '+91 80'],
];

const STREETS = [
  'Main Street', 'Oak Avenue', 'Pine Street', 'Maple Drive', 'Cedar Lane', 'Elm Street', 'Park Avenue',
  'Lake Shore Drive', 'Market Street', 'Broadway', 'High Street', 'Station Road', 'Harbour Way', 'Industrial Parkway',
  'Commerce Boulevard', 'Innovation Drive', 'Riverside Road', 'King Street', 'Queen Street', 'Mill Lane',
];

const PRODUCTS = [
  'ERP rollout', 'CRM licenses', 'Cloud migration', 'Data platform', 'Security assessment', 'Field service tablets',
  'Support renewal', 'Fleet telematics', 'Warehouse automation', 'Managed services', 'Training program',
  'Analytics dashboards', 'Network upgrade', 'Call center expansion', 'E-commerce storefront', 'IoT sensors',
  'Office furniture', 'Printer fleet', 'Laptop refresh', 'Solar installation', 'Consulting retainer',
];
const CASE_TITLES = [
  'Cannot sign in to the customer portal', 'Invoice amount does not match the order', 'Delivery arrived damaged',
  'Request for a product demo', 'Service outage at the main office', 'Question about warranty coverage',
  'Password reset not working', 'Shipment delayed', 'Wrong item delivered', 'Billing address change',
  'Integration error in nightly sync', 'Report runs very slowly', 'Request for additional licenses',
  'Device does not power on', 'Refund not received', 'Training request for new staff', 'Contract renewal question',
  'Data export fails with timeout', 'Mobile app crashes on start', 'Need copy of signed agreement',
];
const TASK_SUBJECTS = [
  'Send proposal', 'Prepare quote', 'Follow up on pricing', 'Schedule product demo', 'Review contract terms',
  'Update account details', 'Confirm delivery date', 'Send case resolution summary', 'Collect requirements',
  'Check credit limit', 'Arrange site visit', 'Send thank-you note', 'Renewal reminder', 'Qualify new contact',
];
const CALL_SUBJECTS = [
  'Discovery call', 'Pricing discussion', 'Quarterly check-in', 'Escalation call', 'Introductory call',
  'Follow-up call', 'Renewal call', 'Support call back',
];
const EMAIL_SUBJECTS = [
  'Proposal attached', 'Meeting recap', 'Your support case', 'Welcome aboard', 'Invoice question',
  'Next steps', 'Product information', 'Order confirmation',
];
const MEETING_SUBJECTS = ['Executive briefing', 'Onsite workshop', 'Contract signing', 'Quarterly business review', 'Solution demo'];
const STEP_NAMES = ['1-Qualify', '2-Develop', '3-Propose', '4-Close'];
const TASK_CATEGORIES = ['Sales', 'Service', 'Marketing', 'Administration'];

// --- Generation -------------------------------------------------------------------------------------------

/**
 * Generates every table's rows.
 * @param {{ seed?: number, counts?: Partial<typeof COUNTS> }} [options]
 * @returns {{ account: object[], contact: object[], lead: object[], opportunity: object[], incident: object[],
 *   activitypointer: object[], lastVersion: number }}
 */
function generate(options = {}) {
  const counts = { ...COUNTS, ...options.counts };
  const rnd = createRandom(options.seed ?? 20260101);
  let version = 1_000_000;
  const nextVersion = () => (version += rnd.int(1, 7));

  /** createdon in the three years before BASE, modifiedon after it (but not after BASE). */
  const stamps = () => {
    const created = BASE - rnd.int(1, 3 * 365) * DAY - rnd.int(0, DAY / 1000 - 1) * 1000;
    const modified = created + Math.floor(rnd.next() * rnd.next() * (BASE - created) / 1000) * 1000;
    return { createdon: iso(created), modifiedon: iso(modified), versionnumber: nextVersion(), createdMs: created };
  };
  const strip = ({ createdMs, ...row }) => row;

  // accounts
  const names = new Set();
  const accounts = [];
  for (let i = 0; i < counts.accounts; i++) {
    let name;
    do {
      const a = rnd.pick(NAME_FIRST), b = rnd.pick(NAME_SECOND);
      name = rnd.chance(0.7) ? `${a} ${b} ${rnd.pick(NAME_SUFFIX)}` : `${a} ${b}`;
      if (names.has(name)) name = `${name} (${rnd.pick(CITIES)[0]})`;
    } while (names.has(name));
    names.add(name);
    const [city, state, country, lat, lon, zip, phone] = rnd.pick(CITIES);
    const domain = name.toLowerCase().replace(/\(.*\)|\b(inc|ltd|llc|corp|gmbh|group|holdings|partners|co|ag|s\.a|plc)\b\.?/g, '')
      .replace(/[^a-z0-9]+/g, '').slice(0, 24) + rnd.pick(['.com', '.com', '.com', '.net', '.io', '.co']);
    // Revenue: log-uniform from 50 thousand to 5 billion, so both small shops and large companies appear.
    const revenue = Math.round(10 ** (4.7 + rnd.next() * 5) / 1000) * 1000;
    const employees = Math.max(1, Math.round((revenue / rnd.int(80_000, 400_000)) * (0.6 + rnd.next())));
    const active = rnd.chance(0.92);
    const s = stamps();
    accounts.push({
      accountid: rnd.guid(),
      name,
      accountnumber: `AC${rnd.digits(6)}`,
      revenue,
      numberofemployees: employees,
      emailaddress1: `${rnd.pick(['info', 'sales', 'contact', 'hello', 'office'])}@${domain}`,
      telephone1: `${phone} ${rnd.digits(3)} ${rnd.digits(4)}`,
      websiteurl: `https://www.${domain}`,
      address1_line1: `${rnd.int(1, 9999)} ${rnd.pick(STREETS)}`,
      address1_city: city,
      address1_stateorprovince: state,
      address1_postalcode: zip + (zip.length < 5 ? rnd.digits(5 - zip.length) : ''),
      address1_country: country,
      address1_latitude: Math.round((lat + (rnd.next() - 0.5) * 0.1) * 1e5) / 1e5,
      address1_longitude: Math.round((lon + (rnd.next() - 0.5) * 0.1) * 1e5) / 1e5,
      industrycode: rnd.int(1, 33),
      accountcategorycode: rnd.weighted([[1, 1], [2, 3]]),
      customertypecode: rnd.weighted([[3, 10], [8, 4], [5, 2], [9, 1], [10, 1], [11, 1], [12, 1]]),
      creditlimit: Math.round(revenue * 0.02 / 1000) * 1000,
      creditonhold: rnd.chance(0.04),
      donotemail: rnd.chance(0.08),
      description: rnd.chance(0.3) ? `${name} is a ${rnd.pick(['regional', 'global', 'family-owned', 'fast-growing', 'long-standing'])} customer based in ${city}.` : null,
      statecode: active ? 0 : 1,
      statuscode: active ? 1 : 2,
      _primarycontactid_value: null,
      _parentaccountid_value: null,
      ...s,
    });
  }
  // A few subsidiaries, so account_parent_account has data.
  for (let i = 0; i < accounts.length; i += rnd.int(15, 40)) {
    const parent = rnd.pick(accounts);
    if (parent !== accounts[i]) accounts[i]._parentaccountid_value = parent.accountid;
  }

  // contacts: most work for an account; the first contact of an account becomes its primary contact.
  const contacts = [];
  const contactsOf = new Map();
  for (let i = 0; i < counts.contacts; i++) {
    const firstname = rnd.pick(FIRST_NAMES), lastname = rnd.pick(LAST_NAMES);
    const account = rnd.chance(0.93) ? accounts[i < accounts.length ? i : rnd.int(0, accounts.length - 1)] : null;
    const domain = account ? account.websiteurl.slice('https://www.'.length) : rnd.pick(['outlook.com', 'gmail.com', 'yahoo.com', 'proton.me']);
    const local = `${firstname}.${lastname}`.toLowerCase().normalize('NFD').replace(/[^a-z.]/g, '');
    const city = account && rnd.chance(0.8) ? account.address1_city : rnd.pick(CITIES)[0];
    const active = rnd.chance(0.95);
    const s = stamps();
    const contact = {
      contactid: rnd.guid(),
      firstname,
      lastname,
      fullname: `${firstname} ${lastname}`,
      jobtitle: account ? rnd.pick(JOB_TITLES) : null,
      emailaddress1: rnd.chance(0.95) ? `${local}${rnd.chance(0.2) ? rnd.int(1, 99) : ''}@${domain}` : null,
      telephone1: rnd.chance(0.8) ? `${(account?.telephone1 ?? '+1 555').split(' ').slice(0, 2).join(' ')} ${rnd.digits(3)} ${rnd.digits(4)}` : null,
      mobilephone: rnd.chance(0.6) ? `+1 555 ${rnd.digits(3)} ${rnd.digits(4)}` : null,
      birthdate: rnd.chance(0.4) ? isoDate(BASE - rnd.int(22 * 365, 68 * 365) * DAY) : null,
      gendercode: rnd.chance(0.7) ? rnd.int(1, 2) : null,
      familystatuscode: rnd.chance(0.5) ? rnd.int(1, 4) : null,
      annualincome: rnd.chance(0.3) ? rnd.int(35, 400) * 1000 : null,
      address1_city: city,
      address1_country: CITIES.find((c) => c[0] === city)[2],
      donotphone: rnd.chance(0.05),
      preferredcontactmethodcode: rnd.weighted([[1, 6], [2, 3], [3, 2], [5, 1]]),
      description: null,
      statecode: active ? 0 : 1,
      statuscode: active ? 1 : 2,
      _parentcustomerid_value: account ? account.accountid : null,
      ...s,
    };
    contacts.push(contact);
    if (account) {
      const list = contactsOf.get(account.accountid);
      if (list) list.push(contact);
      else contactsOf.set(account.accountid, [contact]);
    }
  }
  for (const account of accounts) {
    const list = contactsOf.get(account.accountid);
    if (list && rnd.chance(0.9)) account._primarycontactid_value = list[0].contactid;
  }
  const contactOfAccount = (account) => {
    const list = account && contactsOf.get(account.accountid);
    return list ? rnd.pick(list) : null;
  };

  // leads
  const leads = [];
  for (let i = 0; i < counts.leads; i++) {
    const firstname = rnd.pick(FIRST_NAMES), lastname = rnd.pick(LAST_NAMES);
    const existing = rnd.chance(0.3) ? rnd.pick(accounts) : null;
    const companyname = existing ? existing.name : `${rnd.pick(NAME_FIRST)} ${rnd.pick(NAME_SECOND)}`;
    const statecode = rnd.weighted([[0, 6], [1, 2], [2, 2]]);
    const statuscode = statecode === 0 ? rnd.pick([1, 2]) : statecode === 1 ? 3 : rnd.pick([4, 5, 6, 7]);
    const s = stamps();
    leads.push({
      leadid: rnd.guid(),
      subject: `${rnd.pick(PRODUCTS)} for ${companyname}`,
      firstname,
      lastname,
      fullname: `${firstname} ${lastname}`,
      companyname,
      jobtitle: rnd.pick(JOB_TITLES),
      emailaddress1: `${firstname}.${lastname}`.toLowerCase().normalize('NFD').replace(/[^a-z.]/g, '') + '@' + companyname.toLowerCase().replace(/[^a-z0-9]+/g, '').slice(0, 20) + '.com',
      telephone1: `+1 555 ${rnd.digits(3)} ${rnd.digits(4)}`,
      address1_city: rnd.pick(CITIES)[0],
      leadsourcecode: rnd.int(1, 10),
      leadqualitycode: rnd.weighted([[1, 2], [2, 5], [3, 3]]),
      estimatedamount: rnd.int(5, 500) * 1000,
      estimatedclosedate: isoDate(s.createdMs + rnd.int(30, 240) * DAY),
      revenue: rnd.chance(0.5) ? Math.round(10 ** (5 + rnd.next() * 4) / 1000) * 1000 : null,
      numberofemployees: rnd.chance(0.5) ? rnd.int(5, 20000) : null,
      description: null,
      statecode,
      statuscode,
      _parentaccountid_value: existing ? existing.accountid : null,
      _parentcontactid_value: existing ? contactOfAccount(existing)?.contactid ?? null : null,
      ...s,
    });
  }

  // opportunities: on active accounts, with a contact of that account when there is one.
  const activeAccounts = accounts.filter((a) => a.statecode === 0);
  const opportunities = [];
  for (let i = 0; i < counts.opportunities; i++) {
    const account = rnd.pick(activeAccounts);
    const contact = contactOfAccount(account);
    const lead = rnd.chance(0.25) ? rnd.pick(leads) : null;
    const statecode = rnd.weighted([[0, 6], [1, 2], [2, 2]]);
    const statuscode = statecode === 0 ? rnd.weighted([[1, 9], [2, 1]]) : statecode === 1 ? 3 : rnd.pick([4, 5]);
    const salesstage = statecode === 0 ? rnd.int(0, 3) : 3;
    const value = Math.round(10 ** (3.7 + rnd.next() * 3)) * 10;
    const s = stamps();
    const close = s.createdMs + rnd.int(30, 360) * DAY;
    opportunities.push({
      opportunityid: rnd.guid(),
      name: `${rnd.pick(PRODUCTS)} – ${account.name.replace(/ (Inc\.|Ltd|LLC|Corp\.|GmbH|Group|Holdings|Partners|Co\.|AG|S\.A\.|PLC)$/, '')}`,
      estimatedvalue: value,
      estimatedclosedate: isoDate(close),
      actualvalue: statecode === 1 ? money(value * (0.8 + rnd.next() * 0.3)) : null,
      actualclosedate: statecode === 0 ? null : isoDate(Math.min(BASE - DAY, close + rnd.int(-20, 20) * DAY)),
      closeprobability: statecode === 0 ? [10, 30, 60, 80][salesstage] + rnd.int(-5, 10) : statecode === 1 ? 100 : 0,
      opportunityratingcode: rnd.weighted([[1, 2], [2, 5], [3, 3]]),
      salesstage,
      stepname: STEP_NAMES[salesstage],
      budgetamount: rnd.chance(0.6) ? Math.round(value * (0.8 + rnd.next() * 0.6) / 100) * 100 : null,
      purchasetimeframe: rnd.int(0, 4),
      description: null,
      statecode,
      statuscode,
      _parentaccountid_value: account.accountid,
      _parentcontactid_value: contact ? contact.contactid : null,
      _originatingleadid_value: lead ? lead.leadid : null,
      ...s,
    });
  }

  // incidents (cases)
  const incidents = [];
  for (let i = 0; i < counts.incidents; i++) {
    const account = rnd.pick(accounts);
    const contact = contactOfAccount(account);
    const statecode = rnd.weighted([[0, 4], [1, 5], [2, 1]]);
    const statuscode = statecode === 0 ? rnd.pick([1, 2, 3, 4]) : statecode === 1 ? rnd.weighted([[5, 9], [1000, 1]]) : rnd.weighted([[6, 9], [2000, 1]]);
    const s = stamps();
    const escalated = statecode === 0 && rnd.chance(0.1);
    incidents.push({
      incidentid: rnd.guid(),
      title: rnd.pick(CASE_TITLES),
      ticketnumber: `CAS-${String(1001 + i).padStart(5, '0')}-${rnd.letters(6)}`,
      prioritycode: rnd.weighted([[1, 2], [2, 6], [3, 2]]),
      severitycode: 1,
      caseorigincode: rnd.weighted([[1, 4], [2, 4], [3, 2], [2483, 0.3], [3986, 0.3]]),
      casetypecode: rnd.int(1, 3),
      isescalated: escalated,
      escalatedon: escalated ? iso(s.createdMs + rnd.int(1, 10) * DAY) : null,
      followupby: statecode === 0 ? iso(BASE + rnd.int(1, 30) * DAY) : null,
      description: null,
      statecode,
      statuscode,
      _customerid_value: account.accountid,
      _primarycontactid_value: contact ? contact.contactid : null,
      ...s,
    });
  }

  // activities, regarding accounts (most), contacts, leads, opportunities and cases.
  const activities = [];
  for (let i = 0; i < counts.activities; i++) {
    const type = rnd.weighted([['task', 40], ['phonecall', 25], ['email', 25], ['appointment', 10]]);
    const regarding = rnd.weighted([['account', 45], ['contact', 15], ['lead', 10], ['opportunity', 20], ['incident', 10]]);
    const target = regarding === 'account' ? rnd.pick(accounts).accountid
      : regarding === 'contact' ? rnd.pick(contacts).contactid
      : regarding === 'lead' ? rnd.pick(leads).leadid
      : regarding === 'opportunity' ? rnd.pick(opportunities).opportunityid
      : rnd.pick(incidents).incidentid;
    const s = stamps();
    const start = s.createdMs + rnd.int(0, 60) * DAY + rnd.int(8, 17) * 3_600_000;
    const duration = type === 'appointment' ? rnd.pick([30, 60, 90, 120]) : type === 'phonecall' ? rnd.pick([15, 30, 45]) : rnd.pick([15, 30, 60]);
    const done = start < BASE - DAY ? rnd.chance(0.85) : false;
    const statecode = done ? 1 : rnd.chance(0.05) ? 2 : type === 'appointment' ? 3 : 0;
    const statuscode = statecode === 1 ? 5 : statecode === 2 ? 6 : type === 'appointment' ? 4 : rnd.pick([2, 3, 4, 7]);
    const subject = type === 'task' ? rnd.pick(TASK_SUBJECTS) : type === 'phonecall' ? rnd.pick(CALL_SUBJECTS)
      : type === 'email' ? rnd.pick(EMAIL_SUBJECTS) : rnd.pick(MEETING_SUBJECTS);
    activities.push({
      activityid: rnd.guid(),
      subject,
      activitytypecode: type,
      description: null,
      scheduledstart: iso(start),
      scheduledend: iso(start + duration * 60_000),
      actualend: done ? iso(start + duration * 60_000 + rnd.int(0, 3) * DAY) : null,
      actualdurationminutes: done ? duration : null,
      prioritycode: rnd.weighted([[0, 2], [1, 6], [2, 2]]),
      isregularactivity: true,
      percentcomplete: type === 'task' ? (done ? 100 : rnd.pick([0, 0, 25, 50, 75])) : null,
      category: type === 'task' ? rnd.pick(TASK_CATEGORIES) : null,
      statecode,
      statuscode,
      _regardingobjectid_value: target,
      ...s,
    });
  }

  return {
    company: [
      { id: '9c4f2ddc-9e75-ea11-bbf0-000d3a38a583', name: 'CRONUS USA', displayName: 'CRONUS USA, Inc.', businessProfileId: '' },
      { id: '5d115c9c-44e3-ea11-bb43-000d3a2feca1', name: 'My Company', displayName: 'My Company', businessProfileId: '' },
    ],
    account: accounts.map(strip),
    contact: contacts.map(strip),
    lead: leads.map(strip),
    opportunity: opportunities.map(strip),
    incident: incidents.map(strip),
    activitypointer: activities.map(strip),
    lastVersion: version,
  };
}

module.exports = { generate, createRandom, COUNTS, BASE };
