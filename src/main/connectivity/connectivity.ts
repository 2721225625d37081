import type { ConnectionState } from '../../shared/contract';
import type { CmTransport } from '../cm';
import { createListenerSet, type ListenerErrorReporter } from '../common';

export interface Connectivity {
  state(): ConnectionState;
  subscribe(listener: (state: ConnectionState) => void): () => void;
  /** The CM transport with every outcome observed: what the station uses to reach CM. */
  transport: CmTransport;
  close(): void;
}

export interface ConnectivityOptions {
  /** null: no CM URL configured (nothing to be online to). */
  baseUrl: string | null;
  transport: CmTransport;
  now: () => Date;
  /** How often to knock while offline. One timer, armed only while offline. */
  probeIntervalMs: number;
  /** A cheap, harmless GET; its outcome is observed like any other call's. */
  probe: () => Promise<unknown>;
  /** Where a failing listener is reported (the diagnostic log). */
  onListenerError: ListenerErrorReporter;
}

/** Statuses a gateway in front of CM answers with when CM itself is down. */
const GATEWAY_OUTAGE: ReadonlySet<number> = new Set([502, 503, 504]);

/**
 * Online/offline comes from what real requests experience: any HTTP answer from CM (even 401 or 500)
 * means it is reachable; a transport failure (refused, DNS, reset, timeout) means it is not, and so
 * does a 502, 503 or 504: IIS, ARR or a proxy answering because CM is not there (cm-rest-api.md,
 * "Refusal or outage"), shown as the reason `unavailable`.
 * While offline, a light probe runs on a slow timer so the station notices CM's return without an
 * operator action; while online nothing runs (no polling, idle CPU stays at zero).
 */
export function createConnectivity(options: ConnectivityOptions): Connectivity {
  const listeners = createListenerSet<[ConnectionState]>('connectivity', options.onListenerError);
  let current: ConnectionState = options.baseUrl ? { mode: 'online', since: options.now().toISOString() } : { mode: 'unconfigured' };
  let probeTimer: NodeJS.Timeout | null = null;
  let closed = false;

  const set = (next: ConnectionState): void => {
    if (next.mode === current.mode) return;
    current = next;
    listeners.emit(current);
    scheduleProbe();
  };

  function scheduleProbe(): void {
    if (probeTimer) clearTimeout(probeTimer);
    probeTimer = null;
    if (closed || current.mode !== 'offline') return;
    probeTimer = setTimeout(() => {
      probeTimer = null;
      // The probe's outcome reaches set() through the observed transport; errors are expected here.
      options
        .probe()
        .catch(() => {
          // The observed transport reports the outcome.
        })
        .finally(scheduleProbe);
    }, options.probeIntervalMs);
    probeTimer.unref();
  }

  const transport: CmTransport = async (url, init) => {
    try {
      const response = await options.transport(url, init);
      if (GATEWAY_OUTAGE.has(response.status)) {
        if (current.mode !== 'offline') set({ mode: 'offline', since: options.now().toISOString(), reason: 'unavailable' });
      } else {
        set({ mode: 'online', since: options.now().toISOString() });
      }
      return response;
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError');
      // A reason code, worded by the renderer (reasons.connection.*) in the operator's language.
      const reason = timedOut ? 'timeout' : 'unreachable';
      if (current.mode !== 'offline') set({ mode: 'offline', since: options.now().toISOString(), reason });
      throw err;
    }
  };

  return {
    state: () => current,
    subscribe: (listener) => listeners.add(listener),
    transport,
    close() {
      closed = true;
      if (probeTimer) clearTimeout(probeTimer);
      listeners.clear();
    },
  };
}
