/**
 * `npm run cm-sim -- --port N --data FILE [--host H]`: the CM simulator on its own, for trying
 * the station against it by hand and for e2e tests in other processes. The first stdout line is
 * the base URL (scripts read it); the simulator stops on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { StationError } from '../../shared/errors';
import { startCmSimulator } from '../training';
import { reportFailure } from '../common';

const USAGE = 'usage: cm-sim [--port N] [--data FILE] [--host 127.0.0.1]';

function parsePort(value: string | undefined): number {
  if (value === undefined) return 0;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new StationError('BAD_REQUEST', `--port must be 0..65535 (0 picks a free port). ${USAGE}`);
  }
  return port;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: 'string' }, data: { type: 'string' }, host: { type: 'string' } },
    strict: true,
  });
  const simulator = await startCmSimulator({
    port: parsePort(values.port),
    host: values.host ?? '127.0.0.1',
    dataFile: values.data ?? null,
  });
  process.stdout.write(`${simulator.baseUrl}\n`);
  process.stdout.write(`admin: ${simulator.adminUrl}\n`);
  // For the person or script driving it (Authorization: Bearer <token>); a new one every run.
  process.stdout.write(`admin token: ${simulator.adminToken}\n`);
  const stop = () => {
    simulator
      .close()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        reportFailure('cm-sim: close')(err);
        process.exit(1);
      });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`cm-sim: ${message}\n`);
  process.exit(1);
});
