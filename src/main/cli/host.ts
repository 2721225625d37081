import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { newHostToken } from '../host';
import { startHost } from '../host';
import { reportFailure } from '../common';
import { startStation } from '../runtime';
import { nodeStation } from './node-platform';

const USAGE = `Usage: npm run start:host -- [--port N] [--training | --real] [--data-dir DIR]
                                [--cm-url URL] [--policy FILE] [--cm-retry-ms MS]

Runs the station under plain Node, serves the built renderer on 127.0.0.1 and prints the URL to open.
Machine policy comes from /etc/enrollment-station/policy.json (root-owned) as on a Linux station.
Development only (never on a station IT manages): --cm-url sets the CM address, --policy FILE reads a
development policy (labelled so on every screen), --cm-retry-ms sets the offline probe interval and
the outbox's first back-off.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      training: { type: 'boolean', default: false },
      real: { type: 'boolean', default: false },
      'cm-url': { type: 'string' },
      'data-dir': { type: 'string' },
      policy: { type: 'string' },
      'cm-retry-ms': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port);
  const retryMs = values['cm-retry-ms'] === undefined ? null : Number(values['cm-retry-ms']);
  const badRetry = retryMs !== null && !(Number.isInteger(retryMs) && retryMs >= 50);
  if (!Number.isInteger(port) || port < 0 || port > 65535 || (values.training && values.real) || badRetry) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  // One token for the page's WebSocket and, in training, the simulator's /__sim/ admin routes.
  const token = newHostToken();
  const runtime = await startStation(
    nodeStation({
      program: 'station host',
      trainingAdminToken: token,
      dataDir: values['data-dir'],
      policy: values.policy,
      cmUrl: values['cm-url'],
      mode: values.training ? 'training' : values.real ? 'real' : undefined,
      tuning: retryMs === null ? undefined : { probeIntervalMs: retryMs, backoff: { baseMs: retryMs, maxMs: retryMs * 4, jitter: 0.2 } },
    }),
  );
  const host = await startHost({ station: runtime.station, rendererDir: join(process.cwd(), 'out', 'renderer'), port, token });
  console.log(`Enrollment Station (${runtime.mode}) — open ${host.url}`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await host.close();
    await runtime.close();
    process.exit(0);
  };
  const stopOrFail = (): void => {
    stop().catch((err: unknown) => {
      reportFailure('host: shutdown')(err);
      process.exit(1);
    });
  };
  process.on('SIGINT', stopOrFail);
  process.on('SIGTERM', stopOrFail);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
