import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface HostProcess {
  url: string;
  origin: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts `src/main/cli/host.ts` as its own process, exactly as `npm run start:host` does, and
 * resolves with the URL it prints. Output is passed through so failures are visible in the log.
 */
export function startHostProcess(args: readonly string[] = [], env: NodeJS.ProcessEnv = {}): Promise<HostProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli/host.ts', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('The station host did not print its URL within 20 s')), 20_000);
    child.once('exit', (code) => reject(new Error(`The station host exited early with code ${code}`)));
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      process.stdout.write(`[host] ${line}\n`);
      const match = /(http:\/\/127\.0\.0\.1:\d+)\/#token=\S+/.exec(line);
      if (!match) return;
      clearTimeout(timer);
      resolve({
        url: match[0],
        origin: match[1]!,
        child,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}
