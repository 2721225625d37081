import { create } from 'zustand';
import type { ConnectionState, StationSnapshot } from '../shared/contract';
import type { BatchState, CardReading, EnrollmentState } from '../shared/enrollment';
import type { IssuanceState } from '../shared/issuance';
import type { OutboxOperation } from '../shared/outbox';
import type { ReadersSnapshot } from '../shared/readers';
import type { SettingsView } from '../shared/settings';
import type { StationClient } from './client';
import { applyLocale, loadLocale, type Locale } from './i18n';
import { setDirectoryKind } from './people';

export const VIEWS = ['enrollment', 'outbox', 'audit', 'diagnostics', 'settings'] as const;
export type View = (typeof VIEWS)[number];

export interface StationState {
  status: 'connecting' | 'ready' | 'failed';
  failure: string | null;
  version: string;
  training: boolean;
  readers: ReadersSnapshot;
  connection: ConnectionState;
  /** The last reading of the card in each reader, by reader name (absent: no card read). */
  cards: Record<string, CardReading>;
  /** Each reader's enrollment step, by reader name (absent: waiting for a card). */
  enrollment: Record<string, EnrollmentState>;
  /** Each reader's desk issuance, by reader name (absent: idle). Never holds a PIN the user typed. */
  issuance: Record<string, IssuanceState>;
  outbox: OutboxOperation[];
  settings: SettingsView | null;
  /** Bulk mode: the batch of requests being worked through (empty lists: off). */
  batch: BatchState;
  /** The reader whose card went in last: its panel is the selected one unless the operator chose. */
  lastInserted: string | null;
  /** The reader whose enrollment is shown in full. */
  selectedReader: string | null;
  /**
   * A one-shot request: the reader whose step heading takes focus when its panel opens (the
   * selection moved to it after load). Cleared once done, and by navigation (the view heading wins).
   */
  focusStep: string | null;
  view: View;
  /** Bumped by every navigation: the new view's heading takes focus (not on first load). */
  navigation: number;
  client: StationClient | null;
}

export const initialStationState: StationState = {
  status: 'connecting',
  failure: null,
  version: '',
  training: false,
  readers: { service: 'starting', readers: [] },
  connection: { mode: 'unconfigured' },
  cards: {},
  enrollment: {},
  issuance: {},
  outbox: [],
  settings: null,
  batch: { pending: [], reserved: [], submitted: [], skipped: [] },
  lastInserted: null,
  selectedReader: null,
  focusStep: null,
  view: 'enrollment',
  navigation: 0,
  client: null,
};

/** Renderer state: written only by station events, snapshots and call replies; read by components. */
export const useStation = create<StationState>(() => initialStationState);

export function navigate(view: View): void {
  useStation.setState((s) => ({ view, navigation: s.navigation + 1, focusStep: null }));
}

export function selectReader(reader: string): void {
  useStation.setState((s) => (s.selectedReader === reader ? {} : { selectedReader: reader, focusStep: reader }));
}

/** The client components call the station with; views only render once the store is connected. */
export function useClient(): StationClient {
  const client = useStation((s) => s.client);
  if (!client) throw new Error('The station client is not connected.');
  return client;
}

/**
 * Steps where the operator is in the middle of something on that reader: a card going into another
 * reader does not take the screen away from them.
 */
const BUSY_STEPS: ReadonlySet<EnrollmentState['step']> = new Set(['request-chosen', 'confirming']);

/** Issuance phases where the operator (or the card holder) is in the middle of it on that reader. */
export const ISSUING_PHASES: ReadonlySet<IssuanceState['phase']> = new Set(['offer', 'running', 'pin-entry', 'pin-shown', 'paused']);

function insertionTime(card: ReadersSnapshot['readers'][number]['card']): number {
  if (!card) return Number.NEGATIVE_INFINITY;
  const time = Date.parse(card.insertedAt);
  return Number.isNaN(time) ? card.insertion : time;
}

/** The reader with a newly inserted card (compared with `before`), latest first; null if none. */
export function newlyInserted(before: ReadersSnapshot | null, after: ReadersSnapshot): string | null {
  const previous = new Map((before?.readers ?? []).map((r) => [r.name, r.card]));
  const fresh = after.readers.filter((r) => {
    if (!r.card) return false;
    const old = previous.get(r.name);
    return !old || old.insertion !== r.card.insertion;
  });
  fresh.sort((a, b) => insertionTime(b.card) - insertionTime(a.card));
  return fresh[0]?.name ?? null;
}

