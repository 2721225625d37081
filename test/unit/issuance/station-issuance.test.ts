// The whole station issuing in training mode: the simulated reader holding the virtual YubiKey
// (src/main/training/piv-card), the CM simulator's execution routes and CA over HTTP, the station's
// own PIV host side, PKI and journal. Nothing here is a fake of the engine's ports.
import { createHash, createVerify, X509Certificate } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { call } from '../../../src/main/station/dispatch';
import { seedGuid } from '../../../src/main/training/cm-sim';
import { SAMPLE_CARDS, sampleCard } from '../../../src/main/training/sample-cards';
import { cmCardIdOf } from '../../../src/shared/card-id';
import type { EventPayload } from '../../../src/shared/contract';
import type { EnrollmentState } from '../../../src/shared/enrollment';
import { nextEvent } from '../../support/station-events';
import { startTestStation, type TestStation } from '../../support/test-station';
import { bindFactoryCard, ISSUANCE_TUNING, issuanceIn, issueFactoryCard, READER, withCardSession } from './station-support';

const ALICE = seedGuid('request/enroll-alice');
const DANA = seedGuid('request/enroll-dana');
const NEW_PIN = '8642013';

let t: TestStation | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

async function station(issueAtDesk: 'offer' | 'always') {
  t = await startTestStation(ISSUANCE_TUNING, {
    policy: { issueAtDesk },
  });
  return t;
}

// A whole issuance (RSA key generation on the virtual card and in the simulator's CA) waits up to
// 20 s for each of its events (issuanceIn's default): the test's own limit, 30 s, is no shorter than
// those waits (vitest's default is 5 s).
describe('desk issuance, whole station in training mode', { timeout: 30_000 }, () => {
  it('offers issuance after the bind, hands over for the PIN, writes a certificate the sim CA signed, completes the request', async () => {
    const s = await station('offer');
    const offered = issuanceIn(s, (st) => st.phase === 'offer');
    // The card panel shows the card id the station wrote, and what CM knows of it, without a read again.
    const panel = nextEvent(
      s.station,
      'card.changed',
      (e: EventPayload<'card.changed'>) => e.reader === READER && e.reading?.identifier.kind === 'piv-guid' && e.reading.cm.state === 'found',
    );
    const { cardId } = await bindFactoryCard(s, ALICE);
    const offer = await offered;
    expect(offer).toMatchObject({ phase: 'offer', requestId: ALICE, cardId });
    const shown = (await panel).reading!;
    expect(cmCardIdOf(shown.identifier)).toBe(cardId);
    expect(shown.cm).toMatchObject({ state: 'found', card: { cardId } });

    const pinEntry = issuanceIn(s, (st) => st.phase === 'pin-entry');
    await call(s.station.handlers, 'issuance.start', { reader: READER });
    const handOver = await pinEntry;
    expect(handOver).toMatchObject({ rules: { minLength: 6, maxLength: 8 }, notice: null });
    // Typed differently twice: refused, the screen says why, nothing else changes.
    await expect(call(s.station.handlers, 'issuance.submitPin', { reader: READER, pin: NEW_PIN, confirm: '8642014' })).rejects.toMatchObject({
      code: 'ISSUANCE_PIN_MISMATCH',
    });
    await expect(call(s.station.handlers, 'issuance.submitPin', { reader: READER, pin: '12345', confirm: '12345' })).rejects.toMatchObject({
      code: 'ISSUANCE_PIN_RULES',
    });
    expect((await call(s.station.handlers, 'issuance.get', { reader: READER })).phase).toBe('pin-entry');

    const done = issuanceIn(s, (st) => st.phase === 'done' || st.phase === 'failed' || st.phase === 'paused');
    await call(s.station.handlers, 'issuance.submitPin', { reader: READER, pin: NEW_PIN, confirm: NEW_PIN });
    const result = await done;
    expect(result.phase, JSON.stringify(result)).toBe('done');
    if (result.phase !== 'done') return;
    expect(result.certificates).toHaveLength(1);
    expect(result.certificates[0]).toMatchObject({ slot: '9a', issuer: expect.stringContaining('CN='), template: expect.any(String) });
    for (const step of result.steps) expect(['done', 'skipped']).toContain(step.status);

    // The card, read by the station's PIV layer: the certificate in 9A is for 9A's key, and the new PIN signs.
    const { certificate, signature, data } = await withCardSession(s, async (session) => {
      const der = await session.readCertificate('9a');
      await session.verifyPin(NEW_PIN);
      const payload = Buffer.from('signed at the desk');
      const digestInfo = Buffer.concat([Buffer.from('3031300d060960864801650304020105000420', 'hex'), createHash('sha256').update(payload).digest()]);
      const block = Buffer.concat([Buffer.from([0, 1]), Buffer.alloc(256 - 3 - digestInfo.length, 0xff), Buffer.from([0]), digestInfo]);
      return { certificate: der!, signature: await session.sign('9a', 'rsa2048', block), data: payload };
    });
    const cert = new X509Certificate(certificate);
    expect(createVerify('sha256').update(data).verify(cert.publicKey, signature)).toBe(true);
    const { issuing } = await s.cm.admin.caCertificates();
    expect(cert.verify(new X509Certificate(issuing).publicKey)).toBe(true);

    // CM's word: the request Completed and the card Active.
    const request = await call(s.station.handlers, 'requests.get', { requestId: ALICE });
    expect(request.status).toBe('Completed');
    // The run's outcome is audited right after its record is on disk (and shown).
    await vi.waitFor(async () => {
      const audit = await call(s.station.handlers, 'audit.query', { requestId: ALICE });
      expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['issuance.chuid-written', 'issuance.offered', 'issuance.started', 'issuance.done']));
      expect(JSON.stringify(audit)).not.toContain(NEW_PIN);
    });
  });

  it('under `always` runs straight after the bind; two certificates go to the slots of their keys', async () => {
    const s = await station('always');
    const result = await issueFactoryCard(s, DANA, NEW_PIN);
    expect(result.phase, JSON.stringify(result)).toBe('done');
    if (result.phase !== 'done') return;
    expect(result.certificates.map((c) => c.slot).sort()).toEqual(['9a', '9c']);
  });

  it('under `always` a card that is not PIV is refused at the choice, before anything is written', async () => {
    const s = await station('always');
    const contactless = SAMPLE_CARDS.find((c) => c.id === 'piv-1')!;
    const read = nextEvent(s.station, 'enrollment.changed', (e: EnrollmentState) => e.reader === READER && e.step === 'card-read');
    s.readers.insert(READER, sampleCard(contactless));
    await read;
    await expect(call(s.station.handlers, 'enrollment.choose', { reader: READER, requestId: ALICE, replaceSmartcardUuid: null })).rejects.toMatchObject({
      code: expect.stringMatching(/^(PIV_NOT_PRESENT|PIV_ADMIN_KEY_NOT_3DES|ISSUANCE_CARD_NOT_ISSUABLE)$/),
    });
    expect((await call(s.station.handlers, 'outbox.list', {})).length).toBe(0);
  });
});
