// Types for start.mjs, for the TypeScript tests that start the sample service.
export declare const SERVICE_PATH: '/api/data/v9.2/';

export interface SampleService {
  /** e.g. `http://127.0.0.1:41234` */
  url: string;
  /** e.g. `http://127.0.0.1:41234/api/data/v9.2/` (with the trailing slash) */
  serviceRoot: string;
  port: number;
  /** The server's process id, which is also its process group id. */
  pid: number;
  /** From spawning the server to its first `$metadata` answer. */
  startupMs: number;
  /** What the server printed so far (the last lines). */
  log(): string;
  /** Ends the whole process group and waits until it has exited. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** 0 (the default): a free port. */
  port?: number;
  /** The data generator's seed (the default gives the documented data). */
  seed?: number;
  /** How long to wait for `$metadata`, in milliseconds (default 60,000). */
  timeoutMs?: number;
  /** Copy the server's output to stderr. */
  echo?: boolean;
  /** Install the service's dependencies first when needed (default true). */
  install?: boolean;
}

export declare function startSampleService(options?: StartOptions): Promise<SampleService>;
