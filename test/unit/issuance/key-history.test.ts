// Key history (get-certificate-responses.md: isKeyHistory, isPfx, Pfx; "the number of certificate
// responses can exceed the number of requests"): a person's earlier encryption keys CM recovers from
// the CA's archive go into the retired key management slots 82, 83, ... with their certificates
// (5FC10D, 5FC10E, ...), and the Key History object (5FC10C) counts them (SP 800-73-4 part 1 §3.3.2).
import { describe, expect, it } from 'vitest';
import { openedKeys } from './fakes';
import { callIndex, finished, World } from './harness';

function world(keyHistory: Array<'pfx' | 'signing' | 'no-key'> = ['pfx', 'pfx'], serverKeys = [1]): World {
  const w = new World();
  // A logon key made on the card (9A), this year's encryption key CM makes (9D), earlier ones recovered.
  w.cm.behaviour.options = [w.cm.behaviour.options[0]!];
  w.cm.behaviour.serverKeys = serverKeys;
  w.cm.behaviour.keyHistory = keyHistory;
  return w;
}

const history = (i: number) => `imported:${Buffer.from(`history-key-${i}`).toString('hex')}`;

describe('key history (isKeyHistory with its key in a PFX)', () => {
  it('imports each earlier key into the next retired slot from 82, writes its certificate there and the Key History object, the keys zeroed', async () => {
    const w = world();
    const before = openedKeys.length;
    const result = await finished(w);
    expect(result.phase, JSON.stringify(result.error)).toBe('done');
    expect(result.writes.map((write) => [write.slot, write.imported, write.certificate.template, write.entry, write.state])).toEqual([
      ['9a', false, 'T0', undefined, 'written'],
      ['9d', true, 'S0', 1, 'written'],
      ['82', true, 'H0', 2, 'written'],
      ['83', true, 'H1', 3, 'written'],
    ]);
    expect(w.card.keys.get('82')!.publicKey.toString()).toBe(history(0));
    expect(w.card.keys.get('83')!.publicKey.toString()).toBe(history(1));
    expect(JSON.parse(w.card.certificates.get('82')!.toString())).toMatchObject({ serial: '700' });
    expect(JSON.parse(w.card.certificates.get('83')!.toString())).toMatchObject({ serial: '701' });
    expect(w.card.keyHistory).toEqual({ onCardCertificates: 2, offCardCertificates: 0 });
    // The Key History object is written after the last retired key, never before it.
    const calls = w.faults.calls;
    expect(calls.lastIndexOf('card.putKeyHistory')).toBeGreaterThan(calls.lastIndexOf('card.importKey'));
    expect(openedKeys.slice(before).every((key) => key.every((byte) => byte === 0))).toBe(true);
    expect(w.pfxPasswords.size).toBe(0);
    expect(JSON.stringify(w.disk)).not.toContain(w.cm.pfxPasswords[0]);
    expect(w.cm.certificateCalls).toBe(1);
  });

  it('works without a server-generated key too (recovered keys only), and the result lists the retired slots', async () => {
    const w = world(['pfx'], []);
    const result = await finished(w);
    expect(result.phase).toBe('done');
    expect(result.writes.map((write) => write.slot)).toEqual(['9a', '82']);
    expect(w.card.keyHistory).toEqual({ onCardCertificates: 1, offCardCertificates: 0 });
  });

  it('a key-history certificate without its key: a person is needed before anything is written to the card', async () => {
    const w = world(['pfx', 'no-key']);
    const result = await finished(w);
    expect(result.phase).toBe('failed');
    expect(result.error).toMatchObject({ code: 'ISSUANCE_NEEDS_PERSON', params: { reason: 'key-history-without-key', template: 'H1' } });
    expect(w.card.certificates.size).toBe(0);
    expect(w.card.keys.has('82')).toBe(false);
    expect(w.card.keyHistory).toBeNull();
    expect(result.steps.find((s) => s.step === 'complete')?.status).toBe('pending');
  });

  it('a recovered key whose certificate allows signing only: a person is needed before it is imported, nothing in 82', async () => {
    const w = world(['signing']);
    const result = await finished(w);
    expect(result.phase).toBe('failed');
    expect(result.error).toMatchObject({ code: 'ISSUANCE_NEEDS_PERSON', params: { reason: 'key-history-not-encryption' } });
    expect(w.card.keys.has('82')).toBe(false);
    expect(w.card.keyHistory).toBeNull();
  });

  it('more earlier keys than the 20 retired slots: a person is needed, nothing written', async () => {
    const w = world(Array.from({ length: 21 }, () => 'pfx' as const));
    const result = await finished(w);
    expect(result.phase).toBe('failed');
    expect(result.error).toMatchObject({ code: 'ISSUANCE_NEEDS_PERSON', params: { reason: 'key-history-full', received: 21 } });
    expect(w.card.certificates.size).toBe(0);
  });

  it('a crash after a recovered key and its certificate are on the card but before the record says so: read back at resume, done, each imported once', async () => {
    // The PUT DATA right after the second IMPORT (the first recovered key, into 82).
    const at = (await callIndex(world, 'card.importKey', 1)) + 1;
    const w = world();
    w.faults.fault = { at, when: 'after', kind: 'crash' };
    expect(await w.run()).toBe('crashed');
    expect(w.disk.writes.find((write) => write.slot === '82')?.state).toBe('writing');
    const resumed = await finished(w);
    // The password died with the process: 83 cannot be opened any more, so a person decides; 82 stays as read back.
    expect(resumed.phase).toBe('failed');
    expect(resumed.error).toMatchObject({ code: 'ISSUANCE_NEEDS_PERSON', params: { reason: 'pfx-password-lost', template: 'H1' } });
    expect(resumed.writes.find((write) => write.slot === '82')?.state).toBe('written');
    expect(w.faults.calls.filter((c) => c === 'card.importKey')).toHaveLength(2);
    expect(w.cm.certificateCalls).toBe(1);
  });

  it('a crash between the last import and the Key History object: resumed, the object is written, done', async () => {
    const at = await callIndex(world, 'card.putKeyHistory');
    const w = world();
    w.faults.fault = { at, when: 'before', kind: 'crash' };
    expect(await w.run()).toBe('crashed');
    expect(w.card.keyHistory).toBeNull();
    const resumed = await finished(w);
    expect(resumed.phase, JSON.stringify(resumed.error)).toBe('done');
    expect(w.card.keyHistory).toEqual({ onCardCertificates: 2, offCardCertificates: 0 });
    expect(w.faults.calls.filter((c) => c === 'card.importKey')).toHaveLength(3);
  });
});

describe('the journal record of a retired slot', () => {
  it('is refused unless it is an imported key from a known entry of the answer', async () => {
    const { recordedWriteSchema } = await import('../../../src/main/issuance/records');
    const certificate = { slot: '82', subject: 'CN=x', issuer: 'CN=ca', serialNumber: '1', notAfter: '2026-01-01T00:00:00.000Z', template: null };
    expect(recordedWriteSchema.safeParse({ slot: '82', state: 'writing', certificate, imported: true, entry: 2 }).success).toBe(true);
    expect(recordedWriteSchema.safeParse({ slot: '82', state: 'writing', certificate, imported: false }).success).toBe(false);
    expect(recordedWriteSchema.safeParse({ slot: '82', state: 'writing', certificate, imported: true }).success).toBe(false);
    expect(recordedWriteSchema.safeParse({ slot: '96', state: 'writing', certificate, imported: true, entry: 2 }).success).toBe(false);
  });
});
