// The station's one reader monitor. Event-driven: the binding's SCardGetStatusChange threads report
// reader arrival/removal (PnP) and card insert/remove; nothing here polls while the service is up.
//
// Service restarts: a context does not survive pcscd stopping (the addon's listener never recovers),
// so when the binding reports the context lost the monitor reports service 'down' with no readers,
// closes the old context and establishes a new one once the service is back. While down it probes
// cheaply (see service-probe.ts) on every hint from the socket directory watcher, plus a backstop
// timer that backs off to RETRY_MAX_MS, so it recovers within about a second of the service returning
// without a busy loop while it is away.
//
// The hints are watched while the service is up too: on a clean stop pcscd first removes its readers
// and then exits, and the addon can report that as an empty reader list and swallow the error that
// follows (its worker thread and the main thread race on one result slot). The socket being unlinked,
// confirmed by a failed probe, is then the sign that the context is dead; and since a platform may
// offer no hints at all, an empty reader list is also confirmed by one probe EMPTY_LIST_CHECK_MS later.
import { StationError, toErrorPayload } from '../../shared/errors';
import type { CardIdentifier, CardIdentityState, CardState, ReadersSnapshot, ReaderState, ServiceState } from '../../shared/readers';
import { createListenerSet, type ListenerErrorReporter, type ListenerSet } from '../common';
import type { CardConnection, PcscBinding, PcscContext, ReaderStatus } from './binding';
import { cardRemovedError, serviceDownError } from './errors';
import { readCardIdentity, type IdentifyOptions } from './identify';
import { createReaderFilter, type ReaderFilterConfig } from './reader-filter';
import type { ServiceProbe } from './service-probe';
import { reportFailure } from '../common';

export interface ReaderMonitorDeps {
  readonly binding: PcscBinding;
  readonly probe: ServiceProbe;
  /** Timestamps for `insertedAt`. */
  readonly now: () => Date;
  /** Reader name patterns (globs, see src/shared/reader-patterns.ts); an invalid one is ignored, never thrown. */
  readonly readerFilter?: ReaderFilterConfig;
  /** Read each inserted card's identifier (default on); `false` leaves `identity` out of card states. */
  readonly identify?: false | IdentifyOptions;
  /** Backstop retry delays while the service is down (tests shorten them). */
  readonly retry?: { readonly initialMs: number; readonly maxMs: number };
  /** Where a failing listener is reported (the diagnostic log). */
  readonly onListenerError: ListenerErrorReporter;
}

export interface ReaderMonitor {
  snapshot(): ReadersSnapshot;
  /** Called with every new snapshot. Returns the unsubscribe function. */
  subscribe(listener: (snapshot: ReadersSnapshot) => void): () => void;
  /**
   * Reads the card in `reader` again now (e.g. right before binding it). The ATR is the one recorded
   * for the current insertion: if the card is swapped or removed while it is read, this fails with
   * PCSC_CARD_REMOVED rather than mixing two cards. Also PCSC_SERVICE_DOWN, PCSC_READER_NOT_FOUND,
   * PCSC_NO_CARD, and the errors of readCardIdentity.
   */
  reread(reader: string): Promise<{ atr: string; identifier: CardIdentifier }>;
  /** A SHARED connection to the card in `reader` over the monitor's context (desk issuance's PIV sessions). */
  connect(reader: string): Promise<CardConnection>;
  /** Stops watching and releases the PC/SC context. */
  close(): Promise<void>;
}

const RETRY_INITIAL_MS = 100;
const RETRY_MAX_MS = 1_000;
const EMPTY_LIST_CHECK_MS = 500;

interface TrackedReader {
  /** False until the reader's first status report: until then "no card" would be a guess. */
  known: boolean;
  card: CardState | null;
  eventCount: number;
}

type Phase = { readonly kind: 'connecting' } | { readonly kind: 'up'; readonly context: PcscContext } | { readonly kind: 'down' } | { readonly kind: 'closed' };

export function createReaderMonitor(deps: ReaderMonitorDeps): ReaderMonitor {
  return new PcscReaderMonitor(deps);
}

