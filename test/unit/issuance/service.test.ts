import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openIssuanceService, type IssuanceService } from '../../../src/main/issuance';
import type { IssuanceState } from '../../../src/shared/issuance';
import { CARD_ID, FakeCard, FakeCm, Faults, fakePorts, PROFILE_ID, READER, REQUEST_ID, SMARTCARD_UUID } from './fakes';

const PIN = '975310';
const input = { requestId: REQUEST_ID, reader: READER, smartcardUuid: SMARTCARD_UUID, cardId: CARD_ID, atr: '3b8c80', profileTemplateUuid: PROFILE_ID };
let dir: string;
const open: IssuanceService[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

async function service(card = new FakeCard(), cm = new FakeCm(), faults = new Faults()) {
  const s = await openIssuanceService({
    dir,
    ports: fakePorts(card, cm, faults),
    now: () => new Date(),
    audit: async () => undefined,
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    activation: { polls: 1, intervalMs: 0 },
    sleep: async () => undefined,
  });
  open.push(s);
  return { s, card, cm, faults };
}

function reaches(s: IssuanceService, phase: IssuanceState['phase']): Promise<IssuanceState> {
  const now = s.get(READER);
  if (now.phase === phase) return Promise.resolve(now);
  return new Promise((resolve) => {
    const stop = s.subscribe((state) => {
      if (state.reader !== READER || state.phase !== phase) return;
      stop();
      resolve(state);
    });
  });
}

describe('the issuance service', () => {
  it('offer, then "Bind only": idle, nothing written, and "Issue now" is no longer possible', async () => {
    dir = mkdtempSync(join(tmpdir(), 'issuance-'));
    const { s, card } = await service();
    expect((await s.bound(input, 'offer')).phase).toBe('offer');
    expect(await s.skip(READER)).toEqual({ phase: 'idle', reader: READER });
    expect(card.generated).toBe(0);
    await expect(s.start(READER)).rejects.toMatchObject({ code: 'WORKFLOW_STATE' });
  });

  it('the hand-over refuses PINs that differ or break the rules (the screen keeps the reason), then takes one; it is in no file', async () => {
    dir = mkdtempSync(join(tmpdir(), 'issuance-'));
    const { s, card } = await service();
    await s.bound(input, 'offer');
    const entry = reaches(s, 'pin-entry');
    await s.start(READER);
    await entry;
    expect(() => s.submitPin(READER, PIN, '975311')).toThrow(expect.objectContaining({ code: 'ISSUANCE_PIN_MISMATCH' }));
    expect(s.get(READER)).toMatchObject({ phase: 'pin-entry', notice: { code: 'ISSUANCE_PIN_MISMATCH' } });
    expect(() => s.submitPin(READER, '123456', '123456')).toThrow(expect.objectContaining({ code: 'ISSUANCE_PIN_RULES' }));
    expect(() => s.submitPin(READER, '12345', '12345')).toThrow(expect.objectContaining({ code: 'ISSUANCE_PIN_RULES' }));
    const done = reaches(s, 'done');
    s.submitPin(READER, PIN, PIN);
    expect((await done).phase).toBe('done');
    expect(card.pin).toBe(PIN);
    expect(readFileSync(join(dir, 'issuance.journal')).includes(PIN)).toBe(false);
    // Cancel after the certificates were issued is refused.
    await expect(s.cancel(READER)).rejects.toMatchObject({ code: 'WORKFLOW_STATE' });
  });

  it('cancel before certificatedata: canceled, CM never asked for certificates', async () => {
    dir = mkdtempSync(join(tmpdir(), 'issuance-'));
    const { s, cm } = await service();
    await s.bound(input, 'offer');
    expect((await s.cancel(READER)).phase).toBe('canceled');
    expect(cm.certificateCalls).toBe(0);
  });

  it('a station that stopped mid-issuance shows it interrupted after restart, and resumes when the same card is seen', async () => {
    dir = mkdtempSync(join(tmpdir(), 'issuance-'));
    const card = new FakeCard();
    const cm = new FakeCm();
    const first = await service(card, cm);
    await first.s.bound(input, 'offer');
    const entry = reaches(first.s, 'pin-entry');
    await first.s.start(READER);
    await entry;
    // The process dies while the hand-over screen waits (the journal says running).
    open.splice(open.indexOf(first.s), 1);
    await first.s.close();

    const second = await service(card, cm);
    expect(second.s.get(READER)).toMatchObject({ phase: 'paused', error: { code: 'ISSUANCE_INTERRUPTED' } });
    // Another card in the reader does not resume it.
    second.s.cardSeen(READER, 'ffffffff-0000-0000-0000-000000000000');
    expect(second.s.get(READER).phase).toBe('paused');
    second.s.cardSeen('Reader B', CARD_ID);
    await vi.waitFor(() => expect(second.s.states().map((x) => [x.reader, x.phase])).toContainEqual(['Reader B', 'pin-entry']));
    const done = new Promise<IssuanceState>((resolve) => second.s.subscribe((x) => x.phase === 'done' && resolve(x)));
    second.s.submitPin('Reader B', PIN, PIN);
    expect((await done).reader).toBe('Reader B');
    expect(cm.certificateCalls).toBe(1);
  });
});

describe('loading the issuance code ahead of a run (prepare)', () => {
  it('loads once however often it is asked, a run included; a failed load is logged and tried again', async () => {
    dir = mkdtempSync(join(tmpdir(), 'issuance-'));
    const load = vi.fn<() => Promise<void>>().mockRejectedValueOnce(new Error('disk went away')).mockResolvedValue(undefined);
    const warn = vi.fn();
    const s = await openIssuanceService({
      dir,
      ports: { ...fakePorts(new FakeCard(), new FakeCm(), new Faults()), prepare: load },
      now: () => new Date(),
      audit: async () => undefined,
      log: { info: () => undefined, warn, error: () => undefined },
      activation: { polls: 1, intervalMs: 0 },
      sleep: async () => undefined,
    });
    open.push(s);
    s.prepare();
    await vi.waitFor(() => expect(warn).toHaveBeenCalledWith('issuance.prepare-failed', expect.objectContaining({ errorMessage: 'disk went away' })));
    s.prepare();
    s.prepare();
    expect(load).toHaveBeenCalledTimes(2);
    const done = reaches(s, 'pin-entry');
    await s.bound(input, 'always');
    await done;
    expect(load).toHaveBeenCalledTimes(2);
  });
});
