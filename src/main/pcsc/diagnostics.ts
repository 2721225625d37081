// One look at the smart card stack for IT and support: is the service up, which readers, which cards
// (ATR, what it means, model, identifier). Runs once and releases everything; no monitor involved.
import type { DiagnosticsCard, DiagnosticsReader, DiagnosticsReport } from '../../shared/diagnostics';
import { toErrorPayload } from '../../shared/errors';
import { parseAtr } from './atr';
import type { ContextListener, PcscBinding, PcscContext, ReaderStatus } from './binding';
import type { CardModelMatcher } from './card-models';
import { readCardIdentity } from './identify';
import { createReaderFilter, type ReaderFilterConfig } from './reader-filter';
import type { ServiceProbe } from './service-probe';

export interface DiagnosticsDeps {
  readonly binding: PcscBinding;
  readonly probe: ServiceProbe;
  readonly matcher: CardModelMatcher;
  readonly readerFilter?: ReaderFilterConfig;
  /** Bound for reading each card's identifier (a mute card must not hang the report). */
  readonly identifyTimeoutMs?: number;
}

/** How long to wait for the first reader list and each reader's first status (both come at once). */
const FIRST_REPORT_TIMEOUT_MS = 2_000;

export async function runDiagnostics(deps: DiagnosticsDeps): Promise<DiagnosticsReport> {
  // Every report says how the service was asked about (as pcsc_scan names its mechanism).
  const { mechanism } = deps.probe;
  const down: DiagnosticsReport = { service: 'down', mechanism, readers: [] };
  const visible = createReaderFilter(deps.readerFilter);
  // Probe first: creating a context while the service is down would spin (see service-probe.ts).
  if (!(await deps.probe.isUp())) return down;

  const events = new ContextEvents();
  let context: PcscContext;
  try {
    context = deps.binding.establish(events.listener);
  } catch {
    // No context: the report says the service is down, which is what it means.
    return down;
  }
  try {
    const names = await events.firstReaders();
    if (names === null) return down;
    const readers: DiagnosticsReader[] = [];
    for (const name of names.filter(visible)) {
      context.watch(name);
      const status = await events.firstStatus(name);
      if (status === 'lost') return down;
      readers.push({ name, card: status?.present ? await describeCard(deps, context, name, status.atr) : null });
    }
    return events.isLost() ? down : { service: 'up', mechanism, readers };
  } finally {
    context.close();
  }
}

async function describeCard(deps: DiagnosticsDeps, context: PcscContext, reader: string, atr: string): Promise<DiagnosticsCard> {
  let atrInfo: DiagnosticsCard['atrInfo'] = null;
  let model: string | null = null;
  try {
    atrInfo = parseAtr(atr);
    model = deps.matcher.match(atr)?.name ?? null;
  } catch {
    // ATR_INVALID: reported as atrInfo null; the identifier may still be readable.
  }
  try {
    const identifier = await readCardIdentity(context, reader, { timeoutMs: deps.identifyTimeoutMs });
    return { atr, atrInfo, model, identifier, identifierError: null };
  } catch (err) {
    return { atr, atrInfo, model, identifier: { kind: 'none', value: null }, identifierError: toErrorPayload(err) };
  }
}

/** Turns the binding's callbacks into "the first report of X", each bounded by a timeout. */
class ContextEvents {
  private readers: readonly string[] | null = null;
  private lost = false;
  private readonly statuses = new Map<string, ReaderStatus>();
  private readonly waiters = new Set<() => void>();

  readonly listener: ContextListener = {
    readers: (names) => {
      this.readers ??= names;
      this.wake();
    },
    status: (reader, status) => {
      if (!this.statuses.has(reader)) this.statuses.set(reader, status);
      this.wake();
    },
    lost: () => {
      this.lost = true;
      this.wake();
    },
  };

  isLost(): boolean {
    return this.lost;
  }

  /** The reader names, or null if the context was lost or nothing came in time. */
  async firstReaders(): Promise<readonly string[] | null> {
    await this.until(() => this.readers !== null || this.lost);
    return this.lost ? null : this.readers;
  }

  /** The reader's first status; null if none came in time; 'lost' if the context died. */
  async firstStatus(reader: string): Promise<ReaderStatus | null | 'lost'> {
    await this.until(() => this.statuses.has(reader) || this.lost);
    return this.lost ? 'lost' : (this.statuses.get(reader) ?? null);
  }

  private until(done: () => boolean): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const check = () => {
        if (done()) finish();
      };
      const timer = setTimeout(finish, FIRST_REPORT_TIMEOUT_MS);
      this.waiters.add(check);
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
