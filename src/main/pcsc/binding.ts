// The one adapter over the native PC/SC addon (@pokusew/pcsclite). Everything else in the station
// talks to the small PcscBinding interface below, so training mode and unit tests can drive the
// monitor and card identification with a simulated implementation.
//
// The addon's own JavaScript wrapper (lib/pcsclite.js) is not used: it connects EXCLUSIVE by default,
// hides the per-reader objects we need, and shares one mutex between a reader's status watcher and
// its card connection. That last one matters: the addon locks the reader's mutex on the main thread
// when a status event arrives, while SCardTransmit holds it on a worker thread for as long as the card
// takes. A mute card (transmit never returns) plus the INUSE status change our own connect causes
// would freeze the event loop. So status watching and card connections use separate reader objects.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { StationError } from '../../shared/errors';
import { bytesToHex } from '../../shared/hex';
import { pcscCodeOf, pcscError, toPcscError } from './errors';

/** A reader's state as SCardGetStatusChange reports it. */
export interface ReaderStatus {
  /** A card is in the reader (SCARD_STATE_PRESENT). */
  readonly present: boolean;
  /** Lowercase hex, no spaces; empty when no card or the card is mute. */
  readonly atr: string;
  /**
   * pcsc-lite (and winscard) keep a per-reader count of card insertions and removals in the high 16
   * bits of dwEventState: a changed count with a card present means a new insertion, even if the
   * removal in between was too quick to be reported on its own.
   */
  readonly eventCount: number;
}

export interface ContextListener {
  /** The full list of reader names, whenever it changes (also once right after establish). */
  readers(names: readonly string[]): void;
  /** A watched reader's state changed (also once right after watch()). */
  status(reader: string, status: ReaderStatus): void;
  /** The context can no longer be used (service stopped or restarted): close it and establish anew. */
  lost(error: StationError): void;
}

export interface CardConnection {
  readonly reader: string;
  /** Sends one command APDU, resolves with response data + SW1 SW2 exactly as the card sent them. */
  transmit(apdu: Uint8Array): Promise<Uint8Array>;
  /** SCardDisconnect(SCARD_LEAVE_CARD): the card stays powered and selected as another app left it. */
  disconnect(): Promise<void>;
}

export interface PcscContext {
  /** Start delivering status() events for this reader. */
  watch(reader: string): void;
  unwatch(reader: string): void;
  /** SCardConnect in SHARED mode (T=0 or T=1). */
  connect(reader: string): Promise<CardConnection>;
  /** Releases watchers and threads. Idempotent; safe to call from inside any listener. */
  close(): void;
}

export interface PcscBinding {
  /**
   * Establishes a context and starts watching the reader list. Call it only when the service is up
   * (see service-probe.ts): the native addon spins a core until pcscd appears otherwise.
   */
  establish(listener: ContextListener): PcscContext;
}

export interface BindingStats {
  /** Contexts established and not yet closed. */
  readonly contexts: number;
  /** Reader status watchers (one native thread each) not yet closed. */
  readonly watchers: number;
}

/** The real binding; `stats()` lets tests prove restarts leak neither contexts nor watcher threads. */
export interface PcscliteBinding extends PcscBinding {
  stats(): BindingStats;
}

// --- the native addon's surface, as far as we use it --------------------------------------------

type NodeCallback<T> = (err: unknown, value: T) => void;

interface NativePcscLite {
  start(cb: (err: unknown, readers?: Buffer) => void): void;
  close(): void;
}

interface NativeCardReader {
  emit?: (event: string) => void;
  get_status(cb: (err: unknown, state: number, atr?: Buffer) => void): void;
  _connect(shareMode: number, protocol: number, cb: NodeCallback<number>): void;
  _disconnect(disposition: number, cb: (err: unknown) => void): void;
  _transmit(data: Buffer, resLen: number, protocol: number, cb: NodeCallback<Buffer>): void;
  close(): void;
}

export interface PcscliteAddon {
  PCSCLite: new () => NativePcscLite;
  CardReader: new (name: string) => NativeCardReader;
}

// pcsc-lite's values (winscard uses the same ones for these).
const SCARD_SHARE_SHARED = 2;
const SCARD_PROTOCOL_T0 = 1;
const SCARD_PROTOCOL_T1 = 2;
const SCARD_LEAVE_CARD = 0;
const SCARD_STATE_PRESENT = 0x20;
const SCARD_E_UNKNOWN_READER = 0x80100009;
const SCARD_E_INVALID_HANDLE = 0x80100003;
/** See Connector.create: how long a reader's watcher must be quiet before it is safe to close. */
const PRIME_QUIET_MS = 100;
const PRIME_MAX_MS = 500;
/** Room for a short or extended APDU response (SCardTransmit fails if the buffer is too small). */
const MAX_RESPONSE = 65_538;

