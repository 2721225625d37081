import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openJournal } from '../../../src/main/journal';
import { StationError } from '../../../src/shared/errors';
import { outboxOperationSchema, type OutboxOperation } from '../../../src/shared/outbox';
import { OLD_CARD, REQ_A, REQ_B, REQ_C, bindInput, cmError, deferred, harness, journaled, retireInput, stateOf, until, uuidFor, type Harness } from './helpers';

const opened: Harness[] = [];
async function setup(...args: Parameters<typeof harness>): Promise<Harness> {
  const h = await harness(...args);
  opened.push(h);
  return h;
}
afterEach(async () => {
  for (const h of opened.splice(0)) {
    await h.outbox.close().catch(() => undefined);
    await h.audit.close().catch(() => undefined);
    rmSync(h.dir, { recursive: true, force: true });
  }
});

const allDone = (count: number) => (ops: OutboxOperation[]) => ops.length === count && ops.every((op) => op.state === 'done');

describe('enqueue', () => {
  it('resolves only once the operation is on disk and audited as queued', async () => {
    const { outbox, dir, audit } = await setup();
    const op = await outbox.enqueue(bindInput(1));
    expect(op).toMatchObject({ state: 'pending', attempts: 0, outcomeUnknown: false, kind: 'bind', cardId: 'card-1' });
    expect((await journaled(dir)).get(op.id)).toEqual(op);
    expect(audit.query({ requestId: REQ_A }).map((e) => [e.action, e.result, e.cardId, e.actor])).toEqual([
      ['bind.queued', 'queued', 'card-1', 'CONTOSO\\operator'],
    ]);
  });

  it('stops taking work once its records cannot be written, instead of losing them', async () => {
    const h = await setup();
    const failingAudit = { append: () => Promise.reject(new StationError('STORAGE_IO', 'disk full', { errno: 'ENOSPC' })) };
    const dir = mkdtempSync(join(tmpdir(), 'outbox-full-'));
    const outbox = await h.open({ dir, audit: failingAudit });
    await expect(outbox.enqueue(bindInput(1))).rejects.toMatchObject({ code: 'STORAGE_IO' });
    await expect(outbox.enqueue(bindInput(2))).rejects.toMatchObject({ code: 'STORAGE_IO' });
    await expect(outbox.replayNow()).rejects.toMatchObject({ code: 'STORAGE_IO' });
    expect(h.cm.calls).toEqual([]);
    await outbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an invalid operation with BAD_REQUEST', async () => {
    const { outbox } = await setup();
    await expect(outbox.enqueue({ ...bindInput(1), requestId: 'not-a-guid' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(outbox.list()).toEqual([]);
  });
});

describe('replay', () => {
  it('sends a bind, records the CM uuid, and shows each state only after it is on disk', async () => {
    const { outbox, cm, dir, audit } = await setup();
    const seen: Array<[string, boolean]> = [];
    const checks: Promise<void>[] = [];
    outbox.subscribe((op) => {
      checks.push(journaled(dir).then((disk) => void seen.push([op.state, disk.get(op.id)?.state === op.state])));
    });
    const op = await outbox.enqueue(bindInput(1));
    await outbox.replayNow();
    await Promise.all(checks);
    expect(seen).toEqual([
      ['pending', true],
      ['sending', true],
      ['done', true],
    ]);
    expect(outbox.list()[0]).toMatchObject({ id: op.id, state: 'done', attempts: 1, result: { smartcardUuid: uuidFor('card-1') } });
    expect(cm.calls).toEqual([{ method: 'bind', requestId: REQ_A, cardId: 'card-1', atr: bindInput(1).atr }]);
    expect(audit.query({ cardId: 'card-1' }).map((e) => [e.action, e.result, e.smartcardUuid])).toEqual([
      ['bind.queued', 'queued', null],
      ['bind.done', 'ok', uuidFor('card-1')],
    ]);
  });

  it('sends a retire for a request only after the bind of that request is done', async () => {
    const { outbox, cm } = await setup();
    const gate = deferred<void>();
    cm.script.push({ wait: gate });
    await outbox.enqueue(bindInput(1, REQ_A));
    await outbox.enqueue(retireInput(REQ_A));
    const replay = outbox.replayNow();
    await cm.callsReach(1);
    // The bind is in flight; the retire may not start, even with free slots.
    expect(cm.calls.map((c) => c.method)).toEqual(['bind']);
    gate.resolve();
    await replay;
    // Before the PUT, online: the card to retire is read again and its owner checked (issue #17, part 3).
    expect(cm.calls.map((c) => c.method)).toEqual(['bind', 'get', 'request', 'retire']);
    expect(outbox.list().map((op) => op.state)).toEqual(['done', 'done']);
  });

  it('"retire now" pressed while a held retire is being checked waits for that check, then releases it', async () => {
    const { outbox, cm } = await setup();
    await outbox.enqueue(bindInput(1, REQ_A));
    await outbox.replayNow();
    // The check of the new card (GET smartcards/{new}) is in flight when the operator presses it.
    const check = deferred<void>();
    cm.script.push({ wait: check });
    const retire = await outbox.enqueue({ ...retireInput(REQ_A), waitFor: 'new-card-active' });
    const replay = outbox.replayNow();
    await cm.callsReach(2);
    expect(cm.calls.at(-1)?.method).toBe('get');
    const released = outbox.releaseHold(retire.id);
    check.resolve();
    await expect(released).resolves.toMatchObject({ id: retire.id, state: 'pending' });
    await replay;
    await outbox.replayNow();
    expect(stateOf(outbox, retire.id)).toBe('done');
    expect(cm.retired.has(OLD_CARD)).toBe(true);
  });

  it('sends a retire queued on its own at once, and never holds a bind behind a retire', async () => {
    const { outbox, cm } = await setup();
    const gate = deferred<void>();
    cm.script.push({ wait: gate });
    await outbox.enqueue(retireInput(REQ_B));
    await outbox.enqueue(bindInput(2, REQ_B));
    const replay = outbox.replayNow();
    await cm.callsReach(2);
    // The retire's first step (reading the card to retire, before its PUT) is in flight; the bind is not held behind it.
    expect(cm.calls.map((c) => c.method)).toEqual(['get', 'bind']);
    gate.resolve();
    await replay;
    expect(outbox.list().every((op) => op.state === 'done')).toBe(true);
  });

  it('keeps at most `concurrency` CM calls in flight and runs different requests in parallel', async () => {
    const { outbox, cm } = await setup({ concurrency: 3 });
    const gates = Array.from({ length: 10 }, () => deferred<void>());
    cm.script.push(...gates.map((wait) => ({ wait })));
    for (let i = 0; i < 10; i++) await outbox.enqueue(bindInput(i, `${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`));
    const replay = outbox.replayNow();
    await cm.callsReach(3);
    expect(cm.inFlight).toBe(3);
    for (const gate of gates) gate.resolve();
    await replay;
    expect(cm.maxInFlight).toBe(3);
    expect(cm.calls).toHaveLength(10);
    // Sent in the order they were queued.
    expect(cm.calls.map((c) => (c.method === 'bind' ? c.cardId : ''))).toEqual(Array.from({ length: 10 }, (_, i) => `card-${i}`));
  });
});

describe('scheduler and back-off', () => {
  it('marks the next operations sending while every slot is busy, and puts them back to pending unsent when CM goes offline', async () => {
    const { outbox, cm, dir } = await setup({ concurrency: 2 });
    const gates = Array.from({ length: 4 }, () => deferred<void>());
    cm.script.push(...gates.map((wait) => ({ wait })));
    const ops = [];
    for (let i = 0; i < 4; i++) ops.push(await outbox.enqueue(bindInput(i, `${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`)));
    const seen: Array<[string, string]> = [];
    outbox.subscribe((op) => seen.push([op.kind === 'bind' ? op.cardId : '', op.state]));
    outbox.start();
    await cm.callsReach(2);
    // The two beyond the slots are on disk as sending while the first two wait on CM ...
    await until(outbox, (list) => list.filter((op) => op.state === 'sending').length === 4);
    expect(cm.calls).toHaveLength(2);
    // ... and CM goes away before a slot frees: nothing marked early may be sent.
    outbox.setOnline(false);
    gates[0]!.resolve();
    gates[1]!.resolve();
    await outbox.idle();
    expect(cm.calls.map((c) => (c.method === 'bind' ? c.cardId : ''))).toEqual(['card-0', 'card-1']);
    const onDisk = await journaled(dir);
    for (const op of ops.slice(2)) {
      expect(onDisk.get(op.id)).toMatchObject({ state: 'pending', attempts: 0, outcomeUnknown: false });
    }
    expect(seen.filter(([card]) => card === 'card-2').map(([, state]) => state)).toEqual(['sending', 'pending']);
    outbox.setOnline(true);
    gates[2]!.resolve();
    gates[3]!.resolve();
    await until(outbox, allDone(4));
    expect(cm.calls.map((c) => (c.method === 'bind' ? c.cardId : ''))).toEqual(['card-0', 'card-1', 'card-2', 'card-3']);
  });

  it('backs off exponentially with one timer, pauses the queue while CM is offline, and sends when due', async () => {
    const { outbox, cm, clock } = await setup({ concurrency: 1, backoff: { baseMs: 1_000, maxMs: 5_000, jitter: 0.5 } });
    const t0 = clock.ms;
    cm.script.push({ fail: cmError('CM_OFFLINE', { outcomeUnknown: false }) });
    const first = await outbox.enqueue(bindInput(1, REQ_A));
    await outbox.enqueue(bindInput(2, REQ_B));
    outbox.start();
    await until(outbox, (ops) => ops[0]?.state === 'pending' && ops[0].attempts === 1);
    await outbox.idle();
    // Only the first was tried: the failure paused the whole queue for its back-off.
    expect(cm.calls).toHaveLength(1);
    expect(outbox.list()[1]).toMatchObject({ state: 'pending', attempts: 0, lastError: null, outcomeUnknown: false });
    // random() = 0, so the delay is the full base.
    expect(outbox.list()[0]).toMatchObject({ nextAttemptAt: new Date(t0 + 1_000).toISOString(), outcomeUnknown: false });
    expect(outbox.list()[0]?.lastError).toMatchObject({ code: 'CM_OFFLINE' });
    expect(clock.liveTimers).toBe(1);
    expect(clock.nextTimerAt).toBe(t0 + 1_000);

    cm.script.push({ fail: cmError('CM_OFFLINE', { outcomeUnknown: false }) });
    clock.advance(999);
    expect(cm.calls).toHaveLength(1);
    clock.advance(1);
    await until(outbox, (ops) => ops[0]?.attempts === 2 && ops[0].state === 'pending');
    await outbox.idle();
    expect(cm.calls).toHaveLength(2);
    expect(outbox.list()[0]?.nextAttemptAt).toBe(new Date(t0 + 1_000 + 2_000).toISOString());
    expect(clock.liveTimers).toBe(1);

    clock.advance(2_000);
    await until(outbox, allDone(2));
    expect(stateOf(outbox, first.id)).toBe('done');
    expect(clock.liveTimers).toBe(0);
  });

  it('caps the delay at maxMs and applies jitter from the injected random source', async () => {
    const { backoffDelay } = await import('../../../src/main/common/backoff');
    const policy = { baseMs: 1_000, maxMs: 5_000, jitter: 0.5 };
    expect([1, 2, 3, 4, 10].map((n) => backoffDelay(policy, n, () => 0))).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
    expect(backoffDelay(policy, 2, () => 1)).toBe(1_000);
    expect(backoffDelay(policy, 2, () => 0.5)).toBe(1_500);
  });

  it('sends nothing while offline (and holds no timer), and everything due once online', async () => {
    const { outbox, cm, clock } = await setup();
    outbox.setOnline(false);
    outbox.start();
    await outbox.enqueue(bindInput(1));
    expect(cm.calls).toHaveLength(0);
    expect(clock.liveTimers).toBe(0);
    outbox.setOnline(true);
    await until(outbox, allDone(1));
    expect(cm.calls).toHaveLength(1);
  });

  it('blocks the queue at the longest delay while the CM API is switched off; going online lifts it', async () => {
    const { outbox, cm, clock } = await setup({ concurrency: 1, backoff: { baseMs: 1_000, maxMs: 60_000, jitter: 0 } });
    cm.script.push({ fail: cmError('CM_API_DISABLED', { status: 404 }) });
    await outbox.enqueue(bindInput(1, REQ_A));
    await outbox.enqueue(bindInput(2, REQ_B));
    outbox.start();
    await until(outbox, (ops) => ops[0]?.attempts === 1 && ops[0].state === 'pending');
    await outbox.idle();
    expect(outbox.list()[0]).toMatchObject({ nextAttemptAt: new Date(clock.ms + 60_000).toISOString(), lastError: { code: 'CM_API_DISABLED' } });
    expect(cm.calls).toHaveLength(1);
    expect(clock.nextTimerAt).toBe(clock.ms + 60_000);
    outbox.setOnline(true);
    await until(outbox, (ops) => ops[1]?.state === 'done');
    expect(stateOf(outbox, outbox.list()[0]!.id)).toBe('pending'); // its own back-off still applies
  });

  it('replayNow ignores back-off and resolves when nothing more is due', async () => {
    const { outbox, cm } = await setup();
    cm.script.push({ fail: cmError('CM_SERVER_ERROR', { status: 500, correlationId: 'c0ffee00-0000-4000-8000-000000000000' }) });
    await outbox.enqueue(bindInput(1));
    await outbox.replayNow();
    // The pass tried once, backed off, and ended without waiting for the back-off.
    expect(outbox.list()[0]).toMatchObject({
      state: 'pending',
      lastError: { code: 'CM_SERVER_ERROR', correlationId: 'c0ffee00-0000-4000-8000-000000000000' },
    });
    await outbox.replayNow();
    expect(outbox.list()[0]?.state).toBe('done');
    // A 500 to a POST is checked at once (proof: lookup and the request), counted, and sent again.
    expect(cm.calls.map((c) => c.method)).toEqual(['bind', 'find', 'request', 'bind']);
  });
});

describe('unknown outcomes', () => {
  it('settles a timed-out bind by asking CM: found means done, and the bind is not sent again', async () => {
    const { outbox, cm, audit } = await setup();
    // CM bound the card but the answer never arrived.
    cm.script.push({ fail: cmError('CM_TIMEOUT', { outcomeUnknown: true }) });
    cm.bound.set('card-1', uuidFor('card-1'));
    await outbox.enqueue(bindInput(1));
    await outbox.replayNow();
    expect(outbox.list()[0]).toMatchObject({ state: 'pending', outcomeUnknown: true });
    await outbox.replayNow();
    expect(cm.calls.map((c) => c.method)).toEqual(['bind', 'find', 'request']);
    expect(outbox.list()[0]).toMatchObject({ state: 'done', outcomeUnknown: false, result: { smartcardUuid: uuidFor('card-1') } });
    expect(audit.query({ cardId: 'card-1' }).map((e) => e.action)).toEqual(['bind.queued', 'bind.deferred', 'bind.done']);
    expect(audit.query({ cardId: 'card-1' })[2]?.message).toMatch(/not sent again/);
  });

  it('sends the bind again when CM does not know the card', async () => {
    const { outbox, cm } = await setup();
    cm.script.push({ fail: cmError('CM_OFFLINE', { outcomeUnknown: true, reason: 'reset' }) });
    await outbox.enqueue(bindInput(1));
    await outbox.replayNow();
    await outbox.replayNow();
    expect(cm.calls.map((c) => c.method)).toEqual(['bind', 'find', 'request', 'bind']);
    expect(outbox.list()[0]?.state).toBe('done');
  });

  it('keeps the question open when the lookup itself fails', async () => {
    const { outbox, cm } = await setup();
    cm.script.push({ fail: cmError('CM_TIMEOUT', { outcomeUnknown: true }) }, { fail: cmError('CM_OFFLINE', { outcomeUnknown: false }) });
    await outbox.enqueue(bindInput(1));
    await outbox.replayNow();
    await outbox.replayNow();
    expect(cm.calls.map((c) => c.method)).toEqual(['bind', 'find']);
    expect(outbox.list()[0]).toMatchObject({ state: 'pending', outcomeUnknown: true });
  });

  it('settles a bind found in "sending" after a crash by lookup before any resend', async () => {
    const h = await setup();
    const gate = deferred<void>();
    h.cm.script.push({ wait: gate });
    const op = await h.outbox.enqueue(bindInput(1));
    const replay = h.outbox.replayNow();
    await h.cm.callsReach(1); // the POST is out: the station "dies" now, with this on disk
    const crashDir = mkdtempSync(join(tmpdir(), 'outbox-crash-'));
    copyFileSync(join(h.dir, 'outbox.journal'), join(crashDir, 'outbox.journal'));
    gate.resolve();
    await replay;
    h.cm.calls.length = 0; // CM did bind the card; the restarted station must find that out

    const restarted = await h.open({ dir: crashDir });
    try {
      expect(restarted.list()[0]).toMatchObject({ id: op.id, state: 'pending', outcomeUnknown: true, attempts: 1 });
      await restarted.replayNow();
      expect(h.cm.calls.map((c) => c.method)).toEqual(['find', 'request']);
      expect(restarted.list()[0]).toMatchObject({ state: 'done', attempts: 2, result: { smartcardUuid: uuidFor('card-1') } });
    } finally {
      await restarted.close();
      rmSync(crashDir, { recursive: true, force: true });
    }
  });
});

describe('permanent failures', () => {
  it('moves a forbidden bind to needs-attention; retry sends it again', async () => {
    const { outbox, cm, audit } = await setup();
    cm.script.push({ fail: cmError('CM_FORBIDDEN', { status: 403 }) });
    const op = await outbox.enqueue(bindInput(1));
    await outbox.replayNow();
    expect(outbox.list()[0]).toMatchObject({ state: 'needs-attention', outcomeUnknown: false, lastError: { code: 'CM_FORBIDDEN' } });
    await outbox.replayNow(); // a replay does not touch it
    expect(cm.calls).toHaveLength(1);

    await expect(outbox.retry(op.id)).resolves.toMatchObject({ state: 'pending' });
    await outbox.replayNow();
    expect(stateOf(outbox, op.id)).toBe('done');
    expect(audit.query({ cardId: 'card-1' }).map((e) => [e.action, e.result, e.code])).toEqual([
      ['bind.queued', 'queued', null],
      ['bind.failed', 'failed', 'CM_FORBIDDEN'],
      ['outbox.retry', 'info', 'CM_FORBIDDEN'],
      ['bind.done', 'ok', null],
    ]);
  });

  it('CM_AUTH_FAILED from the scheduler leaves the operation pending with its error and holds the rest back', async () => {
    const { outbox, cm } = await setup({ concurrency: 1, backoff: { baseMs: 1_000, maxMs: 5_000, jitter: 0.5 } });
    cm.script.push({ fail: cmError('CM_AUTH_FAILED', { status: 401, outcomeUnknown: false }) });
    await outbox.enqueue(bindInput(1, REQ_A));
    await outbox.enqueue(bindInput(2, REQ_B));
    outbox.start();
    await until(outbox, (ops) => ops[0]?.state === 'pending' && ops[0].attempts === 1);
    await outbox.idle();
    expect(cm.calls).toHaveLength(1);
    expect(outbox.list()[0]).toMatchObject({ state: 'pending', outcomeUnknown: false, lastError: { code: 'CM_AUTH_FAILED' } });
    expect(outbox.list()[1]).toMatchObject({ state: 'pending', attempts: 0 });
    // Once the user has a ticket (here: the next call succeeds), a replay sends both: nothing was lost.
    await outbox.replayNow();
    expect(outbox.list().map((o) => o.state)).toEqual(['done', 'done']);
  });

  it.each([
    ['CM_NOT_FOUND', false],
    ['CM_CONFLICT', false],
    ['CM_CLIENT_ERROR', false],
    ['CM_MALFORMED_RESPONSE', true],
  ] as const)('%s makes a bind need attention (outcome unknown: %s)', async (code, unknown) => {
    const { outbox, cm } = await setup();
    cm.script.push({ fail: cmError(code) });
    await outbox.enqueue(bindInput(1));
    await outbox.replayNow();
    expect(outbox.list()[0]).toMatchObject({ state: 'needs-attention', outcomeUnknown: unknown, lastError: { code } });
  });

  it('a discard records its reason in the audit log; done operations cannot be discarded', async () => {
    const { outbox, cm, audit } = await setup();
    cm.script.push({ fail: cmError('CM_CONFLICT', { status: 409 }) });
    const op = await outbox.enqueue(bindInput(1));
    await outbox.replayNow();
    await expect(outbox.discard(op.id, '  ')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(outbox.discard(op.id, 'card was bound at another desk')).resolves.toMatchObject({ state: 'discarded' });
    const entry = audit.query({ cardId: 'card-1' }).at(-1);
    expect(entry).toMatchObject({ action: 'outbox.discard', result: 'info', message: 'card was bound at another desk', code: 'CM_CONFLICT' });
    await expect(outbox.discard(op.id, 'again')).rejects.toMatchObject({ code: 'OUTBOX_STATE' });
    await expect(outbox.retry(op.id)).rejects.toMatchObject({ code: 'OUTBOX_STATE' });
    await expect(outbox.retry('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ code: 'OUTBOX_NOT_FOUND' });
  });

  it('holds back a retire whose bind was discarded instead of retiring the old card alone', async () => {
    const { outbox, cm, audit } = await setup();
    // A refusal verified three times (not bound each time) ends in needs-attention.
    cm.bindRefusals.push(...[1, 2, 3].map(() => cmError('CM_CONFLICT', { status: 409 })));
    const bind = await outbox.enqueue(bindInput(1, REQ_C));
    const retire = await outbox.enqueue(retireInput(REQ_C));
    for (let i = 0; i < 3; i++) await outbox.replayNow();
    expect(outbox.list().find((op) => op.id === bind.id)).toMatchObject({ refusals: 3, lastError: { code: 'CM_REFUSED' } });
    expect([stateOf(outbox, bind.id), stateOf(outbox, retire.id)]).toEqual(['needs-attention', 'pending']);
    await outbox.discard(bind.id, 'wrong card');
    expect(outbox.list().find((op) => op.id === retire.id)).toMatchObject({ state: 'needs-attention', lastError: { code: 'OUTBOX_STATE' } });
    expect(audit.query({ requestId: REQ_C }).at(-1)).toMatchObject({ action: 'retire.failed', smartcardUuid: OLD_CARD });
    // The operator may still retire it deliberately.
    await outbox.retry(retire.id);
    await outbox.replayNow();
    expect(stateOf(outbox, retire.id)).toBe('done');
    // Each of the 3 refusals was verified (lookup + request) before it was counted; the retire went once.
    expect(cm.calls.map((c) => c.method)).toEqual([
      ...['bind', 'find', 'request'],
      ...['bind', 'find', 'request'],
      ...['bind', 'find', 'request'],
      'get',
      'request',
      'retire',
    ]);
  });
});

describe('restart and retention', () => {
  it('rebuilds every operation and its state from the journal', async () => {
    const h = await setup();
    h.cm.script.push({ ok: true }, { fail: cmError('CM_FORBIDDEN') });
    await h.outbox.enqueue(bindInput(1, REQ_A));
    await h.outbox.enqueue(bindInput(2, REQ_B));
    await h.outbox.replayNow();
    await h.outbox.enqueue(retireInput(REQ_C));
    const before = h.outbox.list();
    expect(before.map((op) => op.state)).toEqual(['done', 'needs-attention', 'pending']);
    await h.outbox.close();
    const reopened = await h.open();
    expect(reopened.list()).toEqual(before);
    await reopened.close();
  });

  it('drops done and discarded operations past retention at compaction, never pending ones', async () => {
    const h = await setup({ retentionDays: 7 });
    h.cm.script.push({ ok: true }, { fail: cmError('CM_FORBIDDEN') });
    const old = await h.outbox.enqueue(bindInput(1, REQ_A));
    const discarded = await h.outbox.enqueue(bindInput(2, REQ_B));
    await h.outbox.replayNow();
    await h.outbox.discard(discarded.id, 'duplicate');
    h.clock.advance(6 * 86_400_000);
    const recent = await h.outbox.enqueue(bindInput(3, REQ_C));
    await h.outbox.replayNow();
    const pending = await h.outbox.enqueue(retireInput('eeeeeeee-0000-4000-8000-000000000005'));
    h.clock.advance(2 * 86_400_000);
    expect(h.outbox.list().map((op) => [op.id, op.state])).toEqual([
      [old.id, 'done'],
      [discarded.id, 'discarded'],
      [recent.id, 'done'],
      [pending.id, 'pending'],
    ]);
    await h.outbox.compact();
    // Gone from memory, from the journal, and after a restart: the 8-day-old done and discarded ones.
    expect(h.outbox.list().map((op) => [op.id, op.state])).toEqual([
      [recent.id, 'done'],
      [pending.id, 'pending'],
    ]);
    expect([...(await journaled(h.dir)).keys()]).toEqual([recent.id, pending.id]);
    await h.outbox.close();
    const reopened = await h.open();
    expect(reopened.list().map((op) => op.id)).toEqual([recent.id, pending.id]);
    await reopened.close();
  });

  it('compacts by itself once retries have grown the journal, keeping the live state', async () => {
    const h = await setup();
    const failures = 400;
    // Refused connections: transient, never reached CM, so no proof and no refusal counting.
    for (let i = 0; i < failures; i++) h.cm.script.push({ fail: cmError('CM_OFFLINE', { outcomeUnknown: false, reason: 'refused' }) });
    const op = await h.outbox.enqueue(bindInput(1));
    for (let i = 0; i < failures; i++) await h.outbox.replayNow();
    expect(h.outbox.list()[0]).toMatchObject({ state: 'pending', attempts: failures });
    await h.outbox.replayNow();
    expect(h.outbox.list()[0]).toMatchObject({ id: op.id, state: 'done', attempts: failures + 1 });
    // 1 + 2 x 401 records were written; compaction kept far fewer.
    const { journal, records } = await openJournal({ path: join(h.dir, 'outbox.journal'), schema: outboxOperationSchema });
    await journal.close();
    expect(records.length).toBeLessThan(600);
    expect(records.at(-1)).toMatchObject({ id: op.id, state: 'done' });
  });
});

// Issue #17, part 3: route `retire-request` (cm-rest-api.md "Retiring"): POST /requests
// {"type":"Retire","smartcard":"<scid>",...} (create-request.md), wait while Pending, then
// PUT /requests/{retire request}/smartcards/{scid} (update-smartcard-status.md).
describe('retire route retire-request', () => {
  const viaRetireRequest = () => ({ ...retireInput(REQ_A), route: 'retire-request' as const });

  it('creates the Retire request once, journals its id, waits visibly while it is Pending, then retires under its id', async () => {
    const h = await setup();
    const op = await h.outbox.enqueue(viaRetireRequest());
    await h.outbox.replayNow();
    const created = h.cm.retireRequests.get(OLD_CARD);
    expect(created).toMatchObject({ status: 'Pending' });
    // The id is on disk before anything else is sent; the request waits for approval, shown as such.
    expect((await journaled(h.dir)).get(op.id)).toMatchObject({ retireRequestId: created!.uuid });
    expect(h.outbox.list()[0]).toMatchObject({ state: 'pending', retireRequestId: created!.uuid, waiting: { on: 'retire-request', lastStatus: 'Pending' } });
    expect(h.cm.calls.filter((c) => c.method === 'retire')).toEqual([]);
    expect(h.audit.query({ requestId: REQ_A }).map((e) => e.message)).toContainEqual(expect.stringMatching(/^Retire request .* created in CM/));

    created!.status = 'Approved';
    await h.outbox.replayNow();
    expect(h.outbox.list()[0]).toMatchObject({ state: 'done', result: { smartcardUuid: OLD_CARD } });
    expect(h.cm.calls.filter((c) => c.method === 'retire')).toEqual([{ method: 'retire', requestId: created!.uuid, smartcardUuid: OLD_CARD }]);
    expect(h.cm.calls.filter((c) => c.method === 'create-retire')).toHaveLength(1);
  });

  it('a POST whose answer was lost is found again, never created twice', async () => {
    const h = await setup();
    // CM creates the request, but the station dies before the answer is recorded.
    const gate = deferred<void>();
    h.cm.script.push({ ok: true }, { ok: true }, { wait: gate });
    const op = await h.outbox.enqueue(viaRetireRequest());
    const replay = h.outbox.replayNow();
    await h.cm.callsReach(3); // get, request, then the POST is out: the station "dies" now
    expect(h.cm.calls.at(-1)?.method).toBe('create-retire');
    const crashDir = mkdtempSync(join(tmpdir(), 'outbox-crash-'));
    copyFileSync(join(h.dir, 'outbox.journal'), join(crashDir, 'outbox.journal'));
    gate.resolve();
    await replay;
    h.cm.calls.length = 0;
    const restarted = await h.open({ dir: crashDir });
    try {
      expect(restarted.list()[0]).toMatchObject({ id: op.id, state: 'pending', outcomeUnknown: true, retireRequestId: null });
      await restarted.replayNow();
      expect(h.cm.calls.map((c) => c.method)).toEqual(['get', 'request', 'find-retire', 'get', 'request', 'request']);
      expect(restarted.list()[0]).toMatchObject({ retireRequestId: h.cm.retireRequests.get(OLD_CARD)!.uuid, waiting: { on: 'retire-request' } });
    } finally {
      await restarted.close();
      rmSync(crashDir, { recursive: true, force: true });
    }
  });

  it('a Denied Retire request needs a person with the reason; retry creates a new one', async () => {
    const h = await setup();
    const op = await h.outbox.enqueue(viaRetireRequest());
    await h.outbox.replayNow();
    h.cm.retireRequests.get(OLD_CARD)!.status = 'Denied';
    await h.outbox.replayNow();
    expect(h.outbox.list()[0]).toMatchObject({ state: 'needs-attention', lastError: { code: 'RETIRE_REQUEST_ENDED' } });
    expect(h.outbox.list()[0]!.lastError?.message).toMatch(/is Denied in CM/);
    await h.outbox.retry(op.id);
    await h.outbox.replayNow();
    expect(h.cm.calls.filter((c) => c.method === 'create-retire')).toHaveLength(2);
  });

  it('before any PUT, online: a card CM shows assigned to another user is not retired (either route)', async () => {
    const h = await setup();
    h.cm.existing.delete(OLD_CARD);
    // The card now belongs to someone else: bound to another request's user in this fake.
    h.cm.bound.set('someone-elses', OLD_CARD);
    const getSmartcard = h.cm.getSmartcard.bind(h.cm);
    h.cm.getSmartcard = async (uuid) => {
      const card = await getSmartcard(uuid);
      return card === null ? null : { ...card, status: 'Active', assignedUserUuid: '99999999-8888-4777-8666-555555555555' };
    };
    await h.outbox.enqueue(retireInput(REQ_A));
    await h.outbox.enqueue(viaRetireRequest());
    await h.outbox.replayNow();
    expect(h.outbox.list().map((o) => [o.state, o.lastError?.code])).toEqual([
      ['needs-attention', 'RETIRE_OWNER_MISMATCH'],
      ['needs-attention', 'RETIRE_OWNER_MISMATCH'],
    ]);
    expect(h.cm.calls.filter((c) => c.method === 'retire' || c.method === 'create-retire')).toEqual([]);
  });
});

// Issue #17, part 4: an IIS 503 page three times is an outage, not "CM refused".
describe('outage is not refusal', () => {
  it('a bind answered by 503 pages stays pending with no refusal counted, then is sent when CM is back', async () => {
    const { outbox, cm } = await setup();
    const op = await outbox.enqueue(bindInput(1));
    for (let i = 0; i < 3; i++) {
      cm.script.push({ fail: cmError('CM_UNAVAILABLE', { status: 503, outcomeUnknown: false }) });
      await outbox.replayNow();
    }
    expect(outbox.list()[0]).toMatchObject({ id: op.id, state: 'pending', refusals: 0, checkedRefusals: 0, lastError: { code: 'CM_UNAVAILABLE' } });
    await outbox.replayNow();
    expect(outbox.list()[0]).toMatchObject({ state: 'done', refusals: 0 });
  });
});
