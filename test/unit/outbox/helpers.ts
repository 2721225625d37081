import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuditLog, type AuditLog } from '../../../src/main/audit';
import { openJournal } from '../../../src/main/journal';
import { createOutbox, type Outbox, type OutboxCmPort, type OutboxOptions, type Timers } from '../../../src/main/outbox';
import type { CardRecord, RequestRecord } from '../../../src/main/outbox/port';
import { StationError, type ErrorCode } from '../../../src/shared/errors';
import { outboxOperationSchema, type OutboxOperation } from '../../../src/shared/outbox';
import { reportListenerErrorToStderr } from '../../../src/main/common';

export const REQ_A = 'aaaaaaaa-0000-4000-8000-000000000001';
export const REQ_B = 'bbbbbbbb-0000-4000-8000-000000000002';
export const REQ_C = 'cccccccc-0000-4000-8000-000000000003';
export const OLD_CARD = 'dddddddd-0000-4000-8000-000000000004';

/** A clock whose timers fire only when the test advances it; counts live timers. */
export class FakeClock implements Timers {
  ms = Date.parse('2026-03-01T09:00:00.000Z');
  private readonly timers = new Map<number, { at: number; fn: () => void }>();
  private nextHandle = 1;
  now = (): Date => new Date(this.ms);
  setTimeout = (fn: () => void, ms: number): unknown => {
    const handle = this.nextHandle++;
    this.timers.set(handle, { at: this.ms + ms, fn });
    return handle;
  };
  clearTimeout = (handle: unknown): void => {
    this.timers.delete(handle as number);
  };
  get liveTimers(): number {
    return this.timers.size;
  }
  get nextTimerAt(): number | null {
    let min: number | null = null;
    for (const t of this.timers.values()) min = Math.min(min ?? Infinity, t.at);
    return min;
  }
  /** Move time forward, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const target = this.ms + ms;
    for (;;) {
      let due: [number, { at: number; fn: () => void }] | null = null;
      for (const entry of this.timers) if (entry[1].at <= target && (due === null || entry[1].at < due[1].at)) due = entry;
      if (due === null) break;
      this.timers.delete(due[0]);
      this.ms = due[1].at;
      due[1].fn();
    }
    this.ms = target;
  }
}

type Deferred<T> = { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void };
export function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export type CmCall =
  | { method: 'bind'; requestId: string; cardId: string; atr: string }
  | { method: 'retire'; requestId: string; smartcardUuid: string }
  | { method: 'find'; cardId: string }
  | { method: 'request'; requestId: string }
  | { method: 'get'; smartcardUuid: string }
  | { method: 'create-retire'; smartcardUuid: string }
  | { method: 'find-retire'; smartcardUuid: string };

/** What a scripted CM call does: answer, fail, or wait for the test. */
export type Reply = { ok: true } | { fail: StationError } | { wait: Deferred<void> };

/** CM as the outbox sees it, with every call recorded and each answer scriptable. */
export class FakeCm implements OutboxCmPort {
  readonly calls: CmCall[] = [];
  /** smart card uuid per card id once bound, as CM would keep it. */
  readonly bound = new Map<string, string>();
  /** The request each bound card went to (absent: the request the proof asks about). */
  readonly boundTo = new Map<string, string>();
  /** Cards retired so far. */
  readonly retired = new Set<string>();
  /** Cards CM holds before the test (Active, the request's user's): what a retire checks before its PUT. */
  readonly existing = new Set<string>([OLD_CARD]);
  /** Retire requests created (route retire-request), by card; their status. */
  readonly retireRequests = new Map<string, { uuid: string; status: string }>();
  inFlight = 0;
  maxInFlight = 0;
  /** Replies used in order; when empty, calls succeed. */
  readonly script: Reply[] = [];
  private readonly waiters: Array<{ count: number; resolve: () => void }> = [];

