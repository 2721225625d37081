import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { initI18n } from '../../../src/renderer/i18n';
import { VIEWS } from '../../../src/renderer/store';
import { snapshot } from './support/fixtures';
import { renderStation, resetStore } from './support/station';

beforeAll(() => initI18n('en'));
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
