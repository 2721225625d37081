// The virtual YubiKey PIV card judged by the real tools (Debian's yubico-piv-tool 2.2.0 and OpenSC
// 0.23) over real pcscd + vpcd: what they read, generate, import, change and sign must work as on a
// YubiKey 5 below firmware 5.7, and a 5.7 card's AES management key must refuse 3DES as a YubiKey does.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VPCD_READERS } from '../support/pcsc-stack';
import { insertCard, type CardBehaviour, type VirtualCard } from '../support/vcard';
import { FACTORY_YUBIKEY, YUBIKEY_57_AES } from '../support/vcard/catalog';

const READER = VPCD_READERS[1].name;
const PKCS11_MODULE = '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so';
const FACTORY_KEY = '010203040506070801020304050607080102030405060708';

/** Each tool and the Debian package that brings it: a missing one fails the suite by name. */
const TOOLS = [
  ['yubico-piv-tool', 'yubico-piv-tool'],
  ['pkcs15-tool', 'opensc'],
  ['pkcs11-tool', 'opensc'],
  ['opensc-tool', 'opensc'],
  ['openssl', 'openssl'],
] as const;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let work: string;
let card: VirtualCard | null = null;
/** OpenSC with its file cache off: every read goes to the card. */
let env: NodeJS.ProcessEnv;

function run(command: string, args: readonly string[], input?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(command, args, { env, timeout: 20_000, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    // A tool may exit before reading its input: that is its answer, not a test error.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input ?? '');
  });
}

/** Runs a tool that must succeed; the failure message carries its output. */
async function ok(command: string, args: readonly string[], input?: string): Promise<string> {
  const result = await run(command, args, input);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout + result.stderr;
}

const piv = (...args: string[]) => ['-r', READER, ...args];

/**
 * Waits until pcscd shows the reader with or without a card. It polls each vpcd slot about every
 * 400 ms (pcsc.md), so a card swapped faster than that would reach the next tool as a reset card.
 */
