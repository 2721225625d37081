// Injected into the CommonJS main bundle (build-config.mjs) to stand for `import.meta.url`, which
// esbuild leaves empty in CommonJS output.
import { pathToFileURL } from 'node:url';

export const importMetaUrl = pathToFileURL(__filename).href;
