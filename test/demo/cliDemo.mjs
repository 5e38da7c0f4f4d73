// `npm run demo` (until the real-VS-Code demo lands): checks the demo .odata file against the sample
// Dataverse metadata with the built `dynamics-odata check`, as CI would, and shows what it finds.
// The demo file has deliberate mistakes, so the check's exit status 1 is the expected outcome here.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const metadata = 'test/fixtures/metadata/dataverse-sample.xml';
const file = 'test/fixtures/demo/queries.odata';

console.log(`\n── ${file} ──\n`);
console.log(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8'));
console.log(`── node dist/cli.js check --metadata ${metadata} ${file} ──\n`);
const result = spawnSync(process.execPath, ['dist/cli.js', 'check', '--metadata', metadata, file], { cwd: root, stdio: 'inherit' });
if (result.status === 2 || result.status === null) {
  console.error('\nThe check could not run (see above).');
  process.exit(2);
}
console.log(`\nexit status ${result.status} (1 = errors found, as the demo file intends).`);
