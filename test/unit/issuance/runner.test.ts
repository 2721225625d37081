import { describe, expect, it } from 'vitest';
import { FACTORY_PUK } from '../../../src/main/issuance/pin';
import { CHUID, DIVERSIFIED_KEY } from './fakes';
import { finished, USER_PIN, World } from './harness';

describe('an issuance run (fake card and CM)', () => {
  it('executes the request end to end: keys on the card, certificates matched by key, PIN and PUK set, Completed, Active', async () => {
    const world = new World();
    const result = await finished(world);
    expect(result.phase).toBe('done');
    expect(result.steps.map((s) => [s.step, s.status])).toEqual([
      ['capability', 'done'],
      ['chuid', 'done'],
      ['bind', 'done'],
      ['admin-auth', 'done'],
      ['admin-key', 'done'],
      ['generate-keys', 'done'],
      ['sign-requests', 'done'],
      ['certificates', 'done'],
      ['write-certificates', 'done'],
      ['pin', 'done'],
      ['complete', 'done'],
      ['verify-active', 'done'],
    ]);
    for (const s of result.steps) expect(s.endedAt! >= s.startedAt!).toBe(true);
    // Each certificate sits in the slot of the key it certifies.
    for (const [slot, der] of world.card.certificates) {
      const cert = JSON.parse(der.toString()) as { publicKey: string };
      expect(Buffer.from(cert.publicKey, 'base64').equals(world.card.keys.get(slot)!.publicKey)).toBe(true);
    }
    expect([...world.card.certificates.keys()].sort()).toEqual(['9a', '9c']);
    expect(world.card.managementKey.equals(DIVERSIFIED_KEY)).toBe(true);
    expect(world.card.pin).toBe(USER_PIN);
    expect(world.card.puk).not.toBe(FACTORY_PUK);
    expect(world.card.puk).toMatch(/^\d{8}$/);
    expect(world.cm.request.status).toBe('Completed');
    expect(world.cm.certificateCalls).toBe(1);
    expect(result.writes.map((w) => [w.slot, w.certificate.template, w.state])).toEqual([
      ['9a', 'T0', 'written'],
      ['9c', 'T1', 'written'],
    ]);
    // Never on disk: the PIN, the PUK, the pfxpassword.
    const disk = JSON.stringify(world.disk);
    expect(disk).not.toContain(USER_PIN);
    expect(disk).not.toContain(world.card.puk);
    expect(disk).not.toContain(world.pfxPasswords.get(world.disk.requestId) ?? 'never-set');
    // The password the station sent (the map above is emptied once nothing needs it any more).
    expect(world.cm.pfxPasswords[0]).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(disk).not.toContain(world.cm.pfxPasswords[0]);
  });

  it('a server-distributed PIN is set on the card and shown once', async () => {
    const world = new World();
    world.cm.behaviour.config = { ...world.cm.behaviour.config, userPinOption: 'ServerDistributed' };
    const result = await finished(world);
    expect(result.phase).toBe('done');
    expect(world.shownPins).toEqual(['246810']);
    expect(world.pinAsked).toBe(0);
    expect(world.card.pin).toBe('246810');
    expect(JSON.stringify(world.disk)).not.toContain('246810');
  });

  it('an unknown UserPinOption means the user types the PIN (never an invented one)', async () => {
    const world = new World();
    world.cm.behaviour.config = { ...world.cm.behaviour.config, userPinOption: 'Unknown(7)' };
    expect((await finished(world)).phase).toBe('done');
    expect(world.pinAsked).toBe(1);
    expect(world.card.pin).toBe(USER_PIN);
  });

  it('a profile that does not diversify keeps the admin key and skips that step', async () => {
    const world = new World();
    world.cm.behaviour.config = { ...world.cm.behaviour.config, diversifyAdminKey: false };
    const result = await finished(world);
    expect(result.phase).toBe('done');
    expect(result.steps.find((s) => s.step === 'admin-key')?.status).toBe('skipped');
    expect(world.card.managementKey.toString('hex')).toBe('010203040506070801020304050607080102030405060708');
  });

  it('another card in the reader: paused (ISSUANCE_WRONG_CARD) and nothing written', async () => {
    const world = new World();
    world.card.chuid = 'ffeeddccbbaa99887766554433221100';
    const result = await finished(world);
    expect(result.phase).toBe('paused');
    expect(result.error?.code).toBe('ISSUANCE_WRONG_CARD');
    expect(world.card.generated).toBe(0);
    expect(world.faults.calls.filter((c) => c.startsWith('card.') && c !== 'card.open' && c !== 'card.readChuid')).toEqual([]);
    // The right card back: it goes on.
    world.card.chuid = CHUID;
    expect((await finished(world)).phase).toBe('done');
  });

  it('CM refusing certificatedata (500 with a Message): failed with CM’s words; a retry sends it again and completes', async () => {
    const world = new World();
    world.cm.behaviour.answer = 'refuse';
    const first = await finished(world);
    expect(first.phase).toBe('failed');
    expect(first.error?.code).toBe('CM_SERVER_ERROR');
    expect(first.certificateData.state).toBe('refused');
    expect(world.card.certificates.size).toBe(0);
    world.cm.behaviour.answer = 'ok';
    const second = await finished(world);
    expect(second.phase).toBe('done');
    expect(world.cm.certificateCalls).toBe(1);
    expect(second.certificateData).toMatchObject({ state: 'answered', attempt: 2 });
  });

  // `details`: the error's, which tell apart the checks that share a code (the number of certificates,
  // or two of them for one key: the same code, only the latter names the slot).
  it.each([
    ['fewer', 'ISSUANCE_CERTIFICATE_COUNT', { expected: 2, received: 1 }],
    ['more', 'ISSUANCE_CERTIFICATE_COUNT', { expected: 2, received: 3 }],
    ['foreign-key', 'ISSUANCE_CERTIFICATE_NO_KEY', { subject: 'CN=other', serialNumber: '7' }],
    ['same-key', 'ISSUANCE_CERTIFICATE_COUNT', { slot: '9a' }],
    ['bad-cms', 'ISSUANCE_BAD_CMS', {}],
  ] as const)('CM answering %s: %s, nothing written, the answer kept, never asked again', async (answer, code, details) => {
    const world = new World();
    world.cm.behaviour.answer = answer;
    const first = await finished(world);
    expect(first.phase).toBe('failed');
    expect(first.error?.code).toBe(code);
    expect(first.error?.details).toEqual(details);
    expect(world.card.certificates.size).toBe(0);
    expect(first.certificateData.state).toBe('answered');
    expect(first.steps.find((s) => s.step === 'write-certificates')?.status).toBe('failed');
    expect(first.steps.find((s) => s.step === 'complete')?.status).toBe('pending');
    expect(world.cm.request.status).not.toBe('Completed');
    // A retry reads the kept answer again: the same refusal, and CM is not asked twice.
    const again = await finished(world);
    expect(again.error?.code).toBe(code);
    expect(world.cm.certificateCalls).toBe(1);
  });

  it.each([
    ['a wrong PIN', '000000', 3, 'PIV_PIN_WRONG'],
    ['a blocked PIN', '123456', 0, 'PIV_PIN_BLOCKED'],
  ] as const)('a card with %s: failed with that code before CM is asked for certificates', async (_name, pin, tries, code) => {
    const world = new World();
    world.card.pin = pin;
    world.card.pinTries = tries;
    const result = await finished(world);
    expect(result.phase).toBe('failed');
    expect(result.error?.code).toBe(code);
    expect(world.cm.certificateCalls).toBe(0);
  });

  it('an unknown certificatedata outcome needs a person and is never sent again', async () => {
    const world = new World();
    const clean = new World();
    await finished(clean);
    const at = clean.faults.calls.indexOf('cm.certificatedata');
    world.faults.fault = { at, when: 'after', kind: 'transient' };
    const first = await finished(world);
    expect(first.phase).toBe('failed');
    expect(first.error?.code).toBe('ISSUANCE_NEEDS_PERSON');
    const again = await finished(world);
    expect(again.error?.code).toBe('ISSUANCE_NEEDS_PERSON');
    expect(world.cm.certificateCalls).toBe(1);
    expect(world.faults.calls.filter((c) => c === 'cm.certificatedata')).toHaveLength(1);
  });

  it('cancel is honoured at a safe point before certificatedata, and nothing is asked of CM afterwards', async () => {
    const world = new World();
    world.cancel = true;
    const result = await finished(world);
    expect(result.phase).toBe('canceled');
    expect(world.cm.certificateCalls).toBe(0);
  });
});
