// Types for install.mjs.
export declare const serviceDir: string;
export declare function installHash(): string;
export declare function isInstalled(): boolean;
export declare function missingBuildTools(): string[];
export declare function ensureInstalled(options?: {
  force?: boolean;
  log?: (line: string) => void;
  stdio?: 'inherit' | 'ignore';
}): Promise<{ installed: boolean; ms: number }>;
