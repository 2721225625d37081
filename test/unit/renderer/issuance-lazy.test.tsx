import { act, cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../../../src/renderer/client';
import { App } from '../../../src/renderer/components/App';
import { initI18n } from '../../../src/renderer/i18n';
import { connectStore } from '../../../src/renderer/store';
import { READER, reading, readersWithCard } from './support/fixtures';
import { boundDone, pinEntry, running, snapshotWith } from './support/issuance-fixtures';
import { region as readerRegion, resetStore, scriptedStation } from './support/station';

/**
 * The issuance screens are not in the first screen's bundle (issuance-screens.tsx): their code
 * normally arrives long before a bind, but an issuance can already be under way when the screens
 * start. This file holds that code back (a module mock that waits for the test) to see what shows
 * meanwhile. Vitest runs each file in its own module graph, so nothing here is preloaded.
 */
const issuanceModule = vi.hoisted(() => {
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  return { released, release: () => release() };
});
vi.mock('../../../src/renderer/components/issuance/after-bind', async (importOriginal) => {
  await issuanceModule.released;
  return importOriginal();
});

beforeAll(() => initI18n());
beforeEach(() => resetStore());
afterEach(() => cleanup());

describe('issuance screens whose code is still loading', () => {
  it('stand in with a status line: the hand-over alone, the reader panel without its issuance part', async () => {
    const station = scriptedStation({ 'station.snapshot': () => snapshotWith('always'), 'outbox.list': () => [] });
    await act(() => connectStore(createClient(station.bridge)));
    render(<App />);
    try {
      station.fire('readers.changed', readersWithCard());
      station.fire('card.changed', { reader: READER, reading });
      station.fire('enrollment.changed', boundDone());
      // React retries a component suspended by `use` only inside an awaited act (as the app does outside tests).
      await act(async () => station.fire('issuance.changed', pinEntry()));
      // The card holder's turn: nothing of the station's screens shows while the PIN screen loads.
      expect(screen.getByRole('status').textContent).toBe('Opening the screen…');
      expect(screen.queryByRole('navigation')).toBeNull();
      expect(screen.queryByRole('region', { name: READER })).toBeNull();

      await act(async () => station.fire('issuance.changed', running('generate-keys')));
      // Back to the reader's panel: its step heading is there, the issuance part waits for its code.
      const region = readerRegion();
      expect(within(region).getByRole('heading', { level: 4 })).toBeTruthy();
      expect(within(region).getByText('Opening the screen…')).toBeTruthy();
      expect(within(region).queryByRole('list', { name: 'Issuance steps' })).toBeNull();
    } finally {
      await act(async () => issuanceModule.release());
    }
    const region = readerRegion();
    expect(await within(region).findByRole('list', { name: 'Issuance steps' })).toBeTruthy();
    expect(within(region).queryByText('Opening the screen…')).toBeNull();
  });
});
