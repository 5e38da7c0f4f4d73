// The entry VS Code's extension host loads as extensionTestsPath (bundled with esbuild into
// test/.cache/e2e/out/index.js, mocha included). It must export run(): VS Code calls it after the extension
// under test is loaded, and the run's outcome (resolve or reject) becomes the extension host's exit code.
// Plain JS so that the root `npm run typecheck` needs no mocha types.
const path = require('node:path');
const fs = require('node:fs');
const Mocha = require('mocha');

exports.run = async function run() {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 120000, reporter: 'spec' });
  const dir = path.join(__dirname, 'suite');
  const grep = process.env.E2E_GREP; // only honoured where the extension host sees the env (desktop runs)
  if (grep) mocha.grep(grep);
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.test.js')).sort()) mocha.addFile(path.join(dir, file));
  const failures = await new Promise((resolve, reject) => {
    try {
      mocha.run((count) => resolve(count));
    } catch (error) {
      reject(error);
    }
  });
  console.log(`e2e (extension host): ${failures === 0 ? 'all tests passed' : `${failures} test(s) failed`}`);
  if (failures > 0) throw new Error(`${failures} test(s) failed`);
};
