import { cmCardIdOf } from '../../shared/card-id';
import type { CardReading, CmCardLookup } from '../../shared/enrollment';
import { type ErrorPayload, StationError, toErrorPayload } from '../../shared/errors';
import type { CardIdentifier, CardState, ReadersSnapshot } from '../../shared/readers';
import type { ApplyEvent, AuditNote, WorkflowDeps } from './ports';

export interface CardSessionDeps extends Pick<WorkflowDeps, 'cards' | 'describeAtr' | 'cm' | 'isOnline' | 'log'> {
  apply: ApplyEvent;
  /** Audit records nobody waits on: a failure is logged by the workflow. */
  auditInBackground: (note: AuditNote) => void;
  /** What the card panel shows for a reader changed (null: no card). */
  publishCard: (reader: string, reading: CardReading | null) => void;
  /** A reader without a card was seen: the workflow gives it a state if it has none yet. */
  readerSeen: (reader: string) => void;
  /** The readers the workflow holds a state for. */
  readers: () => string[];
  /** A reader went away (its card already reported removed): the workflow forgets what it may. */
  readerGone: (reader: string) => void;
}

export interface CardSession {
  /** Feeds one monitor snapshot: insertions, removals, identifiers read, readers gone. */
  onSnapshot(snapshot: ReadersSnapshot): void;
  reading(reader: string): CardReading | undefined;
  readings(): CardReading[];
  /** The operator's "read again": a fresh read and a fresh CM lookup. */
  readCard(reader: string): Promise<CardReading>;
  /** Asks CM again what it knows of the card in `reader` (e.g. once it is bound). */
  refreshCmKnowledge(reader: string): void;
}

const STALE_LOOKUP = 'CM answered about a card that is no longer in the reader';

const sameIdentifier = (a: CardIdentifier, b: CardIdentifier) => a.kind === b.kind && a.value === b.value;

/**
 * The per-reader card session: turns the reader monitor's snapshots into card events for the
 * workflow (inserted, identified, removed), asks CM what it knows of each identified card, and
 * keeps the card panel's readings. Every event carries the card insertion it belongs to; a CM
 * answer about a card that has left the reader is dropped and logged.
 */
