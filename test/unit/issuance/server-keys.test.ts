// Keys CM generates (get-certificate-responses.md: isServerGenerated, Pfx, protected with the
// request's pfxpassword): imported into the card, the password in memory only, and what a crash
// on either side of the import leaves.
import { describe, expect, it } from 'vitest';
import { openedKeys } from './fakes';
import { callIndex, finished, World } from './harness';

function world(serverKeys = [1]): World {
  const w = new World();
  // One key made on the card (logon, both uses: 9A) and one CM makes for decryption.
  w.cm.behaviour.options = [w.cm.behaviour.options[0]!];
  w.cm.behaviour.serverKeys = serverKeys;
  return w;
}

describe('a key CM generates (PFX)', () => {
  it('is imported into 9D (decryption) next to the card key in 9A, its certificate written there, the password never on disk, the key zeroed', async () => {
    const w = world();
    const before = openedKeys.length;
    const result = await finished(w);
    expect(result.phase, JSON.stringify(result.error)).toBe('done');
    expect(result.writes.map((write) => [write.slot, write.imported, write.certificate.template, write.state])).toEqual([
      ['9a', false, 'T0', 'written'],
      ['9d', true, 'S0', 'written'],
    ]);
    expect(w.card.keys.get('9d')!.publicKey.toString()).toBe(`imported:${Buffer.from('server-key-0').toString('hex')}`);
    expect(JSON.parse(w.card.certificates.get('9d')!.toString())).toMatchObject({ serial: '500' });
    // The 9A key is the card's own, untouched by the import.
    expect(w.card.keys.get('9a')!.publicKey.toString()).toMatch(/^rsa2048:9a:/);
    const [password] = w.cm.pfxPasswords;
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(JSON.stringify(w.disk)).not.toContain(password);
    // The password has no use left once imported.
    expect(w.pfxPasswords.size).toBe(0);
    const handedOut = openedKeys.slice(before);
    expect(handedOut).toHaveLength(1);
    expect(handedOut[0]!.every((byte) => byte === 0)).toBe(true);
  });

  it('takes the next free slot when the card key already holds the one its uses ask for', async () => {
    const w = new World();
    // Card keys in 9A (both uses) and 9D (decryption only); CM's decryption key then goes to 9C.
    w.cm.behaviour.options = [w.cm.behaviour.options[0]!, { ...w.cm.behaviour.options[0]!, friendlyName: 'Encryption', keyUsages: 1 }];
    w.cm.behaviour.serverKeys = [1];
    const result = await finished(w);
    expect(result.phase).toBe('done');
    expect(result.writes.map((write) => [write.slot, write.imported])).toEqual([
      ['9a', false],
      ['9d', false],
      ['9c', true],
    ]);
    expect(w.card.keys.get('9d')!.publicKey.toString()).toMatch(/^rsa2048:9d:/);
  });

  it('a PFX that does not open with the password sent: failed, ISSUANCE_BAD_PFX, nothing imported', async () => {
    const w = world();
    w.cm.behaviour.pfxWrongPassword = true;
    const result = await finished(w);
    expect(result.phase).toBe('failed');
    expect(result.error?.code).toBe('ISSUANCE_BAD_PFX');
    expect(w.card.keys.has('9d')).toBe(false);
    expect(w.cm.certificateCalls).toBe(1);
  });

  it('a crash after the answer is on disk but before the import: the password is gone, so a person is needed (reason pfx-password-lost), CM is not asked again', async () => {
    const at = await callIndex(world, 'card.importKey');
    const w = world();
    w.faults.fault = { at, when: 'before', kind: 'crash' };
    expect(await w.run()).toBe('crashed');
    expect(w.disk.certificateData.state).toBe('answered');
    const resumed = await finished(w);
    expect(resumed.phase).toBe('failed');
    expect(resumed.error).toMatchObject({ code: 'ISSUANCE_NEEDS_PERSON', params: { reason: 'pfx-password-lost' } });
    expect(w.card.keys.has('9d')).toBe(false);
    expect(w.cm.certificateCalls).toBe(1);
    // The card key's certificate was written before the import was tried, and stays.
    expect(w.card.certificates.has('9a')).toBe(true);
  });

  it('a crash after the import and its certificate but before the record says so: resumed without the password, the certificate read back, done', async () => {
    // The PUT DATA right after the IMPORT is the imported key's certificate (9A's comes before).
    const second = (await callIndex(world, 'card.importKey')) + 1;
    const w = world();
    w.faults.fault = { at: second, when: 'after', kind: 'crash' };
    expect(await w.run()).toBe('crashed');
    expect(w.disk.writes.find((write) => write.slot === '9d')?.state).toBe('writing');
    expect(w.pfxPasswords.size).toBe(0);
    const resumed = await finished(w);
    expect(resumed.phase, JSON.stringify(resumed.error)).toBe('done');
    expect(resumed.writes.find((write) => write.slot === '9d')).toMatchObject({ state: 'written', imported: true, entry: 1 });
    expect(w.cm.certificateCalls).toBe(1);
    expect(w.faults.calls.filter((c) => c === 'card.importKey')).toHaveLength(1);
  });

  it('a card pulled during the import pauses; with the station still running it resumes and imports', async () => {
    const at = await callIndex(world, 'card.importKey');
    const w = world();
    w.faults.fault = { at, when: 'before', kind: 'transient' };
    const paused = await finished(w);
    expect(paused.phase).toBe('paused');
    expect(paused.error?.code).toBe('PCSC_CARD_REMOVED');
    const resumed = await finished(w);
    expect(resumed.phase).toBe('done');
    expect(w.card.certificates.has('9d')).toBe(true);
  });
});
