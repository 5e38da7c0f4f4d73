// Types for faultServer.mjs, for the TypeScript tests that start the fault server.
export interface FaultServer {
  /** e.g. `http://127.0.0.1:41234` (no trailing slash) */
  url: string;
  /** e.g. `https://127.0.0.1:41235`: HTTPS with a self-signed certificate that nothing trusts. */
  tlsUrl: string;
  /** Requests received so far for a pathname, e.g. `hits('/write-then-reset/a')`. */
  hits(pathname: string): number;
  /** Records created so far by `/create-503/<id>` (pathname without the query). */
  records(pathname: string): number;
  /** Closes every connection and the server. */
  stop(): Promise<void>;
}

export declare function startFaultServer(): Promise<FaultServer>;