class PcscReaderMonitor implements ReaderMonitor {
  private phase: Phase = { kind: 'connecting' };
  private service: ServiceState = 'starting';
  private readonly readers = new Map<string, TrackedReader>();
  /** Per reader name, across contexts: an insertion number never repeats while the station runs. */
  private readonly insertions = new Map<string, number>();
  private readonly listeners: ListenerSet<[ReadersSnapshot]>;
  private readonly visible: (name: string) => boolean;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  private retryDelayMs: number;
  private retryTimer: NodeJS.Timeout | null = null;
  private emptyListCheck: NodeJS.Timeout | null = null;
  private readonly stopWatching: () => void;
  private attempting = false;
  private attemptAgain = false;
  private current: ReadersSnapshot = { service: 'starting', readers: [] };

  constructor(private readonly deps: ReaderMonitorDeps) {
    this.listeners = createListenerSet('reader monitor', deps.onListenerError);
    this.visible = createReaderFilter(deps.readerFilter);
    const retry = deps.retry ?? deps.probe.retry;
    this.retryInitialMs = retry?.initialMs ?? RETRY_INITIAL_MS;
    this.retryMaxMs = retry?.maxMs ?? RETRY_MAX_MS;
    this.retryDelayMs = this.retryInitialMs;
    this.stopWatching = deps.probe.watch(() => {
      this.onHint().catch(reportFailure('reader monitor: service hint'));
    });
    this.attempt().catch(reportFailure('reader monitor: first attempt'));
  }

  snapshot(): ReadersSnapshot {
    return this.current;
  }

  subscribe(listener: (snapshot: ReadersSnapshot) => void): () => void {
    return this.listeners.add(listener);
  }

  async reread(name: string): Promise<{ atr: string; identifier: CardIdentifier }> {
    const phase = this.phase;
    if (phase.kind !== 'up') throw serviceDownError('reread');
    const tracked = this.readers.get(name);
    const card = tracked?.known ? tracked.card : undefined;
    if (card === undefined) throw new StationError('PCSC_READER_NOT_FOUND', 'The reader is no longer connected. Plug it in again.', { reader: name });
    if (card === null) throw new StationError('PCSC_NO_CARD', 'There is no card in the reader. Insert the card.', { reader: name });
    const identifier = await readCardIdentity(phase.context, name, this.deps.identify || {});
    const now = this.readers.get(name)?.card;
    if (this.phase !== phase || now?.insertion !== card.insertion) throw cardRemovedError(name);
    this.setIdentity(name, card.insertion, { status: 'read', identifier });
    return { atr: card.atr, identifier };
  }

  connect(name: string): Promise<CardConnection> {
    const phase = this.phase;
    if (phase.kind !== 'up') return Promise.reject(serviceDownError('connect'));
    return phase.context.connect(name);
  }

  async close(): Promise<void> {
    const phase = this.phase;
    this.phase = { kind: 'closed' };
    this.stopRetrying();
    this.stopWatching();
    this.listeners.clear();
    if (phase.kind === 'up') phase.context.close();
    // The context closes its native objects on the next turn of the event loop (never inside one of
    // the addon's callbacks); resolve after that so callers can count handles right away.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
  }

  // --- service up/down ----------------------------------------------------------------------------

  /** The service may have come or gone: confirm a suspected outage, or try to reconnect. */
  private async onHint(): Promise<void> {
    const phase = this.phase;
    if (phase.kind !== 'up') {
      await this.attempt();
      return;
    }
    if (!(await this.deps.probe.isUp()) && this.phase === phase) this.onLost(phase.context);
  }

  /** Probe, and establish a context if the service is up. Hints that arrive meanwhile coalesce. */
  private async attempt(): Promise<void> {
    if (this.attempting) {
      this.attemptAgain = true;
      return;
    }
    this.attempting = true;
    try {
      do {
        this.attemptAgain = false;
        if (this.phase.kind !== 'connecting' && this.phase.kind !== 'down') return;
        if (!(await this.deps.probe.isUp())) continue;
        if (this.phase.kind !== 'connecting' && this.phase.kind !== 'down') return;
        if (this.establish()) return;
      } while (this.attemptAgain);
      this.enterDown();
    } finally {
      this.attempting = false;
    }
  }

