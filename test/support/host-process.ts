import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface HostProcess {
  url: string;
  origin: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

const hasExited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/** Resolves once `child` has exited (at once if it already has). */
function exited(child: ChildProcess): Promise<void> {
  return new Promise<void>((done) => {
    if (hasExited(child)) return done();
    child.once('exit', () => done());
  });
}

/**
 * Starts `src/main/cli/host.ts` as its own process, exactly as `npm run start:host` does, and
 * resolves with the URL it prints. Output is passed through so failures are visible in the log.
 * If it does not print its URL in time, it is killed and has exited before the promise rejects.
 */
export function startHostProcess(args: readonly string[] = [], env: NodeJS.ProcessEnv = {}): Promise<HostProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli/host.ts', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
      void exited(child).then(() => reject(new Error('The station host did not print its URL within 20 s')));
    }, 20_000);
    child.once('exit', (code) => {
      if (timedOut) return;
      clearTimeout(timer);
      reject(new Error(`The station host exited early with code ${code}`));
    });
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      process.stdout.write(`[host] ${line}\n`);
      const match = /(http:\/\/127\.0\.0\.1:\d+)\/#token=\S+/.exec(line);
      if (!match || timedOut) return;
      clearTimeout(timer);
      resolve({
        url: match[0],
        origin: match[1]!,
        child,
        stop: () => {
          const gone = exited(child);
          if (!hasExited(child)) child.kill('SIGTERM');
          return gone;
        },
      });
    });
  });
}

/**
 * A host on a data folder of its own, made fresh in the system temp folder (`prefix`, e.g.
 * 'e2e-training-') and passed as --data-dir. `prepare` may put files in the folder before the host
 * starts and returns the host's other arguments. `stop` waits for the host's exit, then removes the
 * folder; a host that fails to start is gone before its folder is removed.
 */
export async function startHostWithDataDir(
  prefix: string,
  prepare: (dataDir: string) => readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<HostProcess & { dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const removeDataDir = () => rmSync(dataDir, { recursive: true, force: true });
  try {
    const host = await startHostProcess(['--data-dir', dataDir, ...prepare(dataDir)], env);
    return {
      ...host,
      dataDir,
      async stop() {
        try {
          await host.stop();
        } finally {
          removeDataDir();
        }
      },
    };
  } catch (err) {
    removeDataDir();
    throw err;
  }
}
