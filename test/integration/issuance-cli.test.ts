// Desk issuance through the CLI on the real PC/SC stack (pcscd + vpcd + the virtual YubiKey in its
// own process) against the CM simulator, then judged by the real tools: yubico-piv-tool and OpenSC
// read the issued certificate, a PKCS#11 signature with the new PIN verifies with openssl against
// it, and `openssl verify` accepts it against the simulator's CA.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { seedGuid, startCmSimulator, type CmSimulator } from '../../src/main/training/cm-sim';
import { profilesWithArchivedKeyFor } from '../support/archived-key-profiles';
import { VPCD_READERS } from '../support/pcsc-stack';
import { insertCard, type VirtualCard } from '../support/vcard';
import { FACTORY_YUBIKEY } from '../support/vcard/catalog';
import { removeDir } from '../support/temp-dir';

const repoRoot = join(import.meta.dirname, '..', '..');
const READER = VPCD_READERS[1].name;
const ENROLL_ALICE = seedGuid('request/enroll-alice');
const ENROLL_EMIL_ARCHIVED = seedGuid('request/enroll-emil-archived-key');
const PKCS11_MODULE = '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so';
const NEW_PIN = '24681357';
const TOOLS = [
  ['yubico-piv-tool', 'yubico-piv-tool'],
  ['pkcs15-tool', 'opensc'],
  ['pkcs11-tool', 'opensc'],
  ['openssl', 'openssl'],
] as const;

let sim: CmSimulator;
let card: VirtualCard | null = null;
let work: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: readonly string[], input = ''): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(command, args, { cwd: repoRoot, timeout: 90_000, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input);
  });
}

