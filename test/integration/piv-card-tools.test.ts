// The virtual YubiKey PIV card judged by the real tools (Debian's yubico-piv-tool 2.2.0 and OpenSC
// 0.23) over real pcscd + vpcd: what they read, generate, import, change and sign must work as on a
// YubiKey 5 below firmware 5.7, and a 5.7 card's AES management key must refuse 3DES as a YubiKey does.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VPCD_READERS } from '../support/pcsc-stack';
import { openPivTools, type PivTools } from '../support/piv-tools';
import { insertCard, type CardBehaviour, type VirtualCard } from '../support/vcard';
import { FACTORY_YUBIKEY, YUBIKEY_57_AES } from '../support/vcard/catalog';

const READER = VPCD_READERS[1].name;
const FACTORY_KEY = '010203040506070801020304050607080102030405060708';

let tools: PivTools;
let card: VirtualCard | null = null;

const run = (command: string, args: readonly string[]) => tools.run(command, args);
const ok = (command: string, args: readonly string[]) => tools.ok(command, args);
const piv = (...args: string[]) => tools.piv(...args);
const readerShows = (present: boolean) => tools.readerShows(present);
const certify = (publicKeyPem: string, commonName: string) => tools.certify(publicKeyPem, commonName);

async function insert(behaviour: CardBehaviour, atr: string = FACTORY_YUBIKEY.atr): Promise<VirtualCard> {
  card = await insertCard({ reader: 1, atr, behaviour });
  await readerShows(true);
  return card;
}