function noteInsertion(state: StationState, reader: string): Partial<StationState> {
  const selected = state.selectedReader;
  const selectedStep = selected ? state.enrollment[selected]?.step : undefined;
  const selectedIssuance = selected ? state.issuance[selected]?.phase : undefined;
  const busy = (selectedStep !== undefined && BUSY_STEPS.has(selectedStep)) || (selectedIssuance !== undefined && ISSUING_PHASES.has(selectedIssuance));
  const keepSelection = selected !== null && selected !== reader && busy;
  if (keepSelection || selected === reader) return { lastInserted: reader };
  return { lastInserted: reader, selectedReader: reader, focusStep: reader };
}

function onReaders(readers: ReadersSnapshot): void {
  useStation.setState((s) => {
    const next: StationState = { ...s, readers };
    const first = readers.readers[0]?.name ?? null;
    if (next.selectedReader !== null && !readers.readers.some((r) => r.name === next.selectedReader)) {
      next.selectedReader = first;
    }
    const inserted = newlyInserted(s.readers, readers);
    if (inserted) Object.assign(next, noteInsertion(next, inserted));
    if (next.selectedReader === null) next.selectedReader = first;
    return next;
  });
}

/** A reading the operator asked for (`card.read`), or one the station sent (`card.changed`). */
export function applyCardReading(reader: string, reading: CardReading | null): void {
  onCard({ reader, reading });
}

function onCard({ reader, reading }: { reader: string; reading: CardReading | null }): void {
  useStation.setState((s) => {
    const cards = { ...s.cards };
    if (reading) cards[reader] = reading;
    else delete cards[reader];
    return { cards };
  });
}

/**
 * A reader's state that both `*.changed` events and call replies set. Events seen are counted per
 * reader: a call's reply only applies if no event for that reader arrived meanwhile (the event is
 * then as new as the reply, or newer).
 */
function perReaderState<S extends { reader: string }>(put: (s: StationState, state: S) => Partial<StationState>) {
  const events = new Map<string, number>();
  return {
    onEvent(state: S): void {
      events.set(state.reader, (events.get(state.reader) ?? 0) + 1);
      useStation.setState((s) => put(s, state));
    },
    /** Runs a call for `reader` and applies its reply unless an event for that reader overtook it. */
    async call(reader: string, call: () => Promise<S>): Promise<void> {
      const seen = events.get(reader) ?? 0;
      const state = await call();
      if ((events.get(reader) ?? 0) === seen) useStation.setState((s) => put(s, state));
    },
    /** A new connection: counts start afresh. */
    clear(): void {
      events.clear();
    },
  };
}

const enrollmentStates = perReaderState<EnrollmentState>((s, state) => ({ enrollment: { ...s.enrollment, [state.reader]: state } }));

/** Runs an enrollment call for `reader` and applies its reply unless an `enrollment.changed` overtook it. */
export const enrollmentCall = enrollmentStates.call;

/** Phases shown on the hand-over screen, which replaces every other screen (App). */
export const HAND_OVER_PHASES: ReadonlySet<IssuanceState['phase']> = new Set(['pin-entry', 'pin-shown']);

function putIssuance(s: StationState, state: IssuanceState): Partial<StationState> {
  const before = s.issuance[state.reader]?.phase;
  const issuance = { ...s.issuance, [state.reader]: state };
  // Back from the hand-over screen: the reader's step heading takes focus again (the screens were replaced).
  const back = before !== undefined && HAND_OVER_PHASES.has(before) && !HAND_OVER_PHASES.has(state.phase);
  return back ? { issuance, focusStep: state.reader, selectedReader: state.reader } : { issuance };
}

const issuanceStates = perReaderState<IssuanceState>(putIssuance);

/** Runs an issuance call for `reader` and applies its reply unless an `issuance.changed` overtook it. */
export const issuanceCall = issuanceStates.call;

/** Puts one operation returned by a call into the list, unless the list already has a newer copy. */
export function applyOutboxOperation(operation: OutboxOperation): void {
  useStation.setState((s) => {
    const index = s.outbox.findIndex((op) => op.id === operation.id);
    if (index === -1) return { outbox: [...s.outbox, operation] };
    const current = s.outbox[index];
    if (current && current.updatedAt > operation.updatedAt) return {};
    const outbox = [...s.outbox];
    outbox[index] = operation;
    return { outbox };
  });
}

export function applySettings(settings: SettingsView): void {
  useStation.setState({ settings });
  // A language whose strings failed to load (or that i18next refuses) leaves the screens in the
  // previous language, which is the best there is.
  applyLocale(settings.values.locale).catch((err: unknown) => console.error('locale change failed', err));
}