async function ok(command: string, args: readonly string[]): Promise<string> {
  const result = await run(command, args);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

function issue(dir: string, input: string, cm: CmSimulator = sim, request: string = ENROLL_ALICE) {
  const policy = join(dir, 'policy.json');
  writeFileSync(policy, JSON.stringify({ issueAtDesk: 'offer' }));
  const args = ['--import', 'tsx', 'src/main/cli/station.ts', 'issue', '--reader', READER, '--request', request, '--pin-stdin', '--json'];
  return run(process.execPath, [...args, '--cm-url', cm.baseUrl, '--data-dir', dir, '--policy', policy, '--wait', '60'], input);
}

/** `pkcs11-tool` through OpenSC's module, logged in with `pin`, doing `operation`. */
function pkcs11(pin: string, operation: readonly string[]): string[] {
  return ['--module', PKCS11_MODULE, '--login', '--pin', pin, ...operation];
}

/** The certificate's serial number as openssl prints it (hex, without "serial="). */
async function serialOf(certFile: string, inform: 'PEM' | 'DER' = 'PEM'): Promise<string> {
  return (await ok('openssl', ['x509', '-inform', inform, '-in', certFile, '-noout', '-serial'])).trim().replace(/^serial=/, '');
}

/** `openssl verify` of the certificate against `cm`'s throw-away CA (root trusted, issuing CA untrusted): its output. */
async function verifyAgainstCa(cm: CmSimulator, dir: string, certFile: string): Promise<string> {
  const { root, issuing } = await cm.admin.caCertificates();
  writeFileSync(join(dir, 'root.pem'), root);
  writeFileSync(join(dir, 'issuing.pem'), issuing);
  return ok('openssl', ['verify', '-CAfile', join(dir, 'root.pem'), '-untrusted', join(dir, 'issuing.pem'), certFile]);
}

/** `text` encrypted to the certificate with openssl, then decrypted by the card's key `keyId` through OpenSC: what came out. */
async function roundTripThroughCard(dir: string, name: string, certFile: string, keyId: string, text: string): Promise<string> {
  const secret = join(dir, `${name}.txt`);
  const encrypted = join(dir, `${name}.enc`);
  const decrypted = join(dir, `${name}.dec`);
  writeFileSync(secret, text);
  await ok('openssl', ['pkeyutl', '-encrypt', '-certin', '-inkey', certFile, '-in', secret, '-out', encrypted]);
  await ok('pkcs11-tool', pkcs11(NEW_PIN, ['--decrypt', '--id', keyId, '-m', 'RSA-PKCS', '-i', encrypted, '-o', decrypted]));
  return ok('cat', [decrypted]);
}

beforeAll(async () => {
  for (const [tool, pkg] of TOOLS) {
    if ((await run('sh', ['-c', `command -v ${tool}`])).code !== 0) throw new Error(`${tool} is missing: install the Debian package ${pkg}`);
  }
  work = mkdtempSync(join(tmpdir(), 'issuance-cli-'));
  sim = await startCmSimulator({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  try {
    await sim.close();
  } finally {
    if (work) removeDir(work);
  }
});
afterEach(async () => {
  await card?.remove();
  card = null;
});

describe('npm run station -- issue, on the real PC/SC stack', () => {
  it('issues a factory YubiKey end to end; the real tools read, use and verify what it holds', async () => {
    card = await insertCard({ reader: 1, ...FACTORY_YUBIKEY });
    const dir = mkdtempSync(join(work, 'station-'));
    const issued = await issue(dir, `${NEW_PIN}\n`);
    expect(issued.code, `${issued.stdout}\n${issued.stderr}`).toBe(0);
    const json = JSON.parse(issued.stdout) as { exitCode: number; result: { phase: string; certificates: Array<{ slot: string; serialNumber: string }> } };
    expect(json.result.phase).toBe('done');
    expect(json.result.certificates).toHaveLength(1);
    expect(json.result.certificates[0]?.slot).toBe('9a');
    expect(issued.stdout + issued.stderr).not.toContain(NEW_PIN);

    // yubico-piv-tool reads the certificate the station wrote to 9A.
    const pem = await ok('yubico-piv-tool', ['-r', READER, '-a', 'read-certificate', '-s', '9a']);
    expect(pem).toContain('BEGIN CERTIFICATE');
    const certFile = join(dir, 'issued.pem');
    writeFileSync(certFile, pem);
    const serial = (await serialOf(certFile)).toLowerCase();
    expect(serial).toBe(json.result.certificates[0]!.serialNumber.replace(/^0+/, '').toLowerCase().padStart(serial.length, '0'));
    // OpenSC lists it too.
    expect(await ok('pkcs15-tool', ['--reader', READER, '--list-certificates'])).toContain('Certificate for PIV Authentication');

    // A signature with the user's new PIN verifies against the issued certificate.
    const data = join(dir, 'data.txt');
    const signature = join(dir, 'data.sig');
    const publicKey = join(dir, 'issued.pub');
    writeFileSync(data, 'signed with the key issued at the desk');
    await ok('pkcs11-tool', pkcs11(NEW_PIN, ['--sign', '--id', '01', '-m', 'SHA256-RSA-PKCS', '-i', data, '-o', signature]));
    writeFileSync(publicKey, await ok('openssl', ['x509', '-in', certFile, '-noout', '-pubkey']));
    expect(await ok('openssl', ['dgst', '-sha256', '-verify', publicKey, '-signature', signature, data])).toContain('Verified OK');
    // The factory PIN no longer works.
    expect((await run('pkcs11-tool', pkcs11('123456', ['--sign', '--id', '01', '-m', 'SHA256-RSA-PKCS', '-i', data, '-o', signature]))).code).not.toBe(0);

    // openssl accepts it against the simulator's throw-away CA.
    expect(await verifyAgainstCa(sim, dir, certFile)).toContain(': OK');

    // CM's word: Completed, and the card Active.
    const request = sim.admin.state().requests.find((r) => r.Uuid === ENROLL_ALICE)!;
    expect(request.Status).toBe(8);
    expect(sim.admin.state().smartcards.find((c) => c.Uuid === request.NewSmartcardUuid)?.Status).toBe(3);
    // Run again for the same request and card: it finds the issuance done, changes nothing.
    const again = await issue(dir, '');
    expect(again.code, `${again.stdout}\n${again.stderr}`).toBe(0);
    expect(sim.admin.received().filter((r) => r.method === 'POST' && r.path.includes('certificatedata'))).toHaveLength(1);
  }, 120_000);

  it('SIGKILLed mid-issuance (after CM issued, before the PIN), run again: resumes, certificatedata once, done', async () => {
    await sim.admin.reset();
    card = await insertCard({ reader: 1, ...FACTORY_YUBIKEY });
    const dir = mkdtempSync(join(work, 'killed-'));
    const policy = join(dir, 'policy.json');
    writeFileSync(policy, JSON.stringify({ issueAtDesk: 'always' }));
    const args = ['--import', 'tsx', 'src/main/cli/station.ts', 'issue', '--reader', READER, '--request', ENROLL_ALICE, '--pin-stdin', '--json'];
    // Standard input stays open and empty: the CLI waits at the hand-over, after certificatedata.
    const child = spawn(process.execPath, [...args, '--cm-url', sim.baseUrl, '--data-dir', dir, '--policy', policy, '--wait', '60'], {
      cwd: repoRoot,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    // However the test ends, no CLI outlives it: afterAll removes its data folder.
    onTestFinished(async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await gone;
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += String(chunk)));
    child.stderr.on('data', (chunk) => (output += String(chunk)));
    const issuedByCm = () => sim.admin.received().some((r) => r.method === 'POST' && r.path.includes('certificatedata'));
    const deadline = Date.now() + 60_000;
    while (!issuedByCm() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(issuedByCm(), output).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;

    const resumed = await issue(dir, `${NEW_PIN}\n`);
    expect(resumed.code, `${resumed.stdout}\n${resumed.stderr}`).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ result: { phase: 'done', certificates: [{ slot: '9a' }] } });
    expect(sim.admin.received().filter((r) => r.method === 'POST' && r.path.includes('certificatedata'))).toHaveLength(1);
    const pem = await ok('yubico-piv-tool', ['-r', READER, '-a', 'read-certificate', '-s', '9a']);
    expect(pem).toContain('BEGIN CERTIFICATE');
  }, 150_000);

  it('a key CM generates (PFX) is imported into 9D: yubico-piv-tool reads its certificate, the card decrypts with it through OpenSC', async () => {
    // Alice's request on the training template whose encryption key CM makes (profiles.json).
    const archivedSim = await startCmSimulator({
      host: '127.0.0.1',
      port: 0,
      executionProfiles: profilesWithArchivedKeyFor('b5a8351e-3ff8-542f-8ec8-7adc37cc4374'),
    });
    try {
      card = await insertCard({ reader: 1, ...FACTORY_YUBIKEY });
      const dir = mkdtempSync(join(work, 'pfx-'));
      const issued = await issue(dir, `${NEW_PIN}\n`, archivedSim);
      expect(issued.code, `${issued.stdout}\n${issued.stderr}`).toBe(0);
      const json = JSON.parse(issued.stdout) as { result: { phase: string; certificates: Array<{ slot: string; serialNumber: string; template: string }> } };
      expect(json.result.certificates.map((c) => [c.slot, c.template])).toEqual([
        ['9a', 'StationTrainingStaffLogon'],
        ['9d', 'StationTrainingStaffEncryption'],
      ]);
      const sent = archivedSim.admin.received().find((r) => r.method === 'POST' && r.path.includes('certificatedata'))!;
      const password = (JSON.parse(sent.body) as { pfxpassword: string }).pfxpassword;
      expect(issued.stdout + issued.stderr).not.toContain(password);

      const pem = await ok('yubico-piv-tool', ['-r', READER, '-a', 'read-certificate', '-s', '9d']);
      const certFile = join(dir, 'encryption.pem');
      writeFileSync(certFile, pem);
      // The PFX's certificate: the one CM issued second for this request, from the simulator's CA.
      const serial = (await serialOf(certFile)).toLowerCase();
      const serials = archivedSim.admin.state().issuances?.find((i) => i.RequestUuid === ENROLL_ALICE)?.CertificateSerials ?? [];
      expect(serial.replace(/^0+/, '')).toBe(serials[1]?.replace(/^0+/, ''));
      expect(await verifyAgainstCa(archivedSim, dir, certFile)).toContain(': OK');

      // Encrypted to the certificate with openssl, decrypted by the card's imported key (PIV key 03 = 9D in OpenSC).
      expect(await roundTripThroughCard(dir, 'secret', certFile, '03', 'only the key CM archived opens this')).toBe('only the key CM archived opens this');
    } finally {
      await archivedSim.close();
    }
  }, 150_000);

  it('key history: Emil’s earlier archived key goes into retired slot 82; yubico-piv-tool and OpenSC list it, the card decrypts with it through OpenSC', async () => {
    // The training directory as it is: Emil's Enroll on the archived-key template, her earlier encryption key archived by the CA.
    const historySim = await startCmSimulator({ host: '127.0.0.1', port: 0 });
    try {
      card = await insertCard({ reader: 1, ...FACTORY_YUBIKEY });
      const dir = mkdtempSync(join(work, 'key-history-'));
      const issued = await issue(dir, `${NEW_PIN}\n`, historySim, ENROLL_EMIL_ARCHIVED);
      expect(issued.code, `${issued.stdout}\n${issued.stderr}`).toBe(0);
      const json = JSON.parse(issued.stdout) as { result: { phase: string; certificates: Array<{ slot: string; serialNumber: string; template: string }> } };
      expect(json.result.certificates.map((c) => c.slot)).toEqual(['9a', '9d', '82']);

      // yubico-piv-tool: the status lists the retired slot's certificate, and reads it.
      const status = await ok('yubico-piv-tool', ['-r', READER, '-a', 'status']);
      expect(status).toMatch(/Slot 82:/);
      const pem = await ok('yubico-piv-tool', ['-r', READER, '-a', 'read-certificate', '-s', '82']);
      const certFile = join(dir, 'earlier.pem');
      writeFileSync(certFile, pem);
      const serial = await serialOf(certFile);
      const earlier = historySim.admin.state().archivedKeys?.find((k) => k.RequestUuid === '00000000-0000-0000-0000-000000000000');
      writeFileSync(join(dir, 'archived.der'), Buffer.from(earlier!.Certificate!, 'base64'));
      expect(serial).toBe(await serialOf(join(dir, 'archived.der'), 'DER'));

      // OpenSC reads the Key History object (5FC10C) and lists the retired certificate (PIV key 05 = slot 82).
      const listed = await ok('pkcs15-tool', ['--reader', READER, '--list-certificates']);
      expect(listed).toMatch(/X\.509 Certificate \[Retired Certificate for Key Management 1\][^\n]*\n(?:\t[^\n]*\n)*?\tID\s+: 05\n/);

      // Encrypted to the earlier certificate with openssl, decrypted by the recovered key on the card.
      expect(await roundTripThroughCard(dir, 'old-mail', certFile, '05', 'mail sent to the key of an earlier card')).toBe(
        'mail sent to the key of an earlier card',
      );
    } finally {
      await historySim.close();
    }
  }, 150_000);
});