function loadInstalledAddon(): PcscliteAddon {
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve('@pokusew/pcsclite/package.json'));
  return require(join(dir, 'build', 'Release', 'pcsclite.node')) as PcscliteAddon;
}

/** The addon is loaded on first use only, so importing src/main/pcsc never fails where it is missing. */
export function createPcscliteBinding(options: { loadAddon?: () => PcscliteAddon } = {}): PcscliteBinding {
  const loadAddon = options.loadAddon ?? loadInstalledAddon;
  let addon: PcscliteAddon | null = null;
  const counts = { contexts: 0, watchers: 0 };
  return {
    establish(listener) {
      try {
        addon ??= loadAddon();
      } catch (err) {
        throw new StationError('PCSC_SERVICE_DOWN', 'The smart card support of this station is not installed correctly.', {
          operation: 'load-addon',
          cause: err instanceof Error ? err.message : String(err),
        });
      }
      return new NativeContext(addon, listener, counts);
    },
    stats: () => ({ ...counts }),
  };
}

function parseReaderNames(buffer: Buffer | undefined): string[] {
  // A multi-string: "name\0name\0\0".
  return (buffer?.toString('utf8') ?? '').split('\0').filter((name) => name.length > 0);
}

class NativeContext implements PcscContext {
  private closed = false;
  private lostReported = false;
  private readonly native: NativePcscLite;
  private readonly watchers = new Map<string, NativeCardReader>();
  private readonly connectors = new Map<string, Promise<Connector>>();

  constructor(
    private readonly addon: PcscliteAddon,
    private readonly listener: ContextListener,
    private readonly counts: { contexts: number; watchers: number },
  ) {
    try {
      this.native = new addon.PCSCLite();
    } catch (err) {
      throw toPcscError(err, { operation: 'SCardEstablishContext' });
    }
    counts.contexts++;
    // The addon's thread lists readers, then blocks in SCardGetStatusChange on the PnP pseudo-reader.
    this.native.start((err, readers) => {
      if (this.closed) return;
      if (err) this.reportLost(err, 'SCardGetStatusChange');
      else this.listener.readers(parseReaderNames(readers));
    });
  }

  watch(reader: string): void {
    if (this.closed || this.watchers.has(reader)) return;
    const native = new this.addon.CardReader(reader);
    // The addon emits '_end' through the object's emit() when the watcher thread has stopped by
    // itself: the reader was unplugged (the reader list update follows), or after an error, which
    // the status callback below has already reported.
    native.emit = (event) => {
      if (event === '_end' && !this.closed && this.watchers.get(reader) === native) this.dropWatcher(reader);
    };
    native.get_status((err, state, atr) => {
      if (this.closed || this.watchers.get(reader) !== native) return;
      if (err) {
        if (pcscCodeOf(err) !== SCARD_E_UNKNOWN_READER) this.reportLost(err, 'SCardGetStatusChange');
        return;
      }
      this.listener.status(reader, {
        present: (state & SCARD_STATE_PRESENT) !== 0,
        atr: atr ? bytesToHex(atr) : '',
        eventCount: state >>> 16,
      });
    });
    this.watchers.set(reader, native);
    this.counts.watchers++;
  }

  unwatch(reader: string): void {
    this.dropWatcher(reader);
    this.connectors.delete(reader);
  }

  async connect(reader: string): Promise<CardConnection> {
    if (this.closed) throw pcscError(SCARD_E_INVALID_HANDLE, { operation: 'SCardConnect', reader });
    let connector = this.connectors.get(reader);
    if (!connector) {
      connector = Connector.create(this.addon, reader);
      this.connectors.set(reader, connector);
      connector.catch(() => {
        // The caller awaiting the connector gets the error; this only forgets the failed connector.
        this.connectors.delete(reader);
      });
    }
    return (await connector).connect();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const watchers = [...this.watchers.keys()];
    this.connectors.clear();
    // Never close native objects synchronously here: close() may be called from inside one of the
    // addon's callbacks, and closing a reader from its own status callback deadlocks on its mutex.
    setImmediate(() => {
      for (const reader of watchers) this.dropWatcher(reader);
      this.native.close();
      this.counts.contexts--;
    });
  }

