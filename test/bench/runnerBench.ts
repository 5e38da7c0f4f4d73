// The request runner's overhead over a bare `fetch`: the same request (`accounts?$select=name&$top=50`) against
// the sample service started in this run, warm, interleaved, median and p95 of each, and the ratio.
import { startSampleService } from '../sample-service/start.mjs';
import { sendRequest } from '../../client/src/features/runner/http/engine';
import { prepareRequest } from '../../client/src/features/runner/http/prepare';

const ITERATIONS = 60;
const WARMUP = 10;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export async function runnerBench(): Promise<string[]> {
  const service = await startSampleService();
  try {
    const prepared = prepareRequest('GET accounts?$select=name&$top=50', 0, { name: 'sample', flavor: 'dataverse', serviceRoot: service.serviceRoot });
    if (!prepared.ok) throw new Error(prepared.failure.message);
    const request = prepared.request;
    const token = async (): Promise<string> => 'bench-token-not-a-secret';
    const headers = Object.fromEntries([...request.headers, ['Authorization', 'Bearer bench-token-not-a-secret']]);

    const viaRunner = async (): Promise<number> => {
      const started = performance.now();
      const outcome = await sendRequest(request, { token });
      const ms = performance.now() - started;
      if (!outcome.ok || outcome.status !== 200 || !Array.isArray((outcome.json as { value?: unknown }).value)) throw new Error('the runner did not get the rows');
      return ms;
    };
    const viaFetch = async (): Promise<number> => {
      const started = performance.now();
      const response = await fetch(request.url, { headers });
      const json = (await response.json()) as { value?: unknown };
      const ms = performance.now() - started;
      if (response.status !== 200 || !Array.isArray(json.value)) throw new Error('fetch did not get the rows');
      return ms;
    };

    for (let i = 0; i < WARMUP; i++) {
      await viaRunner();
      await viaFetch();
    }
    const runner: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < ITERATIONS; i++) {
      // Interleaved, alternating which goes first, so drift in the server affects both alike.
      if (i % 2 === 0) {
        runner.push(await viaRunner());
        bare.push(await viaFetch());
      } else {
        bare.push(await viaFetch());
        runner.push(await viaRunner());
      }
    }
    runner.sort((a, b) => a - b);
    bare.sort((a, b) => a - b);
    const line = (name: string, times: number[]): string => `${name.padEnd(34)} median ${percentile(times, 50).toFixed(2)} ms   p95 ${percentile(times, 95).toFixed(2)} ms`;
    return [
      `runner vs bare fetch: GET accounts?$select=name&$top=50 on the sample service, ${ITERATIONS} warm iterations each, interleaved`,
      line('sendRequest (runner engine)', runner),
      line('fetch + res.json() (floor)', bare),
      `ratio (median): ${(percentile(runner, 50) / percentile(bare, 50)).toFixed(2)}x   ratio (p95): ${(percentile(runner, 95) / percentile(bare, 95)).toFixed(2)}x`,
    ];
  } finally {
    await service.stop();
  }
}
