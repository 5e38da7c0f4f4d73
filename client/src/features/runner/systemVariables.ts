/**
 * Real values for the system variables when a request is sent (the checker uses stand-ins):
 * `{{$guid}}`, `{{$timestamp}}` (Unix seconds), `{{$datetime}}` (ISO 8601, UTC), `{{$localDatetime}}`,
 * `{{$randomInt min max}}`. Environment variables (`$processEnv`, `$dotenv`) are not read: a secret in one
 * would be written into the history and the results panel.
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { SystemVariableResolver } from '../../../../server/src/odata/index';

function localIso(now: Date): string {
  const offset = -now.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const pad = (n: number): string => String(Math.floor(Math.abs(n))).padStart(2, '0');
  const local = new Date(now.getTime() + offset * 60_000).toISOString().slice(0, 19);
  return `${local}${sign}${pad(offset / 60)}:${pad(offset % 60)}`;
}

export function sendingSystemVariables(now: () => Date = () => new Date()): SystemVariableResolver {
  return (name, args) => {
    switch (name) {
      case '$guid':
        return randomUUID();
      case '$timestamp':
        return String(Math.floor(now().getTime() / 1000));
      case '$datetime':
        return now().toISOString();
      case '$localDatetime':
        return localIso(now());
      case '$randomInt': {
        const min = Number.parseInt(args[0] ?? '0', 10);
        const max = Number.parseInt(args[1] ?? '1000', 10);
        if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max <= min) return undefined;
        return String(randomInt(min, max));
      }
      default:
        return undefined;
    }
  };
}
