/**
 * The one description of an environment as written in `dynamicsOData.environments`, and the one tolerant reader of
 * it. The VS Code client, the language server and the CLI all read settings through `readEnvironmentSettings` /
 * `readServerConfig`: a bad entry becomes a sentence in `problems` (the rest is used), never an exception.
 * package.json's schema for `dynamicsOData.environments` is held to ENVIRONMENT_FIELDS and AUTH_FIELDS by
 * test/unit/environments/environmentSettingsSchema.test.ts. No `vscode`, no I/O.
 */

export const FLAVORS = ['dataverse', 'fno', 'bc', 'generic'] as const;
export type FlavorName = (typeof FLAVORS)[number];

export const SIGN_IN_METHODS = ['interactive', 'deviceCode', 'clientSecret', 'certificate', 'none'] as const;
export type SignInMethod = (typeof SIGN_IN_METHODS)[number];

export const CLOUDS = ['public', 'usgov', 'usgovhigh', 'dod', 'china'] as const;
export type Cloud = (typeof CLOUDS)[number];

/** The `auth` object of an environment entry (never a secret: secrets and tokens live in SecretStorage). */
export interface AuthSettings {
  method: SignInMethod;
  /** Tenant id (GUID) or domain (contoso.onmicrosoft.com). Default 'organizations'. */
  tenant?: string;
  /** The app registration to sign in with. */
  clientId?: string;
  cloud?: Cloud;
  /** Replaces the cloud's sign-in host (custom clouds, tests); honoured only when the user's own settings trust it. */
  authorityHost?: string;
  /** certificate: a PEM file holding the private key and the certificate. */
  certificatePath?: string;
  /** certificate: SHA-1 (40 hex) or SHA-256 (64 hex) thumbprint; checked against the file's certificate. */
  certificateThumbprint?: string;
}

/** One entry of `dynamicsOData.environments`, as written in settings. */
export interface EnvironmentSetting {
  /** Used by `@environment = name` in `.odata` files. */
  name: string;
  /** The service root. */
  url: string;
  flavor?: FlavorName;
  /** A saved `$metadata` document; without it, the downloaded copy is used. */
  metadataFile?: string;
  /** Writes ask first. */
  production?: boolean;
  /** How to sign in; kept as written (features/auth/authSettings.ts checks it before a sign-in). */
  auth?: unknown;
  /** Values for `{{name}}` in every file that targets this environment (a file's own `@name` wins). */
  variables?: Record<string, string>;
}

/** The JSON type (and enum) of each field: what the reader checks and what package.json's schema must declare. */
export interface FieldSpec {
  type: 'string' | 'boolean' | 'object';
  enum?: readonly string[];
  required?: boolean;
}

export const ENVIRONMENT_FIELDS: Readonly<Record<keyof EnvironmentSetting, FieldSpec>> = {
  name: { type: 'string', required: true },
  url: { type: 'string', required: true },
  flavor: { type: 'string', enum: FLAVORS },
  metadataFile: { type: 'string' },
  production: { type: 'boolean' },
  auth: { type: 'object' },
  variables: { type: 'object' },
};

export const AUTH_FIELDS: Readonly<Record<keyof AuthSettings, FieldSpec>> = {
  method: { type: 'string', enum: SIGN_IN_METHODS, required: true },
  tenant: { type: 'string' },
  clientId: { type: 'string' },
  cloud: { type: 'string', enum: CLOUDS },
  authorityHost: { type: 'string' },
  certificatePath: { type: 'string' },
  certificateThumbprint: { type: 'string' },
};

/** One environment as the language server knows it: a service root and the `$metadata` file to check against. */
export interface EnvironmentConfig {
  name: string;
  flavor: FlavorName;
  url: string;
  metadataFile: string;
  /** Values for `{{name}}` in every file that targets this environment (a file's own `@name` wins). */
  variables?: Record<string, string>;
}

/** The whole configuration the server gets; the same shape as `initializationOptions` for other editors. */
export interface ServerConfig {
  environments: EnvironmentConfig[];
  defaultEnvironment?: string;
  /** `dynamicsOData.checkAgainst`: environments every file is also checked against (schema drift). */
  checkAgainst?: string[];
}

export interface SettingsReading<T> {
  value: T;
  /** One sentence per entry or field that was dropped, saying what to change. */
  problems: string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return typeof value === 'string' ? `"${value}"` : `a ${typeof value}`;
}

function fieldProblem(where: string, key: string, spec: FieldSpec, value: unknown): string | undefined {
  const actual = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  if (spec.type === 'object' ? !isRecord(value) : actual !== spec.type) {
    return `${where}: "${key}" must be ${spec.type === 'object' ? 'an object' : `a ${spec.type}`}, not ${describe(value)}.`;
  }
  if (spec.enum && !spec.enum.includes(value as string)) return `${where}: "${key}" is ${describe(value)}; use one of ${spec.enum.join(', ')}.`;
  return undefined;
}

/** Checks an `auth` object's shape (values' meaning is checked by the sign-in); problems only, the object is kept. */
function authProblems(where: string, auth: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(auth)) {
    const spec = (AUTH_FIELDS as Record<string, FieldSpec>)[key];
    if (!spec) {
      problems.push(`${where}: "auth.${key}" is not a sign-in setting (known: ${Object.keys(AUTH_FIELDS).join(', ')}).`);
      continue;
    }
    const problem = fieldProblem(where, `auth.${key}`, spec, value);
    if (problem) problems.push(problem);
  }
  return problems;
}