  /**
   * Closing a watcher whose thread is between two SCardGetStatusChange calls leaks its context (see
   * Connector.create). Watchers are closed long after their last report, or after their thread ended
   * by itself (reader gone, service gone), so that race does not arise here.
   */
  private dropWatcher(reader: string): void {
    const native = this.watchers.get(reader);
    if (!native) return;
    this.watchers.delete(reader);
    this.counts.watchers--;
    setImmediate(() => native.close());
  }

  private reportLost(err: unknown, operation: string): void {
    if (this.lostReported || this.closed) return;
    this.lostReported = true;
    this.listener.lost(toPcscError(err, { operation }));
  }
}

/**
 * A reader object used only for card connections, one per reader and context. Its operations run
 * one after another (the addon holds a per-reader mutex across each call anyway), so a transmit that
 * never returns (mute card) delays the disconnect behind it instead of racing it.
 */
class Connector {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly native: NativeCardReader,
    private readonly reader: string,
  ) {}

  /**
   * The addon never initialises a reader's status-thread field unless get_status() runs, and its
   * destructor joins that thread if the field is non-zero: a reader object used only to connect could
   * crash the process when it is garbage collected. So the watcher is started once and closed, which
   * sets the field to a known zero; after that the object holds no thread, and no status callback
   * ever takes its mutex on the main thread.
   *
   * When to close it matters. The addon's close() only stops a thread that is blocked in
   * SCardGetStatusChange: if it lands while the thread is between two calls (right after a report,
   * or while reports come in quick succession as a card settles), the thread ends without its final
   * report, and its PC/SC context, async handle and callback are never released (seen as two leaked
   * sockets per occurrence in the restart tests). So close() waits until the watcher has been quiet
   * for PRIME_QUIET_MS (it is then blocked in the call), bounded by PRIME_MAX_MS. It also runs outside
   * the status callback (closing inside it deadlocks) and before any connect (close() takes the
   * reader's mutex on the main thread, which a pending SCardConnect would hold).
   */
  static create(addon: PcscliteAddon, reader: string): Promise<Connector> {
    const native = new addon.CardReader(reader);
    return new Promise((resolve, reject) => {
      let settled = false;
      let firstReportAt: number | null = null;
      let quiet: NodeJS.Timeout | undefined;
      const finish = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(quiet);
        native.close();
        outcome();
      };
      // The thread stopped by itself (an error was reported, or the reader is gone): nothing to race.
      native.emit = () => setImmediate(() => finish(() => reject(pcscError(SCARD_E_UNKNOWN_READER, { operation: 'SCardConnect', reader }))));
      native.get_status((err) => {
        if (settled) return;
        if (err) {
          setImmediate(() => finish(() => reject(toPcscError(err, { operation: 'SCardGetStatusChange', reader }))));
          return;
        }
        firstReportAt ??= performance.now();
        const ready = () => finish(() => resolve(new Connector(native, reader)));
        clearTimeout(quiet);
        quiet = setTimeout(ready, Math.min(PRIME_QUIET_MS, Math.max(0, firstReportAt + PRIME_MAX_MS - performance.now())));
      });
    });
  }

  connect(): Promise<CardConnection> {
    return this.run(async () => {
      const protocol = await new Promise<number>((resolve, reject) =>
        this.native._connect(SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, (err, value) =>
          err ? reject(toPcscError(err, { operation: 'SCardConnect', reader: this.reader })) : resolve(value),
        ),
      );
      let open = true;
      const connection: CardConnection = {
        reader: this.reader,
        transmit: (apdu) =>
          this.run(
            () =>
              new Promise<Uint8Array>((resolve, reject) => {
                if (!open) {
                  reject(pcscError(SCARD_E_INVALID_HANDLE, { operation: 'SCardTransmit', reader: this.reader }));
                  return;
                }
                this.native._transmit(Buffer.from(apdu), MAX_RESPONSE, protocol, (err, response) =>
                  err ? reject(toPcscError(err, { operation: 'SCardTransmit', reader: this.reader })) : resolve(new Uint8Array(response)),
                );
              }),
          ),
        disconnect: () =>
          this.run(
            () =>
              new Promise<void>((resolve, reject) => {
                if (!open) {
                  resolve();
                  return;
                }
                open = false;
                // Also required after the card was removed: the addon refuses a new connect until the
                // old handle is released.
                this.native._disconnect(SCARD_LEAVE_CARD, (err) =>
                  err ? reject(toPcscError(err, { operation: 'SCardDisconnect', reader: this.reader })) : resolve(),
                );
              }),
          ),
      };
      return connection;
    });
  }

  private run<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation, operation);
    // Only keeps the queue going; `result` carries the failure to its caller.
    this.queue = result.catch(() => {
      // `result` carries the failure to its caller.
    });
    return result;
  }
}
