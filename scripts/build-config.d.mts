import type { BuildOptions } from 'esbuild';

export declare const projectRoot: string;
export declare function shellBuildOptions(outDir: string): [main: BuildOptions, preload: BuildOptions];
