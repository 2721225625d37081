import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { initI18n } from '../../../src/renderer/i18n';
import { NEW_CARD, OLD_CARD, operation, OPERATION_ID, RETIRE_OPERATION_ID, snapshot } from './support/fixtures';
import { renderStation, resetStore, settle } from './support/station';

beforeAll(() => initI18n());
beforeEach(() => resetStore());
afterEach(() => cleanup());

const stuck = operation();
const pendingRetire = operation({
  kind: 'retire',
  id: RETIRE_OPERATION_ID,
  smartcardUuid: OLD_CARD,
  state: 'pending',
  attempts: 1,
  nextAttemptAt: null,
  lastError: { code: 'CM_OFFLINE', message: 'CM is unreachable.', correlationId: null },
  createdAt: '2026-11-23T09:03:00.000Z',
} as never);

async function openOutbox(extra: Record<string, (request: never) => unknown> = {}) {
  const station = await renderStation({
    'station.snapshot': () => snapshot(),
    'outbox.list': () => [stuck, pendingRetire],
    ...extra,
  });
  fireEvent.click(screen.getByRole('button', { name: /^Outbox/ }));
  return station;
}

const item = (name: RegExp) => screen.getByRole('article', { name });

describe('outbox view', () => {
  it('is reached from the navigation, which counts pending and stuck operations', async () => {
    await openOutbox();
    const nav = screen.getByRole('navigation', { name: 'Screens' });
    const button = within(nav).getByRole('button', { name: 'Outbox (1 pending, 1 need attention)' });
    expect(button.getAttribute('aria-current')).toBe('page');
    expect(document.activeElement).toBe(screen.getByRole('heading', { level: 2, name: 'Outbox' }));
  });

  it('lists every operation with its state in words, attempts, next attempt and last error', async () => {
    await openOutbox();
    const bind = item(/Bind card for request 7b7f0c1c/);
    expect(within(bind).getByText('Needs attention')).toBeTruthy();
    expect(within(bind).getByText('3')).toBeTruthy();
    expect(within(bind).getByText('CM failed while handling the request.')).toBeTruthy();
    expect(within(bind).getByText('corr-5f0e')).toBeTruthy();
    expect(within(bind).getByRole('button', { name: 'Copy Correlation id' })).toBeTruthy();
    expect(within(bind).getByRole('button', { name: /^Retry/ })).toBeTruthy();

    const retire = item(/Retire card for request 7b7f0c1c/);
    expect(within(retire).getByText('Pending')).toBeTruthy();
    expect(within(retire).getByText(OLD_CARD)).toBeTruthy();
    expect(within(retire).getByText('As soon as CM is reachable')).toBeTruthy();
    // Only operations that need attention offer the actions.
    expect(within(retire).queryByRole('button', { name: /^Retry/ })).toBeNull();
    expect(within(retire).queryByRole('button', { name: /^Discard/ })).toBeNull();
  });

  it('retries an operation and shows the state it comes back with', async () => {
    const station = await openOutbox({
      'outbox.retry': () => operation({ state: 'done', updatedAt: '2026-11-23T09:30:00.000Z', result: { smartcardUuid: NEW_CARD }, lastError: null }),
    });
    fireEvent.click(within(item(/Bind card/)).getByRole('button', { name: 'Retry Bind card 7b7f0c1c' }));
    await settle();
    expect(station.callsTo('outbox.retry')).toEqual([{ id: OPERATION_ID }]);
    expect(within(item(/Bind card/)).getByText('Done')).toBeTruthy();
    expect(within(item(/Bind card/)).getByText(NEW_CARD)).toBeTruthy();
  });

  it('discards only with a typed reason, after a confirmation step', async () => {
    const station = await openOutbox({
      'outbox.discard': () => operation({ state: 'discarded', updatedAt: '2026-11-23T09:30:00.000Z' }),
    });
    const bind = item(/Bind card/);
    fireEvent.click(within(bind).getByRole('button', { name: 'Discard Bind card 7b7f0c1c' }));
    await settle();
    const reason = within(bind).getByRole('textbox', { name: /Reason for discarding/ });
    expect(document.activeElement).toBe(reason);

    // No reason: nothing is sent, the field says why.
    fireEvent.click(within(bind).getByRole('button', { name: 'Discard for good' }));
    await settle();
    expect(station.callsTo('outbox.discard')).toEqual([]);
    expect(within(bind).getByRole('alert').textContent).toMatch(/Type a reason/);
    expect(reason.getAttribute('aria-invalid')).toBe('true');

    fireEvent.change(reason, { target: { value: '  Card destroyed at the desk  ' } });
    fireEvent.click(within(bind).getByRole('button', { name: 'Discard for good' }));
    await settle();
    expect(station.callsTo('outbox.discard')).toEqual([{ id: OPERATION_ID, reason: 'Card destroyed at the desk' }]);
    expect(within(item(/Bind card/)).getByText('Discarded')).toBeTruthy();
  });

  it('cancelling the discard sends nothing', async () => {
    const station = await openOutbox({ 'outbox.discard': () => operation({ state: 'discarded' }) });
    const bind = item(/Bind card/);
    fireEvent.click(within(bind).getByRole('button', { name: /^Discard Bind card/ }));
    fireEvent.click(within(bind).getByRole('button', { name: 'Cancel' }));
    await settle();
    expect(within(bind).queryByRole('textbox')).toBeNull();
    expect(document.activeElement).toBe(within(bind).getByRole('button', { name: /^Discard Bind card/ }));
    expect(station.callsTo('outbox.discard')).toEqual([]);
  });

  it('follows outbox.changed events', async () => {
    const station = await openOutbox();
    station.fire('outbox.changed', []);
    expect(screen.getByText('The outbox is empty.')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Outbox' })).toBeTruthy();
  });

  it('sends pending operations now on request and shows the list that comes back', async () => {
    const station = await openOutbox({ 'outbox.replay': () => [operation({ state: 'done', lastError: null, result: { smartcardUuid: NEW_CARD } })] });
    fireEvent.click(screen.getByRole('button', { name: 'Send pending operations now' }));
    await settle();
    expect(station.callsTo('outbox.replay')).toEqual([{}]);
    expect(screen.getAllByRole('article')).toHaveLength(1);
    expect(within(item(/Bind card/)).getByText('Done')).toBeTruthy();
    expect(screen.getByText(/Sent what CM accepted/)).toBeTruthy();
    // Nothing pending any more: the button waits for the next pending operation.
    expect((screen.getByRole('button', { name: 'Send pending operations now' }) as HTMLButtonElement).disabled).toBe(true);
  });
});
