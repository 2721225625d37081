// The real PIV tools (Debian's yubico-piv-tool, OpenSC's pkcs15-tool / pkcs11-tool / opensc-tool,
// openssl) pointed at one vpcd reader, for tests that let real tools judge a card: the virtual
// YubiKey itself, or a card the station has just issued. Each run gets a work folder with a
// throw-away test CA and an OpenSC configuration whose file cache is off (every read hits the card).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const OPENSC_PKCS11_MODULE = '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so';

/** Each tool and the Debian package that brings it: a missing one fails by name. */
const TOOLS = [
  ['yubico-piv-tool', 'yubico-piv-tool'],
  ['pkcs15-tool', 'opensc'],
  ['pkcs11-tool', 'opensc'],
  ['opensc-tool', 'opensc'],
  ['openssl', 'openssl'],
] as const;

export interface ToolRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface PivTools {
  readonly reader: string;
  readonly workDir: string;
  /** The throw-away test CA's certificate (PEM file). */
  readonly caCertificate: string;
  /** Runs a tool; never rejects (the exit code is in the result). */
  run(command: string, args: readonly string[], input?: string): Promise<ToolRun>;
  /** Runs a tool that must succeed: stdout + stderr, or an error carrying both. */
  ok(command: string, args: readonly string[], input?: string): Promise<string>;
  /** yubico-piv-tool's arguments for this reader. */
  piv(...args: string[]): string[];
  /** Waits until pcscd shows the reader with (or without) a card, so the next tool sees a settled card. */
  readerShows(present: boolean): Promise<void>;
  /** A certificate from the test CA for a public key (PEM text), e.g. one the card generated: the PEM file's path. */
  certify(publicKeyPem: string, commonName: string): Promise<string>;
  /** The public key (PEM file path) of a certificate file. */
  publicKeyOf(certificatePath: string): Promise<string>;
  /**
   * pkcs11-tool signs `input` into `output` with the key of PKCS#15 id `id` (OpenSC's PIV ids: 01 =
   * 9A, 02 = 9C, 03 = 9D, 04 = 9E) after logging in with `pin`; 9C's PIN-always re-login is its own.
   */
  pkcs11Sign(options: { id: string; mechanism: string; pin: string; input: string; output: string; extra?: readonly string[] }): Promise<void>;
  dispose(): void;
}

export async function openPivTools(reader: string): Promise<PivTools> {
  const workDir = mkdtempSync(join(tmpdir(), 'piv-tools-'));
  writeFileSync(join(workDir, 'opensc.conf'), 'app default {\n  framework pkcs15 {\n    use_file_caching = no;\n  }\n}\n');
  const env = { ...process.env, OPENSC_CONF: join(workDir, 'opensc.conf'), HOME: workDir };
  const caKey = join(workDir, 'ca.key');
  const caCertificate = join(workDir, 'ca.pem');
  let serial = 0;

  const run = (command: string, args: readonly string[], input?: string): Promise<ToolRun> =>
    new Promise((resolve) => {
      const child = execFile(command, args, { env, timeout: 20_000, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      });
      // A tool may exit before reading its input: that is its answer, not a test error.
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(input ?? '');
    });

  const ok = async (command: string, args: readonly string[], input?: string): Promise<string> => {
    const result = await run(command, args, input);
    if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
    return result.stdout + result.stderr;
  };

  try {
    for (const [tool, pkg] of TOOLS) {
      if ((await run('sh', ['-c', `command -v ${tool}`])).code !== 0) throw new Error(`${tool} is missing: apt-get install ${pkg}`);
    }
    if (!existsSync(OPENSC_PKCS11_MODULE)) throw new Error(`${OPENSC_PKCS11_MODULE} is missing: apt-get install opensc-pkcs11`);
    const subject = ['-subj', '/CN=Throw-away test CA', '-days', '30'];
    const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    await ok('openssl', ['req', '-x509', ...newKey, ...subject, '-keyout', caKey, '-out', caCertificate]);
  } catch (err) {
    rmSync(workDir, { recursive: true, force: true });
    throw err;
  }

  return {
    reader,
    workDir,
    caCertificate,
    run,
    ok,
    piv: (...args) => ['-r', reader, ...args],
    async readerShows(present) {
      // pcscd polls each vpcd slot about every 400 ms (pcsc.md): a card swapped faster than that
      // would reach the next tool as a reset card.
      const deadline = Date.now() + 3_000;
      for (;;) {
        const listed = await run('opensc-tool', ['--list-readers']);
        const line = listed.stdout.split('\n').find((l) => l.includes(reader));
        if (line && /\bYes\b/.test(line) === present) return;
        if (Date.now() > deadline) throw new Error(`${reader} never showed ${present ? 'a' : 'no'} card:\n${listed.stdout}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async certify(publicKeyPem, commonName) {
      serial += 1;
      const pub = join(workDir, `subject-${serial}.pub.pem`);
      const cert = join(workDir, `subject-${serial}.cert.pem`);
      writeFileSync(pub, publicKeyPem.slice(publicKeyPem.indexOf('-----BEGIN')));
      // Debian 12's yubico-piv-tool cannot self-sign with OpenSSL 3 (upstream issue 388): openssl makes it.
      const subject = ['-subj', `/CN=${commonName}`, '-days', '30'];
      await ok('openssl', ['x509', '-new', '-force_pubkey', pub, ...subject, '-CA', caCertificate, '-CAkey', caKey, '-out', cert]);
      return cert;
    },
    async publicKeyOf(certificatePath) {
      const out = join(workDir, `pubkey-${(serial += 1)}.pem`);
      writeFileSync(out, await ok('openssl', ['x509', '-in', certificatePath, '-noout', '-pubkey']));
      return out;
    },
    async pkcs11Sign({ id, mechanism, pin, input, output, extra = [] }) {
      const login = ['--module', OPENSC_PKCS11_MODULE, '--login', '--pin', pin];
      await ok('pkcs11-tool', [...login, '--sign', '--id', id, '-m', mechanism, ...extra, '-i', input, '-o', output]);
    },
    dispose() {
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