function byReader<T extends { reader: string }>(items: readonly T[] | undefined): Record<string, T> {
  return Object.fromEntries((items ?? []).map((item) => [item.reader, item]));
}

function latestCardReader(readers: ReadersSnapshot): string | null {
  return newlyInserted(null, readers);
}

function applySnapshot(snapshot: StationSnapshot): void {
  // A station older than this renderer may not send every part yet: treat what is missing as empty.
  const partial = snapshot as Partial<StationSnapshot> & Pick<StationSnapshot, 'version' | 'training' | 'readers' | 'connection'>;
  const lastInserted = latestCardReader(partial.readers);
  // The language first: its strings are here (connectStore loaded them), so the switch is made in
  // this call and the screens' first 'ready' render is already in it.
  if (partial.settings) applySettings(partial.settings);
  useStation.setState({
    status: 'ready',
    failure: null,
    version: partial.version,
    training: partial.training,
    readers: partial.readers,
    connection: partial.connection,
    cards: byReader(partial.cards),
    enrollment: byReader(partial.enrollment),
    issuance: byReader(partial.issuance),
    ...(partial.batch ? { batch: partial.batch } : {}),
    lastInserted,
    selectedReader: lastInserted ?? partial.readers.readers[0]?.name ?? null,
  });
  setDirectoryKind(partial.directory?.kind ?? 'none');
}

const onConnection = (connection: StationState['connection']) => useStation.setState({ connection });
const onBatch = (batch: StationState['batch']) => useStation.setState({ batch });

/** The store's event subscriptions, ended together (a reconnection, a test's reset). */
const subscriptions: Array<() => void> = [];

/** Bumped by each (dis)connection: a connection still waiting for its snapshot when replaced gives up. */
let connections = 0;

export function disconnectStore(): void {
  connections += 1;
  for (const unsubscribe of subscriptions.splice(0)) unsubscribe();
}

/**
 * Subscribe before taking the snapshot so no event between the two is lost. An event that arrives
 * before the reply is never newer than the snapshot: the station computes the snapshot and queues
 * the reply in the same turn of its event loop, and the transport keeps messages in order.
 * The snapshot has no outbox: the list is asked for right after (outbox.changed keeps it current).
 */
export async function connectStore(client: StationClient): Promise<void> {
  disconnectStore();
  const generation = connections;
  enrollmentStates.clear();
  issuanceStates.clear();
  useStation.setState({ client });
  const { bridge } = client;
  // Events that arrive while the snapshot waits for its language: newer than the snapshot, so
  // applied after it, in the order they came (null: not waiting, events apply at once).
  let held: Array<() => void> | null = null;
  const deliver =
    <T>(listener: (payload: T) => void) =>
    (payload: T): void => {
      if (held) held.push(() => listener(payload));
      else listener(payload);
    };
  let outboxEvents = 0;
  const onOutbox = (outbox: OutboxOperation[]) => {
    outboxEvents += 1;
    useStation.setState({ outbox });
  };
  subscriptions.push(
    bridge.on('readers.changed', deliver(onReaders)),
    bridge.on('card.changed', deliver(onCard)),
    bridge.on('connection.changed', deliver(onConnection)),
    bridge.on('outbox.changed', deliver(onOutbox)),
    bridge.on('enrollment.changed', deliver(enrollmentStates.onEvent)),
    bridge.on('issuance.changed', deliver(issuanceStates.onEvent)),
    bridge.on('settings.changed', deliver(applySettings)),
    bridge.on('batch.changed', deliver(onBatch)),
  );
  try {
    const snapshot = await client.call('station.snapshot', {});
    held = [];
    // The screens appear in the operator's language from their first paint: a language that is
    // not bundled loads before the snapshot (and 'ready') reach the screens, never English first.
    const locale: Locale | undefined = (snapshot as Partial<StationSnapshot>).settings?.values.locale;
    if (locale) await loadLocale(locale).catch((err: unknown) => console.error('locale load failed', err));
    if (generation !== connections) return;
    applySnapshot(snapshot);
  } catch (err) {
    useStation.setState({ status: 'failed', failure: err instanceof Error ? err.message : String(err) });
    return;
  } finally {
    const later = held ?? [];
    held = null;
    if (generation === connections) for (const apply of later) apply();
  }
  const before = outboxEvents;
  try {
    const outbox = await client.call('outbox.list', {});
    // An outbox.changed that arrived while we asked is at least as new as this reply.
    if (outboxEvents === before && Array.isArray(outbox)) useStation.setState({ outbox });
  } catch {
    // The outbox view asks again when opened; the enrollment screens do not depend on it.
  }
}
