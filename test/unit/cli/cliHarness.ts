// The command line in-process for tests: main() with captured output, and a temporary folder to write inputs into.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../server/src/cli';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `dynamics-odata ARGV…` in this process, reading files from disk, and returns its exit code and output. */
export async function runCli(...argv: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), readFile: (p) => readFileSync(p, 'utf8') });
  return { code, stdout, stderr };
}

/** A new temporary folder, and `file(name, content)` that writes into it and returns the path. */
export function tempFolder(prefix: string): { dir: string; file(name: string, content: string): string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    file(name, content) {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    },
  };
}
