// Types for bundle.mjs (imported by the TypeScript benchmark).
import type { BuildOptions } from 'esbuild';
export function webviewBundle(options?: { production?: boolean; outdir?: string }): BuildOptions;