beforeAll(async () => {
  tools = await openPivTools(READER);
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

afterAll(() => tools?.dispose());

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
    const rsaCert = await certify(rsaPub, 'Alice Authentication');
    await ok('yubico-piv-tool', piv('-a', 'import-certificate', '-s', '9a', '-i', rsaCert));
    const ecPub = await ok('yubico-piv-tool', piv('-a', 'generate', '-s', '9c', '-A', 'ECCP256'));
    const ecCert = await certify(ecPub, 'Alice Signature');
    await ok('yubico-piv-tool', piv('-a', 'import-certificate', '-s', '9c', '-i', ecCert));

    const status = await ok('yubico-piv-tool', piv('-a', 'status'));
    expect(status).toMatch(/Slot 9a:\s+Algorithm:\s+RSA2048\s+Subject DN:\s+CN=Alice Authentication/);
    expect(status).toMatch(/Slot 9c:\s+Algorithm:\s+ECCP256\s+Subject DN:\s+CN=Alice Signature/);

    // OpenSC's PIV emulation names each certificate by its slot, with the serial the CA gave it.
    const listed = await ok('pkcs15-tool', ['--reader', READER, '--list-certificates']);
    for (const [label, id, cert] of [
      ['PIV Authentication', '01', rsaCert],
      ['Digital Signature', '02', ecCert],
    ] as const) {
      const serial = (await ok('openssl', ['x509', '-in', cert, '-noout', '-serial'])).trim().replace(/^serial=/, '');
      const entry = listed.split('X.509 Certificate [').find((e) => e.startsWith(`Certificate for ${label}]`)) ?? '';
      expect(entry).toMatch(new RegExp(`ID\\s+: ${id}\\n`));
      expect(entry).toMatch(new RegExp(`Encoded serial : 02 [0-9A-F]{2} ${serial}\\n`));
      const read = await ok('pkcs15-tool', ['--reader', READER, '--read-certificate', id]);
      expect(read.slice(read.indexOf('-----BEGIN')).trim()).toBe(readFileSync(cert, 'utf8').trim());
    }

    const data = join(tools.workDir, 'data.txt');
    writeFileSync(data, 'signed on the virtual card');
    const rsaSig = join(tools.workDir, 'rsa.sig');
    await tools.pkcs11Sign({ id: '01', mechanism: 'SHA256-RSA-PKCS', pin: '123456', input: data, output: rsaSig });
    const rsaKey = await tools.publicKeyOf(rsaCert);
    expect(await ok('openssl', ['dgst', '-sha256', '-verify', rsaKey, '-signature', rsaSig, data])).toContain('Verified OK');

    // 9C is PIN-always: pkcs11-tool logs in again right before the signature (CKA_ALWAYS_AUTHENTICATE).
    const ecSig = join(tools.workDir, 'ec.sig');
    await tools.pkcs11Sign({ id: '02', mechanism: 'ECDSA-SHA256', pin: '123456', input: data, output: ecSig, extra: ['--signature-format', 'openssl'] });
    const ecKey = await tools.publicKeyOf(ecCert);
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

  it('is the same card when pulled and put back: keys, objects and PIN counters are in its EEPROM', async () => {
    const inserted = await insert(FACTORY_YUBIKEY.behaviour);
    await ok('yubico-piv-tool', piv('-a', 'set-chuid'));
    const before = await ok('yubico-piv-tool', piv('-a', 'status'));
    await run('yubico-piv-tool', piv('-a', 'verify-pin', '-P', '000000'));
    await inserted.pull();
    await readerShows(false);
    await inserted.reinsert();
    await readerShows(true);
    const after = await ok('yubico-piv-tool', piv('-a', 'status'));
    const chuid = (text: string) => /CHUID:\t(\w+)/.exec(text)?.[1];
    expect(chuid(before)).toMatch(/^3019/);
    expect(chuid(after)).toBe(chuid(before));
    expect(after).toContain('PIN tries left:\t2');
  });

  it("passes yubico-piv-tool's own checks: test-signature (RSA 9A, EC 9E), test-decipher (ECDH 9D), pin-retries, delete-certificate", async () => {
    await insert(FACTORY_YUBIKEY.behaviour);
    const certs: Record<string, string> = {};
    for (const [slot, algorithm] of [
      ['9a', 'RSA2048'],
      ['9d', 'ECCP256'],
      ['9e', 'ECCP256'],
    ] as const) {
      const pub = await ok('yubico-piv-tool', piv('-a', 'generate', '-s', slot, '-A', algorithm));
      certs[slot] = await certify(pub, `Slot ${slot}`);
      await ok('yubico-piv-tool', piv('-a', 'import-certificate', '-s', slot, '-i', certs[slot]));
    }
    expect(await ok('yubico-piv-tool', piv('-a', 'verify-pin', '-P', '123456', '-a', 'test-signature', '-s', '9a', '-i', certs['9a']!))).toContain(
      'Successful RSA verification',
    );
    // 9E (card authentication) signs without a PIN.
    expect(await ok('yubico-piv-tool', piv('-a', 'test-signature', '-s', '9e', '-i', certs['9e']!))).toContain('Successful ECDSA verification');
    expect(await ok('yubico-piv-tool', piv('-a', 'verify-pin', '-P', '123456', '-a', 'test-decipher', '-s', '9d', '-i', certs['9d']!))).toContain(
      'Successfully performed ECDH exchange with card',
    );
    // Without the PIN, 9D refuses.
    expect((await run('yubico-piv-tool', piv('-a', 'test-decipher', '-s', '9d', '-i', certs['9d']!))).code).not.toBe(0);

    await ok('yubico-piv-tool', piv('-a', 'verify-pin', '-P', '123456', '-a', 'pin-retries', '--pin-retries', '5', '--puk-retries', '4'));
    expect(await ok('yubico-piv-tool', piv('-a', 'status'))).toContain('PIN tries left:\t5');
    await ok('yubico-piv-tool', piv('-a', 'delete-certificate', '-s', '9a'));
    const status = await ok('yubico-piv-tool', piv('-a', 'status'));
    expect(status).not.toContain('Slot 9a:');
    expect(status).toContain('Slot 9d:');
  });

  it('imports private keys made elsewhere (import-key: RSA-2048 to 9D, P-256 to 9C) and uses them', async () => {
    await insert(FACTORY_YUBIKEY.behaviour);
    for (const [slot, genpkey, check, success] of [
      ['9d', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'], 'test-decipher', 'Successfully performed RSA decryption'],
      ['9c', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'], 'test-signature', 'Successful ECDSA verification'],
    ] as const) {
      const key = join(tools.workDir, `imported-${slot}.key`);
      await ok('openssl', ['genpkey', ...genpkey, '-out', key]);
      const pub = await ok('openssl', ['pkey', '-in', key, '-pubout']);
      const cert = await certify(pub, `Imported ${slot}`);
      await ok('yubico-piv-tool', piv('-a', 'import-key', '-s', slot, '-i', key));
      await ok('yubico-piv-tool', piv('-a', 'import-certificate', '-s', slot, '-i', cert));
      expect(await ok('yubico-piv-tool', piv('-a', 'verify-pin', '-P', '123456', '-a', check, '-s', slot, '-i', cert))).toContain(success);
    }
  });

  it('retired key management slots (82, 83) and the Key History object 5FC10C: yubico-piv-tool imports and uses them, OpenSC lists what the object counts', async () => {
    await insert(FACTORY_YUBIKEY.behaviour);
    const certs: Record<string, string> = {};
    for (const slot of ['82', '83']) {
      const key = join(tools.workDir, `retired-${slot}.key`);
      await ok('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', key]);
      certs[slot] = await certify(await ok('openssl', ['pkey', '-in', key, '-pubout']), `Earlier key ${slot}`);
      await ok('yubico-piv-tool', piv('-a', 'import-key', '-s', slot, '-i', key));
      await ok('yubico-piv-tool', piv('-a', 'import-certificate', '-s', slot, '-i', certs[slot]));
    }
    expect(await ok('yubico-piv-tool', piv('-a', 'verify-pin', '-P', '123456', '-a', 'test-decipher', '-s', '82', '-i', certs['82']!))).toContain(
      'Successfully performed RSA decryption',
    );
    const status = await ok('yubico-piv-tool', piv('-a', 'status'));
    expect(status).toContain('Slot 82:');
    expect(status).toContain('Slot 83:');
    const retired = (listed: string) => [...listed.matchAll(/\[Retired Certificate for Key Management (\d+)\]/g)].map((m) => m[1]);
    // OpenSC looks at the retired objects only as far as the Key History object counts them (card-piv.c
    // piv_process_history): without it, none is listed, which is why the station writes it.
    expect(retired(await ok('pkcs15-tool', ['--reader', READER, '--list-certificates']))).toEqual([]);
    // The Key History object as the station writes it: 53 { C1 02, C2 00, FE 00 } (SP 800-73-4 part 1 §3.3.2).
    const history = join(tools.workDir, 'key-history.hex');
    writeFileSync(history, 'c10102c20100fe00');
    await ok('yubico-piv-tool', piv('-a', 'write-object', '--id', '0x5fc10c', '-f', 'hex', '-i', history));
    expect((await ok('yubico-piv-tool', piv('-a', 'read-object', '--id', '0x5fc10c', '-f', 'hex'))).trim().toLowerCase()).toContain('c10102c20100fe00');
    const after = retired(await ok('pkcs15-tool', ['--reader', READER, '--list-certificates']));
    expect(after).toEqual(['1', '2']);
  });
});
