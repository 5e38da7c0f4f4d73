// Bounded {{variable}} expansion (issue 12, item 6): the 510-byte file whose definitions each use the previous one
// twice (12.7 s and 262 MB before the bounds), checked by the language core and prepared by the runner, beside a
// floor: the same file with each definition using the previous one once.
import { checkDocument, createModelIndex, readCsdl } from '../../server/src/odata/index';
import { prepareRequest } from '../../client/src/features/runner/http/prepare';

function variableFile(uses: 1 | 2): string {
  const lines = ['@v0 = xxxxxxxx'];
  for (let n = 1; lines.join('\n').length < 470; n++) lines.push(`@v${n} = ${`{{v${n - 1}}}`.repeat(uses)}`);
  const last = lines.at(-1)!.split(' ')[0]!.slice(1);
  return `${lines.join('\n')}\nGET accounts?$filter=name eq '{{${last}}}'\n`;
}

function median(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export function variablesBench(): string[] {
  const model = createModelIndex(readCsdl('<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices/></edmx:Edmx>'));
  const environment = { name: 'bench', flavor: 'generic' as const, serviceRoot: 'https://contoso.example/odata/' };
  const measure = (text: string): { check: number; prepare: number } => {
    const check: number[] = [];
    const prepare: number[] = [];
    for (let i = 0; i < 25; i++) {
      let started = performance.now();
      checkDocument(text, model, { flavor: 'generic' });
      check.push(performance.now() - started);
      started = performance.now();
      prepareRequest(text, 0, environment);
      prepare.push(performance.now() - started);
    }
    return { check: median(check), prepare: median(prepare) };
  };
  const exponential = variableFile(2);
  const linear = variableFile(1);
  const hostile = measure(exponential);
  const floor = measure(linear);
  return [
    `${exponential.length}-byte file, each definition using the previous one twice (hostile) vs once (floor), median of 25`,
    `checkDocument (language server)   hostile ${hostile.check.toFixed(2)} ms   floor ${floor.check.toFixed(2)} ms`,
    `prepareRequest (runner)           hostile ${hostile.prepare.toFixed(2)} ms   floor ${floor.prepare.toFixed(2)} ms`,
  ];
}
