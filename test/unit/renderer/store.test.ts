import { act } from '@testing-library/react';
import i18next from 'i18next';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClient } from '../../../src/renderer/client';
import { applyLocale, initI18n } from '../../../src/renderer/i18n';
import { applyOutboxOperation, connectStore, disconnectStore, enrollmentCall, navigate, newlyInserted, useStation } from '../../../src/renderer/store';
import { ATR, cardRead, chosen, operation, OTHER_READER, READER, reading, readersWithCard, settingsView, snapshot } from './support/fixtures';
import { Refusal, resetStore, scriptedStation } from './support/station';
import { EVENT_CHANNELS } from '../../../src/shared/contract';

beforeAll(() => initI18n());
beforeEach(() => resetStore());
afterEach(async () => {
  await act(() => applyLocale('en'));
});

async function connect(handlers: Parameters<typeof scriptedStation>[0]) {
  const station = scriptedStation(handlers);
  await act(() => connectStore(createClient(station.bridge)));
  return station;
}

describe('store', () => {
  it('subscribes to every event before asking for the snapshot, then asks for the outbox', async () => {
    const station = await connect({ 'station.snapshot': () => snapshot(), 'outbox.list': () => [operation()] });
    const snapshotAt = station.order.indexOf('invoke:station.snapshot');
    for (const event of ['readers.changed', 'card.changed', 'connection.changed', 'outbox.changed', 'enrollment.changed', 'settings.changed']) {
      const at = station.order.indexOf(`on:${event}`);
      expect(at, event).toBeGreaterThanOrEqual(0);
      expect(at, event).toBeLessThan(snapshotAt);
    }
    expect(station.order.indexOf('invoke:outbox.list')).toBeGreaterThan(snapshotAt);
    expect(useStation.getState().outbox).toHaveLength(1);
  });

  it('ends every subscription as a group: on disconnect, and before a reconnection subscribes again', async () => {
    const station = await connect({ 'station.snapshot': () => snapshot(), 'outbox.list': () => [] });
    for (const event of EVENT_CHANNELS) expect(station.listening(event), event).toBeGreaterThan(0);
    const once = EVENT_CHANNELS.map((event) => station.listening(event));
    await act(() => connectStore(createClient(station.bridge)));
    expect(EVENT_CHANNELS.map((event) => station.listening(event))).toEqual(once);
    disconnectStore();
    for (const event of EVENT_CHANNELS) expect(station.listening(event), event).toBe(0);
    // An event after the disconnect reaches nothing (the store keeps what it had).
    const before = useStation.getState().issuance;
    station.fire('issuance.changed', { phase: 'idle', reader: READER });
    expect(useStation.getState().issuance).toBe(before);
  });

  it('initialises cards, enrollment and settings from the snapshot, selecting the latest card', async () => {
    const view = settingsView();
    const fr = { ...view, values: { ...view.values, locale: 'fr' as const } };
    await connect({
      'station.snapshot': () =>
        snapshot({ readers: readersWithCard(OTHER_READER), cards: [{ ...reading, reader: OTHER_READER }], enrollment: [cardRead()], settings: fr }),
      'outbox.list': () => [],
    });
    const state = useStation.getState();
    expect(state.status).toBe('ready');
    expect(state.cards[OTHER_READER]?.atr).toBe(ATR);
    expect(state.enrollment[READER]?.step).toBe('card-read');
    expect(state.settings?.values.locale).toBe('fr');
    expect(i18next.language).toBe('fr');
    expect(state.selectedReader).toBe(OTHER_READER);
    expect(state.lastInserted).toBe(OTHER_READER);
  });

  it('applies every event to its part of the state', async () => {
    const station = await connect({ 'station.snapshot': () => snapshot(), 'outbox.list': () => [] });
    station.fire('readers.changed', readersWithCard());
    expect(useStation.getState().readers.readers[0]?.card?.atr).toBe(ATR);
    expect(useStation.getState().lastInserted).toBe(READER);

    station.fire('card.changed', { reader: READER, reading });
    expect(useStation.getState().cards[READER]).toEqual(reading);
    station.fire('card.changed', { reader: READER, reading: null });
    expect(useStation.getState().cards[READER]).toBeUndefined();

    station.fire('enrollment.changed', cardRead());
    station.fire('enrollment.changed', { step: 'waiting', reader: OTHER_READER, notice: null });
    expect(useStation.getState().enrollment[READER]?.step).toBe('card-read');
    expect(useStation.getState().enrollment[OTHER_READER]?.step).toBe('waiting');

    station.fire('connection.changed', { mode: 'offline', since: '2026-11-23T09:00:00.000Z', reason: 'timeout' });
    expect(useStation.getState().connection.mode).toBe('offline');

    station.fire('outbox.changed', [operation()]);
    expect(useStation.getState().outbox.map((op) => op.id)).toEqual([operation().id]);

    const changed = settingsView({ policy: { source: 'policy.json', status: 'ok', problems: [], channel: 'linux-etc', keys: [], changedSinceStart: false } });
    station.fire('settings.changed', changed);
    expect(useStation.getState().settings).toEqual(changed);
  });

  it('does not let a call reply overwrite a newer enrollment event for the same reader', async () => {
    const station = await connect({ 'station.snapshot': () => snapshot(), 'outbox.list': () => [] });
    let release: (value: ReturnType<typeof chosen>) => void = () => {};
    const reply = new Promise<ReturnType<typeof chosen>>((resolve) => (release = resolve));
    const call = enrollmentCall(READER, () => reply);
    station.fire('enrollment.changed', { step: 'waiting', reader: READER, notice: null });
    release(chosen());
    await act(() => call);
    expect(useStation.getState().enrollment[READER]?.step).toBe('waiting');

    // Without an event in between, the reply is the newest state.
    await act(() => enrollmentCall(READER, async () => chosen()));
    expect(useStation.getState().enrollment[READER]?.step).toBe('request-chosen');
  });

  it('keeps the newer copy of an outbox operation', async () => {
    useStation.setState({ outbox: [operation({ state: 'done', updatedAt: '2026-11-23T10:00:00.000Z' })] });
    applyOutboxOperation(operation({ state: 'pending', updatedAt: '2026-11-23T09:00:00.000Z' }));
    expect(useStation.getState().outbox[0]?.state).toBe('done');
    applyOutboxOperation(operation({ state: 'discarded', updatedAt: '2026-11-23T11:00:00.000Z' }));
    expect(useStation.getState().outbox[0]?.state).toBe('discarded');
  });

  it('reports a snapshot that failed', async () => {
    await connect({
      'station.snapshot': () => new Refusal({ code: 'INTERNAL', message: 'Station is starting.', details: {} }),
    });
    expect(useStation.getState().status).toBe('failed');
    expect(useStation.getState().failure).toBe('Station is starting.');
  });

  it('counts navigations so the new view can take focus', () => {
    navigate('audit');
    navigate('outbox');
    expect(useStation.getState().view).toBe('outbox');
    expect(useStation.getState().navigation).toBe(2);
  });

  it('finds the newly inserted card by insertion number, latest first', () => {
    const before = readersWithCard(READER, 1);
    expect(newlyInserted(before, before)).toBeNull();
    expect(newlyInserted(before, readersWithCard(READER, 2))).toBe(READER);
    expect(newlyInserted(null, readersWithCard(OTHER_READER))).toBe(OTHER_READER);
    const both = {
      service: 'up' as const,
      readers: [
        { name: READER, card: { atr: ATR, insertion: 1, insertedAt: '2026-11-23T09:00:00.000Z' } },
        { name: OTHER_READER, card: { atr: ATR, insertion: 1, insertedAt: '2026-11-23T09:05:00.000Z' } },
      ],
    };
    expect(newlyInserted(null, both)).toBe(OTHER_READER);
  });
});
