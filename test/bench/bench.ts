// `npm run bench`: every benchmark of the project, each printing its numbers beside a floor measured in the same run.
// Run with --expose-gc (the npm script does) so memory figures are measured after a collection.
import { runCsdlBench } from './csdlBench';
import { runUriBench } from './uriBench';
import { runLspBench } from './lspBench';
import { explorerBench } from './explorerBench';
import { runnerBench } from './runnerBench';
import { panelBench } from './panelBench';
import { variablesBench } from './variablesBench';

async function main(): Promise<void> {
  console.log(`bench: node ${process.version}, ${process.platform}/${process.arch}, gc ${typeof global.gc === 'function' ? 'exposed' : 'NOT exposed (memory figures are rough)'}`);
  console.log('\n## CSDL load ($metadata -> model -> index)\n');
  await runCsdlBench();
  console.log('\n## URL parse + bind (real queries from Microsoft docs)\n');
  await runUriBench();
  console.log('\n## The language server over LSP (cold load, completion latency, diagnostics, memory)\n');
  await runLspBench();
  console.log("\n## The explorer's first level (Dataverse scale, over LSP)\n");
  console.log((await explorerBench()).join('\n'));
  console.log('\n## Request runner overhead (against a bare fetch of the same request, sample service)\n');
  console.log((await runnerBench()).join('\n'));
  console.log('\n## Results panel: time to first paint, 5,000 x 100 rows (headless Chromium)\n');
  console.log((await panelBench()).join('\n'));
  console.log('\n## Bounded {{variable}} expansion (issue 12: the 510-byte exponential file)\n');
  console.log(variablesBench().join('\n'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
