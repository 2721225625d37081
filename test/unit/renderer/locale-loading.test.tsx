import { act, cleanup, render, screen } from '@testing-library/react';
import i18next from 'i18next';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../../../src/renderer/client';
import { App } from '../../../src/renderer/components/App';
import { applyLocale, initI18n } from '../../../src/renderer/i18n';
import { connectStore, useStation } from '../../../src/renderer/store';
import { settingsView, snapshot } from './support/fixtures';
import { resetStore, scriptedStation } from './support/station';

/**
 * French is not in the first screen's bundle (quality.md, "Start-up and size"): its strings load
 * when the station's locale asks for them. This file holds that load back (a module mock that
 * waits for the test) to see what the screens show meanwhile. Vitest runs each file in its own
 * module graph, so French is not loaded when this file starts.
 */
const frenchModule = vi.hoisted(() => {
  let release: () => void = () => undefined;
  const state = { asked: 0, fail: false, released: new Promise<void>((resolve) => (release = resolve)), release: () => release() };
  return state;
});
vi.mock('../../../src/renderer/i18n/fr', async (importOriginal) => {
  frenchModule.asked += 1;
  if (frenchModule.fail) throw new Error('the chunk is gone');
  await frenchModule.released;
  return importOriginal();
});

const french = () => {
  const view = settingsView();
  return { ...view, values: { ...view.values, locale: 'fr' as const } };
};

beforeAll(() => initI18n());
beforeEach(() => resetStore());
afterEach(() => cleanup());

describe('a language loaded on demand', () => {
  it('a failed load leaves the station up in English, and the error in the log', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    frenchModule.fail = true;
    try {
      const station = scriptedStation({ 'station.snapshot': () => snapshot({ settings: french() }), 'outbox.list': () => [] });
      await act(() => connectStore(createClient(station.bridge)));
      expect(useStation.getState().status).toBe('ready');
      expect(i18next.language).toBe('en');
      expect(document.documentElement.lang).toBe('en');
      expect(logged).toHaveBeenCalled();
    } finally {
      frenchModule.fail = false;
      logged.mockRestore();
    }
  });

  it('a French station shows French from its first paint; events meanwhile apply after the snapshot', async () => {
    const asked = frenchModule.asked;
    const station = scriptedStation({
      'station.snapshot': () => snapshot({ settings: french(), connection: { mode: 'offline', since: '2026-11-23T08:00:00.000Z', reason: 'timeout' } }),
      'outbox.list': () => [],
    });
    // What the screens would paint when they first leave "connecting".
    const firstReady: string[] = [];
    const unsubscribe = useStation.subscribe((s, before) => {
      if (s.status === 'ready' && before.status !== 'ready') firstReady.push(`${document.documentElement.lang}: ${i18next.t('app.title')}`);
    });
    render(<App />);
    const connecting = connectStore(createClient(station.bridge));
    try {
      await vi.waitFor(() => expect(frenchModule.asked).toBe(asked + 1));
      // The snapshot is here, French is not: still connecting, and a newer event waits for the snapshot.
      station.fire('connection.changed', { mode: 'online', since: '2026-11-23T08:05:00.000Z' });
      expect(useStation.getState().status).toBe('connecting');
      expect(useStation.getState().connection).toEqual({ mode: 'unconfigured' });
    } finally {
      frenchModule.release();
      await act(() => connecting);
      unsubscribe();
    }
    expect(firstReady).toEqual(['fr: Poste d’enrôlement']);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Poste d’enrôlement');
    // The event came after the snapshot, so it wins over the snapshot's "offline".
    expect(useStation.getState().connection).toEqual({ mode: 'online', since: '2026-11-23T08:05:00.000Z' });
    expect(screen.getByText('CM en ligne')).toBeTruthy();
    await act(() => applyLocale('en'));
  });

  it('a switch overtaken by a newer one ends in the newer language', async () => {
    i18next.removeResourceBundle('fr', 'translation');
    const toFrench = applyLocale('fr');
    await applyLocale('en');
    await toFrench;
    expect(i18next.language).toBe('en');
    expect(document.documentElement.lang).toBe('en');
    // Asked again, French loads (the module is cached now) and the switch is made.
    await applyLocale('fr');
    expect(i18next.language).toBe('fr');
    expect(i18next.t('app.title')).toBe('Poste d’enrôlement');
    await applyLocale('en');
  });
});
