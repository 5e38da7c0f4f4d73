/**
 * The user's cache folder of the server (`$XDG_CACHE_HOME` or `~/.cache`, `%LOCALAPPDATA%` on Windows,
 * `~/Library/Caches` on macOS, then `dynamics-odata/`): index caches that cannot be written beside their metadata
 * file and their key (indexCache.ts), the server bundle's code cache (serverLoader.ts).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function userCacheFolder(): string {
  const env = process.env;
  let base: string;
  if (process.platform === 'win32') base = env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local');
  else if (process.platform === 'darwin') base = join(homedir(), 'Library', 'Caches');
  else base = env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(base, 'dynamics-odata');
}
