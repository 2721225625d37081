// A real syslog receiver for tests: Debian's rsyslogd with its own configuration in a temporary
// folder, listening on a unix socket there (imuxsock, the module that serves /dev/log) and writing
// every message in RFC 5424 form to a file. Run inside native/netns-run.mjs (a private PID
// namespace: rsyslogd dies with the test run even if a test forgets to close it).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RSYSLOGD = '/usr/sbin/rsyslogd';

export interface SyslogReceiver {
  /** The socket to send to (what /dev/log is on a machine). */
  readonly socketPath: string;
  /** Every message received so far, one RFC 5424 line each. */
  lines(): string[];
  close(): Promise<void>;
}

export async function startRsyslog(): Promise<SyslogReceiver> {
  if (!existsSync(RSYSLOGD) || spawnSync(RSYSLOGD, ['-v']).status !== 0) {
    throw new Error(`${RSYSLOGD} is missing: install the Debian package rsyslog (apt-get install rsyslog)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'rsyslog-'));
  const socketPath = join(dir, 'log.sock');
  const outFile = join(dir, 'messages.log');
  const config = join(dir, 'rsyslog.conf');
  writeFileSync(
    config,
    [
      `global(workDirectory="${dir}")`,
      // Not the system socket: only ours. The ordinary parsers (RFC 5424, then 3164), as for /dev/log with structured data.
      'module(load="imuxsock" SysSock.Use="off")',
      `input(type="imuxsock" Socket="${socketPath}" UseSpecialParser="off" ParseHostname="on")`,
      `*.* action(type="omfile" file="${outFile}" template="RSYSLOG_SyslogProtocol23Format")`,
      '',
    ].join('\n'),
  );
  const pidFile = join(dir, 'rsyslogd.pid');
  const daemon = spawn(RSYSLOGD, ['-n', '-f', config, '-i', pidFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  daemon.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let exited = false;
  daemon.once('exit', () => (exited = true));
  await pollUntil(() => existsSync(socketPath) || exited, 10_000, 'rsyslogd to create its socket');
  if (exited) throw new Error(`rsyslogd did not start: ${stderr}`);
  return {
    socketPath,
    lines: () => (existsSync(outFile) ? readFileSync(outFile, 'utf8').split('\n').filter(Boolean) : []),
    async close() {
      if (!exited) {
        await new Promise<void>((done) => {
          daemon.once('exit', () => done());
          daemon.kill('SIGTERM');
        });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` every 20 ms until it holds; bounded. */
export async function pollUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 20));
  }
}