  private establish(): boolean {
    let context: PcscContext;
    try {
      context = this.deps.binding.establish({
        readers: (names) => {
          if (this.phase.kind === 'up' && this.phase.context === context) this.onReaders(context, names);
        },
        status: (reader, status) => {
          if (this.phase.kind === 'up' && this.phase.context === context) this.onStatus(context, reader, status);
        },
        lost: () => {
          if (this.phase.kind === 'up' && this.phase.context === context) this.onLost(context);
        },
      });
    } catch {
      // The service went away between the probe and the context; the retry path takes it from here.
      return false;
    }
    this.phase = { kind: 'up', context };
    this.stopRetrying();
    this.retryDelayMs = this.retryInitialMs;
    this.service = 'up';
    this.publish();
    return true;
  }

  private onLost(context: PcscContext): void {
    context.close();
    this.readers.clear();
    this.phase = { kind: 'down' };
    this.enterDown();
    // pcscd may already be back (a quick restart): look at once rather than after the first delay.
    this.attempt().catch(reportFailure('reader monitor: reconnect'));
  }

  private enterDown(): void {
    if (this.phase.kind === 'closed') return;
    this.phase = { kind: 'down' };
    if (this.service !== 'down' || this.readers.size > 0) {
      this.readers.clear();
      this.service = 'down';
      this.publish();
    }
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.attempt().catch(reportFailure('reader monitor: retry'));
    }, this.retryDelayMs);
    this.retryDelayMs = Math.min(this.retryDelayMs * 2, this.retryMaxMs);
  }

  private stopRetrying(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.emptyListCheck) clearTimeout(this.emptyListCheck);
    this.emptyListCheck = null;
  }

  // --- readers and cards ----------------------------------------------------------------------------

  private onReaders(context: PcscContext, names: readonly string[]): void {
    const shown = names.filter(this.visible);
    let changed = false;
    for (const name of [...this.readers.keys()]) {
      if (shown.includes(name)) continue;
      context.unwatch(name);
      this.readers.delete(name);
      changed = true;
    }
    for (const name of shown) {
      if (this.readers.has(name)) continue;
      this.readers.set(name, { known: false, card: null, eventCount: -1 });
      context.watch(name);
      changed = true;
    }
    if (changed) this.publish();
    if (names.length === 0 && !this.emptyListCheck) {
      this.emptyListCheck = setTimeout(() => {
        this.emptyListCheck = null;
        this.onHint().catch(reportFailure('reader monitor: empty list check'));
      }, EMPTY_LIST_CHECK_MS);
    }
  }

  private onStatus(context: PcscContext, name: string, status: ReaderStatus): void {
    const reader = this.readers.get(name);
    if (!reader) return;
    const firstReport = !reader.known;
    reader.known = true;
    const previous = reader.card;
    const sameInsertion = previous !== null && reader.eventCount === status.eventCount && previous.atr === status.atr;
    reader.eventCount = status.eventCount;
    if (!status.present) {
      if (previous === null && !firstReport) return;
      reader.card = null;
      this.publish();
      return;
    }
    // Status also changes when a program connects (INUSE/EXCLUSIVE): same count and ATR, same card.
    if (sameInsertion) return;
    const insertion = (this.insertions.get(name) ?? 0) + 1;
    this.insertions.set(name, insertion);
    const identify = this.deps.identify ?? {};
    reader.card = {
      atr: status.atr,
      insertion,
      insertedAt: this.deps.now().toISOString(),
      ...(identify === false ? {} : { identity: { status: 'reading' } }),
    };
    this.publish();
    if (identify !== false) this.identify(context, name, insertion, identify).catch(reportFailure('reader monitor: card identification'));
  }

  private async identify(context: PcscContext, name: string, insertion: number, options: IdentifyOptions): Promise<void> {
    let identity: CardIdentityState;
    try {
      identity = { status: 'read', identifier: await readCardIdentity(context, name, options) };
    } catch (err) {
      identity = { status: 'failed', error: toErrorPayload(err) };
    }
    if (this.phase.kind === 'up' && this.phase.context === context) this.setIdentity(name, insertion, identity);
  }

  /** Only if the same insertion is still in the reader: a card swapped meanwhile gets its own read. */
  private setIdentity(name: string, insertion: number, identity: CardIdentityState): void {
    const reader = this.readers.get(name);
    if (!reader?.card || reader.card.insertion !== insertion) return;
    reader.card = { ...reader.card, identity };
    this.publish();
  }

  private publish(): void {
    const readers: ReaderState[] = [...this.readers].filter(([, reader]) => reader.known).map(([name, reader]) => ({ name, card: reader.card }));
    this.current = { service: this.service, readers };
    this.listeners.emit(this.current);
  }
}