async function readerShows(present: boolean): Promise<void> {
  const deadline = Date.now() + 3_000;
  for (;;) {
    const listed = await run('opensc-tool', ['--list-readers']);
    const line = listed.stdout.split('\n').find((l) => l.includes(READER));
    if (line && /\bYes\b/.test(line) === present) return;
    if (Date.now() > deadline) throw new Error(`${READER} never showed ${present ? 'a' : 'no'} card:\n${listed.stdout}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function insert(behaviour: CardBehaviour, atr: string = FACTORY_YUBIKEY.atr): Promise<VirtualCard> {
  card = await insertCard({ reader: 1, atr, behaviour });
  await readerShows(true);
  return card;
}

/** A throw-away test CA, and a certificate from it for a public key the card generated. */
async function certify(publicKeyPem: string, name: string): Promise<string> {
  const pub = join(work, `${name}.pub.pem`);
  const cert = join(work, `${name}.cert.pem`);
  writeFileSync(pub, publicKeyPem);
  await ok('openssl', [
    'x509', '-new', '-force_pubkey', pub, '-subj', `/CN=${name}`, '-days', '30',
    '-CA', join(work, 'ca.pem'), '-CAkey', join(work, 'ca.key'), '-out', cert,
  ]);
  return cert;
}

beforeAll(async () => {
  for (const [tool, pkg] of TOOLS) {
    const found = await run('sh', ['-c', `command -v ${tool}`]);
    if (found.code !== 0) throw new Error(`${tool} is missing: apt-get install ${pkg}`);
  }
  if (!existsSync(PKCS11_MODULE)) throw new Error(`${PKCS11_MODULE} is missing: apt-get install opensc-pkcs11`);
  work = mkdtempSync(join(tmpdir(), 'piv-tools-'));
  writeFileSync(join(work, 'opensc.conf'), 'app default {\n  framework pkcs15 {\n    use_file_caching = no;\n  }\n}\n');
  env = { ...process.env, OPENSC_CONF: join(work, 'opensc.conf'), HOME: work };
  await ok('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=Throw-away test CA',
    '-days', '30', '-keyout', join(work, 'ca.key'), '-out', join(work, 'ca.pem'),
  ]);
});

afterEach(async () => {
  if (!card) return;
  // PIV_CARD_TRACE=1 prints every command the tools sent that the card did not answer 9000 (what a tool probes for).
  if (process.env.PIV_CARD_TRACE) {
    for (const m of card.log) if (m.type === 'apdu' && !m.response?.endsWith('9000')) console.log(`${m.command.slice(0, 40)} -> ${m.response?.slice(-4)}`);
  }
  await card.remove();
  card = null;
  await readerShows(false);
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('yubico-piv-tool and OpenSC against the virtual YubiKey', () => {
  it('status of a factory card: version, serial, no CHUID, no CCC, 3 PIN tries', async () => {
    await insert(FACTORY_YUBIKEY.behaviour);
    const out = await ok('yubico-piv-tool', piv('-a', 'status'));
    expect(out).toContain('Version:\t5.4.3');
    expect(out).toContain('Serial Number:\t12345678');
    expect(out).toMatch(/CHUID:\tNo data available/);
    expect(out).toMatch(/CCC:\tNo data available/);
    expect(out).toContain('PIN tries left:\t3');
  });

  it('generates RSA-2048 (9A) and P-256 (9C), imports certificates from a test CA; OpenSC lists them and signs', async () => {
    await insert(FACTORY_YUBIKEY.behaviour);
    const rsaPub = await ok('yubico-piv-tool', piv('-a', 'generate', '-s', '9a', '-A', 'RSA2048'));
    const rsaCert = await certify(rsaPub.slice(rsaPub.indexOf('-----BEGIN')), 'Alice Authentication');
    await ok('yubico-piv-tool', piv('-a', 'import-certificate', '-s', '9a', '-i', rsaCert));
    const ecPub = await ok('yubico-piv-tool', piv('-a', 'generate', '-s', '9c', '-A', 'ECCP256'));
    const ecCert = await certify(ecPub.slice(ecPub.indexOf('-----BEGIN')), 'Alice Signature');
    await ok('yubico-piv-tool', piv('-a', 'import-certificate', '-s', '9c', '-i', ecCert));

    const status = await ok('yubico-piv-tool', piv('-a', 'status'));
    expect(status).toMatch(/Slot 9a:\s+Algorithm:\s+RSA2048\s+Subject DN:\s+CN=Alice Authentication/);
    expect(status).toMatch(/Slot 9c:\s+Algorithm:\s+ECCP256\s+Subject DN:\s+CN=Alice Signature/);

    // OpenSC's PIV emulation names each certificate by its slot, with the serial the CA gave it.
    const listed = await ok('pkcs15-tool', ['--reader', READER, '--list-certificates']);
    for (const [label, id, cert] of [['PIV Authentication', '01', rsaCert], ['Digital Signature', '02', ecCert]] as const) {
      const serial = (await ok('openssl', ['x509', '-in', cert, '-noout', '-serial'])).trim().replace(/^serial=/, '');
      const entry = listed.split('X.509 Certificate [').find((e) => e.startsWith(`Certificate for ${label}]`)) ?? '';
      expect(entry).toMatch(new RegExp(`ID\\s+: ${id}\\n`));
      expect(entry).toMatch(new RegExp(`Encoded serial : 02 [0-9A-F]{2} ${serial}\\n`));
      const read = await ok('pkcs15-tool', ['--reader', READER, '--read-certificate', id]);
      expect(read.slice(read.indexOf('-----BEGIN')).trim()).toBe(readFileSync(cert, 'utf8').trim());
    }

    const data = join(work, 'data.txt');
    writeFileSync(data, 'signed on the virtual card');
    const rsaSig = join(work, 'rsa.sig');
    await ok('pkcs11-tool', ['--module', PKCS11_MODULE, '--login', '--pin', '123456', '--sign', '--id', '01', '-m', 'SHA256-RSA-PKCS', '-i', data, '-o', rsaSig]);
    const rsaKey = join(work, 'rsa-from-cert.pem');
    writeFileSync(rsaKey, await ok('openssl', ['x509', '-in', rsaCert, '-noout', '-pubkey']));
    expect(await ok('openssl', ['dgst', '-sha256', '-verify', rsaKey, '-signature', rsaSig, data])).toContain('Verified OK');

    // 9C is PIN-always: pkcs11-tool logs in again right before the signature (CKA_ALWAYS_AUTHENTICATE).
    const ecSig = join(work, 'ec.sig');
    await ok('pkcs11-tool', [
      '--module', PKCS11_MODULE, '--login', '--pin', '123456', '--sign', '--id', '02', '-m', 'ECDSA-SHA256', '--signature-format', 'openssl', '-i', data, '-o', ecSig,
    ]);
    const ecKey = join(work, 'ec-from-cert.pem');
    writeFileSync(ecKey, await ok('openssl', ['x509', '-in', ecCert, '-noout', '-pubkey']));
    expect(await ok('openssl', ['dgst', '-sha256', '-verify', ecKey, '-signature', ecSig, data])).toContain('Verified OK');
    // A signature from elsewhere does not verify: the check above could fail.
    writeFileSync(data, 'something else');
    expect((await run('openssl', ['dgst', '-sha256', '-verify', rsaKey, '-signature', rsaSig, data])).code).not.toBe(0);
  });

  it('verify-pin, change-pin, change-puk and unblock-pin keep their counters as a YubiKey does', async () => {
    await insert(FACTORY_YUBIKEY.behaviour);
    expect(await ok('yubico-piv-tool', piv('-a', 'verify-pin', '-P', '123456'))).toContain('Successfully verified PIN');
    await ok('yubico-piv-tool', piv('-a', 'change-pin', '-P', '123456', '-N', '654321'));
    const wrong = await run('yubico-piv-tool', piv('-a', 'verify-pin', '-P', '123456'));
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/2 tries left/);
    expect(await ok('yubico-piv-tool', piv('-a', 'status'))).toContain('PIN tries left:\t2');
    await ok('yubico-piv-tool', piv('-a', 'change-puk', '-P', '12345678', '-N', '87654321'));
    const oldPuk = await run('yubico-piv-tool', piv('-a', 'unblock-pin', '-P', '12345678', '-N', '111111'));
    expect(oldPuk.code).not.toBe(0);
    await ok('yubico-piv-tool', piv('-a', 'unblock-pin', '-P', '87654321', '-N', '111111'));
    expect(await ok('yubico-piv-tool', piv('-a', 'verify-pin', '-P', '111111'))).toContain('Successfully verified PIN');
    expect(await ok('yubico-piv-tool', piv('-a', 'status'))).toContain('PIN tries left:\t3');
  });

  it('set-mgm-key (3DES): the new key authenticates afterwards, the old one no longer does', async () => {
    const next = '0f0e0d0c0b0a09080706050403020100f1f2f3f4f5f6f7f8';
    const inserted = await insert(FACTORY_YUBIKEY.behaviour);
    await ok('yubico-piv-tool', piv('-a', 'set-mgm-key', '-n', next));
    const refused = await run('yubico-piv-tool', piv('-a', 'set-chuid'));
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('Failed authentication with the application');
    await ok('yubico-piv-tool', piv('-a', 'set-chuid', `--key=${next}`));
    expect(await ok('yubico-piv-tool', piv('-a', 'status'))).toMatch(/CHUID:\t3019d4e739da739ced39ce739d836858210842108421c84210c3eb34/);
    // yubico-piv-tool authenticates mutually (witness 80, then 80 + 81): the card answered both forms.
    const commands = inserted.log.flatMap((m) => (m.type === 'apdu' ? [`${m.command}>${m.response ?? ''}`] : []));
    expect(commands.some((c) => c.startsWith('0087039b047c028000>7c0a8008'))).toBe(true);
  });

  it('a 5.7 card (AES-192 management key) refuses the 3DES authentication with 6A80, as a YubiKey does', async () => {
    const inserted = await insert(YUBIKEY_57_AES.behaviour);
    expect(await ok('yubico-piv-tool', piv('-a', 'status'))).toContain('Version:\t5.7.1');
    const refused = await run('yubico-piv-tool', piv('-a', 'set-chuid', `--key=${FACTORY_KEY}`));
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('Failed authentication with the application');
    const answer = inserted.log.find((m) => m.type === 'apdu' && m.command.startsWith('0087039b'));
    expect(answer).toMatchObject({ type: 'apdu', response: '6a80' });
  });
});