export function createCardSession(deps: CardSessionDeps): CardSession {
  const readings = new Map<string, CardReading>();
  /** Per reader: the insertion last seen, and whether its identifier was already handed on. */
  const seen = new Map<string, { insertion: number; identified: boolean }>();

  function setReading(reader: string, reading: CardReading | null): void {
    if (reading) readings.set(reader, reading);
    else readings.delete(reader);
    deps.publishCard(reader, reading);
  }

  async function lookUp(identifier: CardIdentifier): Promise<CmCardLookup> {
    if (identifier.kind === 'none') return { state: 'not-asked', reason: 'no-identifier' };
    if (!deps.cm) return { state: 'not-asked', reason: 'unconfigured' };
    if (!deps.isOnline()) return { state: 'not-asked', reason: 'offline' };
    try {
      // CM is asked for the id it is sent (shared/card-id.ts); an id it cannot store is never asked.
      const cardId = cmCardIdOf(identifier);
      if (cardId === null) return { state: 'not-asked', reason: 'no-identifier' };
      const card = await deps.cm.findSmartcardByCardId(cardId);
      return card ? { state: 'found', card } : { state: 'unknown' };
    } catch (err) {
      return { state: 'failed', error: toErrorPayload(err) };
    }
  }

  function readingFor(reader: string, card: CardState, identifier: CardIdentifier, cm: CmCardLookup): CardReading {
    const { atrSummary, atrFacts, model } = deps.describeAtr(card.atr);
    return { reader, atr: card.atr, insertion: card.insertion, atrSummary, ...(atrFacts ? { atrFacts } : {}), model, identifier, cm };
  }

  /** What the panel shows of CM until its answer: nothing to ask without an identifier. */
  const beforeLookup = (identifier: CardIdentifier): CmCardLookup =>
    identifier.kind === 'none' ? { state: 'not-asked', reason: 'no-identifier' } : { state: 'asking' };

  /** The identifier is known: show the card at once, then again with what CM says about it. */
  function cardIdentified(reader: string, card: CardState, identifier: CardIdentifier, notice: ErrorPayload | null): void {
    const first = readingFor(reader, card, identifier, beforeLookup(identifier));
    setReading(reader, first);
    deps.apply(reader, { type: 'card-read', card: first, notice });
    if (first.cm.state !== 'asking') return;
    lookUp(identifier)
      .then((cm) => {
        if (readings.get(reader)?.insertion !== card.insertion) {
          deps.log.info('enrollment.event-dropped', { reader, eventType: 'cm-lookup', reason: STALE_LOOKUP });
          return;
        }
        const second = { ...first, cm };
        setReading(reader, second);
        deps.apply(reader, { type: 'card-read', card: second, notice });
      })
      .catch((err: unknown) => deps.log.error('enrollment.lookup-failed', err, { reader }));
  }

  /**
   * The same card read again with another identifier: the station wrote it one (a factory card's
   * CHUID, written right before its bind). The card panel shows the card as it is now and asks CM
   * about it again; the enrollment, which compared the identifier it binds when it wrote it, is not
   * told (its card-read event would be a new card to it).
   */
  function identifierChanged(reader: string, card: CardState, identifier: CardIdentifier): void {
    const shown = readings.get(reader);
    if (shown?.insertion !== card.insertion || sameIdentifier(shown.identifier, identifier)) return;
    setReading(reader, { ...shown, identifier, cm: beforeLookup(identifier) });
    refreshCmKnowledge(reader);
  }

  function refreshCmKnowledge(reader: string): void {
    const reading = readings.get(reader);
    if (!reading) return;
    lookUp(reading.identifier)
      .then((cm) => {
        const now = readings.get(reader);
        // Another card since, or another identifier (its own lookup is under way).
        if (now?.insertion !== reading.insertion || !sameIdentifier(now.identifier, reading.identifier)) return;
        setReading(reader, { ...now, cm });
      })
      .catch((err: unknown) => deps.log.error('enrollment.lookup-failed', err, { reader }));
  }

  function onSnapshot(snapshot: ReadersSnapshot): void {
    const present = new Set(snapshot.readers.map((r) => r.name));
    for (const { name, card } of snapshot.readers) {
      const known = seen.get(name);
      if (!card) {
        if (known) {
          seen.delete(name);
          setReading(name, null);
          deps.apply(name, { type: 'card-removed', insertion: known.insertion });
          deps.auditInBackground({ action: 'card.removed', result: 'info', reader: name });
        } else {
          deps.readerSeen(name);
        }
        continue;
      }
      if (!known || known.insertion !== card.insertion) {
        seen.set(name, { insertion: card.insertion, identified: false });
        setReading(name, null);
        deps.apply(name, { type: 'card-inserted', atr: card.atr, insertion: card.insertion });
        deps.auditInBackground({ action: 'card.inserted', result: 'info', reader: name, atr: card.atr });
      }
      const entry = seen.get(name)!;
      if (entry.identified) {
        if (card.identity?.status === 'read') identifierChanged(name, card, card.identity.identifier);
        continue;
      }
      if (!card.identity || card.identity.status === 'reading') continue;
      entry.identified = true;
      if (card.identity.status === 'read') cardIdentified(name, card, card.identity.identifier, null);
      else cardIdentified(name, card, { kind: 'none', value: null }, card.identity.error);
    }
    // A reader that went away takes its card with it; the workflow then forgets what it may.
    for (const name of deps.readers()) {
      if (present.has(name)) continue;
      const gone = seen.get(name);
      if (gone) {
        seen.delete(name);
        deps.apply(name, { type: 'card-removed', insertion: gone.insertion });
      }
      readings.delete(name);
      deps.readerGone(name);
    }
  }

  return {
    onSnapshot,
    reading: (reader) => readings.get(reader),
    readings: () => [...readings.values()],
    async readCard(reader) {
      const card = deps.cards.snapshot().readers.find((r) => r.name === reader)?.card;
      if (!card) throw new StationError('PCSC_NO_CARD', 'There is no card in this reader.', { reader });
      const { atr, identifier } = await deps.cards.reread(reader);
      const reading = readingFor(reader, { ...card, atr }, identifier, await lookUp(identifier));
      setReading(reader, reading);
      deps.apply(reader, { type: 'card-read', card: reading, notice: null });
      return reading;
    },
    refreshCmKnowledge,
  };
}
