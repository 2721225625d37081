import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { initI18n } from '../../../src/renderer/i18n';
import { VIEWS } from '../../../src/renderer/store';
import { snapshot } from './support/fixtures';
import { renderStation, resetStore, scriptedStation } from './support/station';
import { App } from '../../../src/renderer/components/App';
import { createClient } from '../../../src/renderer/client';
import { connectStore } from '../../../src/renderer/store';

beforeAll(() => initI18n());
beforeEach(() => resetStore());
afterEach(() => cleanup());

const banner = () => screen.getByRole('banner');

describe('connection banner', () => {
  it('says online, offline since HH:MM with queueing, and not configured, in words', async () => {
    const station = await renderStation({ 'station.snapshot': () => snapshot(), 'outbox.list': () => [] });
    expect(within(banner()).getByRole('status').textContent).toMatch(/CM online/);

    const since = new Date(2026, 10, 23, 8, 7).toISOString();
    station.fire('connection.changed', { mode: 'offline', since, reason: 'timeout' });
    const status = within(banner()).getByRole('status');
    expect(status.textContent).toMatch('CM offline since 08:07 — operations are queued');
    expect(status.textContent).toMatch('Reason: CM did not answer in time');

    station.fire('connection.changed', { mode: 'unconfigured' });
    expect(within(banner()).getByRole('status').textContent).toMatch(/CM not configured/);
  });

  it('claims nothing about CM until the station has answered: connecting, then its real state', async () => {
    let answer: (value: ReturnType<typeof snapshot>) => void = () => undefined;
    const station = scriptedStation({ 'station.snapshot': () => new Promise((resolve) => (answer = resolve)), 'outbox.list': () => [] });
    const connected = connectStore(createClient(station.bridge));
    render(<App />);
    expect(screen.getByRole('status').textContent).toBe('Connecting to the station…');
    expect(banner().textContent).not.toMatch(/CM/);
    await act(async () => {
      answer(snapshot());
      await connected;
    });
    expect(within(banner()).getByRole('status').textContent).toMatch(/CM online/);
  });

  it('labels training mode on every screen', async () => {
    await renderStation({
      'station.snapshot': () => snapshot({ training: true }),
      'outbox.list': () => [],
      'audit.query': () => [],
    });
    for (const view of VIEWS) {
      fireEvent.click(screen.getByRole('button', { name: new RegExp(`^${view}`, 'i') }));
      expect(within(banner()).getByText('TRAINING')).toBeTruthy();
      expect(within(banner()).getByRole('note', { name: /Training mode/ })).toBeTruthy();
    }
  });

  it('shows no training label outside training', async () => {
    await renderStation({ 'station.snapshot': () => snapshot(), 'outbox.list': () => [] });
    expect(screen.queryByText('TRAINING')).toBeNull();
  });
});