/** Reads one entry: undefined (with a problem) when it has no usable name or url; bad optional fields are dropped. */
export function readEnvironmentSetting(value: unknown, position: number): SettingsReading<EnvironmentSetting | undefined> {
  const at = `dynamicsOData.environments[${position}]`;
  if (!isRecord(value)) return { value: undefined, problems: [`${at} must be an object such as { "name": "dev", "url": "https://…" }, not ${describe(value)}.`] };
  const named = typeof value.name === 'string' && value.name.trim() ? value.name.trim() : undefined;
  const where = named ? `${at} ("${named}")` : at;
  const problems: string[] = [];
  const entry: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(ENVIRONMENT_FIELDS) as Array<[keyof EnvironmentSetting, FieldSpec]>) {
    const field = value[key];
    if (field === undefined) continue;
    const problem = fieldProblem(where, key, spec, field);
    if (problem) {
      problems.push(problem);
      continue;
    }
    entry[key] = key === 'name' || key === 'url' ? (field as string).trim() : field;
  }
  for (const key of Object.keys(value)) {
    if (!(key in ENVIRONMENT_FIELDS)) problems.push(`${where}: "${key}" is not an environment setting (known: ${Object.keys(ENVIRONMENT_FIELDS).join(', ')}).`);
  }
  if (isRecord(entry.auth)) problems.push(...authProblems(where, entry.auth));
  if (isRecord(entry.variables)) {
    const variables: Record<string, string> = {};
    for (const [name, text] of Object.entries(entry.variables)) {
      if (typeof text === 'string') variables[name] = text;
      else if (typeof text === 'number' || typeof text === 'boolean') variables[name] = String(text);
      else problems.push(`${where}: variable "${name}" must be a string, not ${describe(text)}.`);
    }
    entry.variables = variables;
  }
  if (!entry.name) return { value: undefined, problems: [...problems, `${where} has no "name": give it a short name (letters, digits, ".", "-", "_").`] };
  if (typeof entry.url !== 'string') return { value: undefined, problems: [...problems, `${where} has no "url": set the service root, e.g. https://contoso.crm.dynamics.com/api/data/v9.2/.`] };
  return { value: entry as unknown as EnvironmentSetting, problems };
}

/** Reads `dynamicsOData.environments`: the usable entries (first of each name) and what was wrong with the others. */
export function readEnvironmentSettings(value: unknown): SettingsReading<EnvironmentSetting[]> {
  if (value === undefined || value === null) return { value: [], problems: [] };
  if (!Array.isArray(value)) return { value: [], problems: [`dynamicsOData.environments must be a list of environments, not ${describe(value)}.`] };
  const environments: EnvironmentSetting[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  value.forEach((item, position) => {
    const read = readEnvironmentSetting(item, position);
    problems.push(...read.problems);
    if (!read.value) return;
    if (seen.has(read.value.name)) {
      problems.push(`dynamicsOData.environments[${position}]: the name "${read.value.name}" is used twice; the first entry is used.`);
      return;
    }
    seen.add(read.value.name);
    environments.push(read.value);
  });
  return { value: environments, problems };
}

/**
 * Reads what the language server is given (`initializationOptions`, `odata/setEnvironments`, or another editor's
 * `dynamicsOData` settings): entries need a name and a metadata file; the url may be empty (checking only).
 */
export function readServerConfig(value: unknown): SettingsReading<ServerConfig> {
  const candidate = isRecord(value) ? value : {};
  const problems: string[] = [];
  const environments: EnvironmentConfig[] = [];
  const list = candidate.environments;
  if (list !== undefined && !Array.isArray(list)) problems.push(`environments must be a list, not ${describe(list)}.`);
  const seen = new Set<string>();
  (Array.isArray(list) ? list : []).forEach((item, position) => {
    // The server needs no url to check files: an entry with a name and metadata file is enough.
    const read = readEnvironmentSetting(isRecord(item) && item.url === undefined ? { ...item, url: '' } : item, position);
    problems.push(...read.problems);
    const env = read.value;
    if (!env) return;
    if (!env.metadataFile) {
      problems.push(`dynamicsOData.environments[${position}] ("${env.name}") has no "metadataFile": the server has nothing to check against.`);
      return;
    }
    if (seen.has(env.name)) return;
    seen.add(env.name);
    environments.push({
      name: env.name,
      metadataFile: env.metadataFile,
      url: env.url,
      flavor: env.flavor ?? 'generic',
      ...(env.variables ? { variables: env.variables } : {}),
    });
  });
  const defaultEnvironment = candidate.defaultEnvironment;
  if (defaultEnvironment !== undefined && defaultEnvironment !== null && typeof defaultEnvironment !== 'string') {
    problems.push(`defaultEnvironment must be an environment's name, not ${describe(defaultEnvironment)}.`);
  }
  const checkAgainst = candidate.checkAgainst;
  if (checkAgainst !== undefined && checkAgainst !== null && !(Array.isArray(checkAgainst) && checkAgainst.every((name) => typeof name === 'string'))) {
    problems.push(`checkAgainst must be a list of environment names, not ${describe(checkAgainst)}.`);
  }
  return {
    value: {
      environments,
      defaultEnvironment: typeof defaultEnvironment === 'string' && defaultEnvironment ? defaultEnvironment : undefined,
      ...(Array.isArray(checkAgainst) ? { checkAgainst: checkAgainst.filter((name): name is string => typeof name === 'string' && name.length > 0) } : {}),
    },
    problems,
  };
}
