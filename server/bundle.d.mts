// Types for bundle.mjs (imported by the TypeScript tests).
import type { BuildOptions, Plugin } from 'esbuild';
export const MODULE_WRAPPER_START: string;
export const MODULE_WRAPPER_END: string;
export const SERVER_BUILTINS_ON_FIRST_USE: string[];
export function requiredOnFirstUse(names: string[]): Plugin;
export function serverBundle(common: BuildOptions): BuildOptions;
