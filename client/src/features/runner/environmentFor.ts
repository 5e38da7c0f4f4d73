/**
 * Which environment a request goes to: the file's `@environment = name`, else the default environment, else
 * the only one configured. Pure: the settings are passed in. The bundled sample environment has metadata but
 * no service, so sending to it explains what to do instead.
 */
import { FLAVORS, type EnvironmentSetting } from '../../../../server/src/protocol/environmentSettings';
import type { RunnerEnvironment, RunnerFlavor } from './types';

/** The fields of a settings entry the runner reads (server/src/protocol/environmentSettings.ts). */
export type EnvironmentEntry = Pick<EnvironmentSetting, 'name' | 'url' | 'production'> & { flavor?: string };

export type EnvironmentChoice = { ok: true; environment: RunnerEnvironment } | { ok: false; message: string };


/** The service root as the runner needs it: absolute http(s), with a trailing slash. */
export function serviceRootOf(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
  parsed.search = '';
  parsed.hash = '';
  const text = parsed.toString();
  return text.endsWith('/') ? text : `${text}/`;
}

export function toRunnerEnvironment(entry: EnvironmentEntry): EnvironmentChoice {
  const serviceRoot = serviceRootOf(entry.url);
  if (!serviceRoot) {
    return { ok: false, message: `Environment "${entry.name}" has no usable service root URL ("${entry.url}"). Fix its "url" in the dynamicsOData.environments setting.` };
  }
  const flavor = (entry.flavor && (FLAVORS as readonly string[]).includes(entry.flavor) ? entry.flavor : 'generic') as RunnerFlavor;
  return { ok: true, environment: { name: entry.name, flavor, serviceRoot, production: entry.production === true } };
}

export function chooseEnvironment(
  fileEnvironment: string | undefined,
  configured: readonly EnvironmentEntry[],
  defaultEnvironment: string | undefined,
  sampleName: string,
): EnvironmentChoice {
  if (configured.length === 0) {
    return {
      ok: false,
      message: `The bundled "${sampleName}" environment is for completion and validation only: it has no service to send to. Add your environment with "Dynamics OData: Add Environment…" and send again.`,
    };
  }
  const wanted = fileEnvironment ?? defaultEnvironment;
  if (wanted) {
    const entry = configured.find((env) => env.name === wanted);
    if (!entry) {
      const known = configured.map((env) => env.name).join(', ');
      const where = fileEnvironment ? 'this file\'s "@environment" line names' : 'the "dynamicsOData.defaultEnvironment" setting names';
      return { ok: false, message: `${where.charAt(0).toUpperCase()}${where.slice(1)} "${wanted}", which is not configured (known: ${known}).` };
    }
    return toRunnerEnvironment(entry);
  }
  if (configured.length === 1) return toRunnerEnvironment(configured[0]!);
  return {
    ok: false,
    message: `Several environments are configured and this file does not say which to use: add "@environment = ${configured[0]!.name}" to the file, or set "dynamicsOData.defaultEnvironment".`,
  };
}
