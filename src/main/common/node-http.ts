// node:http and node:https for the station's own HTTP (the training simulator, the Node transports).
//
// Taken with process.getBuiltinModule, not an ESM `import { … } from 'node:http'`: under Node 24 an
// ESM import of node:http reads every export of the module into its namespace, WebSocket among them,
// whose getter loads undici (Node's fetch, about 15 ms) at start-up although nothing here uses it
// (issue 19 item 7, bench/startup.ts). The host and the CLI run as ES modules (tsx); the bundled app
// is CommonJS and never paid it. Types still come from `import type`.
import type * as Https from 'node:https';

export const nodeHttp = process.getBuiltinModule('node:http');
/** node:https, and TLS with it (a few ms), only when an https: address is called: training's loopback never is. */
export const nodeHttps = (): typeof Https => process.getBuiltinModule('node:https');