  /** Resolves once `count` calls have been made in total. */
  callsReach(count: number): Promise<void> {
    if (this.calls.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  private async run<T>(call: CmCall, answer: () => T): Promise<T> {
    this.calls.push(call);
    for (const w of this.waiters.filter((w) => this.calls.length >= w.count)) {
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve();
    }
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      const reply = this.script.shift() ?? { ok: true };
      if ('wait' in reply) await reply.wait.promise;
      if ('fail' in reply) throw reply.fail;
      return answer();
    } finally {
      this.inFlight--;
    }
  }

  /** Refusals for binds only, used before the script (lookups are not affected). */
  readonly bindRefusals: StationError[] = [];

  bind(args: { requestId: string; cardId: string; atr: string }): Promise<{ smartcardUuid: string }> {
    return this.run({ method: 'bind', ...args }, () => {
      const refusal = this.bindRefusals.shift();
      if (refusal !== undefined) throw refusal;
      const uuid = uuidFor(args.cardId);
      this.bound.set(args.cardId, uuid);
      this.boundTo.set(args.cardId, args.requestId);
      return { smartcardUuid: uuid };
    });
  }

  retire(args: { requestId: string; smartcardUuid: string }): Promise<'retired' | 'unconfirmed'> {
    return this.run({ method: 'retire', ...args }, () => {
      this.retired.add(args.smartcardUuid);
      return 'retired' as const;
    });
  }

  findSmartcardsByCardId(cardId: string): Promise<CardRecord[]> {
    return this.run({ method: 'find', cardId }, () => {
      const uuid = this.bound.get(cardId);
      return uuid === undefined ? [] : [{ uuid, status: 'Assigned', cardId, assignedUserUuid: null, profileTemplateUuid: null }];
    });
  }

  getSmartcard(smartcardUuid: string): Promise<CardRecord | null> {
    return this.run({ method: 'get', smartcardUuid }, () => {
      if (this.retired.has(smartcardUuid))
        return { uuid: smartcardUuid, status: 'Retired', cardId: 'old', assignedUserUuid: FAKE_USER, profileTemplateUuid: null };
      if (this.existing.has(smartcardUuid))
        return { uuid: smartcardUuid, status: 'Active', cardId: `old-${smartcardUuid}`, assignedUserUuid: FAKE_USER, profileTemplateUuid: null };
      const entry = [...this.bound].find(([, uuid]) => uuid === smartcardUuid);
      return entry === undefined ? null : { uuid: smartcardUuid, status: 'Assigned', cardId: entry[0], assignedUserUuid: FAKE_USER, profileTemplateUuid: null };
    });
  }

  getRequest(requestId: string): Promise<RequestRecord | null> {
    return this.run({ method: 'request', requestId }, () => {
      const retireRequest = [...this.retireRequests].find(([, r]) => r.uuid === requestId);
      if (retireRequest !== undefined) {
        const [card, { uuid, status }] = retireRequest;
        return { uuid, status, type: 'Unknown(7)', newSmartcardUuid: null, oldSmartcardUuid: card, targetUserUuid: FAKE_USER, profileTemplateUuid: null };
      }
      const card = [...this.bound].find(([cardId]) => (this.boundTo.get(cardId) ?? requestId) === requestId);
      return {
        uuid: requestId,
        status: 'Approved',
        type: 'Enroll',
        newSmartcardUuid: card?.[1] ?? null,
        oldSmartcardUuid: null,
        targetUserUuid: FAKE_USER,
        profileTemplateUuid: null,
      };
    });
  }

  createRetireRequest(args: { smartcardUuid: string }): Promise<{ requestId: string }> {
    return this.run({ method: 'create-retire', ...args }, () => {
      const uuid = `7e000000-0000-4000-8000-${String(this.retireRequests.size + 1).padStart(12, '0')}`;
      this.retireRequests.set(args.smartcardUuid, { uuid, status: 'Pending' });
      return { requestId: uuid };
    });
  }

  findOpenRetireRequests(smartcardUuid: string): Promise<RequestRecord[]> {
    return this.run({ method: 'find-retire', smartcardUuid }, () => {
      const found = this.retireRequests.get(smartcardUuid);
      if (found === undefined || !['Pending', 'Approved', 'Executing'].includes(found.status)) return [];
      return [
        {
          uuid: found.uuid,
          status: found.status,
          type: 'Unknown(7)',
          newSmartcardUuid: null,
          oldSmartcardUuid: smartcardUuid,
          targetUserUuid: FAKE_USER,
          profileTemplateUuid: null,
        },
      ];
    });
  }
}

/** The user every request and card of the fake CM belongs to (owner check before a retire). */
export const FAKE_USER = '8f1590dc-d932-4b66-8e68-2e91c5880780';

/** A deterministic CM uuid for a card id. */
export function uuidFor(cardId: string): string {
  const hex = Buffer.from(cardId).toString('hex').padEnd(12, '0').slice(0, 12);
  return `5c000000-0000-4000-8000-${hex}`;
}

export function cmError(code: ErrorCode, details: Record<string, string | number | boolean | null> = {}): StationError {
  return new StationError(code, `simulated ${code}`, details);
}

export function bindInput(n: number, requestId = REQ_A) {
  return {
    kind: 'bind' as const,
    requestId,
    cardId: `card-${n}`,
    atr: '3b8d0180fba000000397425446590301c8',
    reader: 'Reader 0',
  };
}

export function retireInput(requestId = REQ_A, smartcardUuid = OLD_CARD) {
  return { kind: 'retire' as const, requestId, smartcardUuid };
}

export interface Harness {
  dir: string;
  clock: FakeClock;
  cm: FakeCm;
  audit: AuditLog;
  outbox: Outbox;
  open(overrides?: Partial<OutboxOptions>): Promise<Outbox>;
}

export async function harness(overrides: Partial<OutboxOptions> = {}, dir = mkdtempSync(join(tmpdir(), 'outbox-test-'))): Promise<Harness> {
  const clock = new FakeClock();
  const cm = new FakeCm();
  const audit = await createAuditLog({ dir, now: clock.now });
  const open = (more: Partial<OutboxOptions> = {}) =>
    createOutbox({
      onListenerError: reportListenerErrorToStderr,
      dir,
      now: clock.now,
      random: () => 0,
      cm,
      concurrency: 4,
      backoff: { baseMs: 1_000, maxMs: 60_000, jitter: 0.5 },
      audit,
      actor: 'CONTOSO\\operator',
      retentionDays: 30,
      timers: clock,
      ...overrides,
      ...more,
    });
  return { dir, clock, cm, audit, outbox: await open(), open };
}

/** Resolves when the outbox's operations satisfy `predicate` (checked now and after every change). */
export function until(outbox: Outbox, predicate: (ops: OutboxOperation[]) => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (predicate(outbox.list())) return resolve();
    const off = outbox.subscribe(() => {
      if (predicate(outbox.list())) {
        off();
        resolve();
      }
    });
  });
}

export const stateOf = (outbox: Outbox, id: string) => outbox.list().find((op) => op.id === id)?.state;

/** The last journaled record per operation id, read straight from the file. */
export async function journaled(dir: string): Promise<Map<string, OutboxOperation>> {
  const { records, journal } = await openJournal({ path: join(dir, 'outbox.journal'), schema: outboxOperationSchema });
  await journal.close();
  return new Map(records.map((r) => [r.id, r]));
}
