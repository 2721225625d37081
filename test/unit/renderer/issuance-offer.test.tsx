import { act, cleanup, fireEvent, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyLocale, initI18n } from '../../../src/renderer/i18n';
import type { EnrollmentState } from '../../../src/shared/enrollment';
import type { IssuancePlan } from '../../../src/shared/issuance';
import { cardRead, chosen, OPERATION_ID, payload, READER, reading, readersWithCard, request, submitted } from './support/fixtures';
import { boundDone, error, failed, idle, issued, offer, paused, renderAfterBind, running, snapshotWith, stepHeading } from './support/issuance-fixtures';
import { region, renderStation, resetStore, settle } from './support/station';

beforeAll(() => initI18n());
beforeEach(() => resetStore());
afterEach(async () => {
  cleanup();
  await act(() => applyLocale('en'));
});

const hint = () => region().querySelector('.next-step[aria-live="polite"]')?.textContent ?? '';

/** Keyboard activation: a native, enabled, focusable button that has focus; activating it is a click (jsdom has no default actions). */
function pressEnterOnFocused(name: string) {
  const element = document.activeElement as HTMLElement;
  expect(element.tagName).toBe('BUTTON');
  expect(element.textContent).toBe(name);
  expect((element as HTMLButtonElement).disabled).toBe(false);
  fireEvent.click(element);
}

describe('the choice after a bind (issueAtDesk)', () => {
  it('offer: "Issue now" (primary, focused, announced) and "Bind only"; no "remove the card" while the choice is open', async () => {
    const station = await renderAfterBind('offer', { 'issuance.start': () => running('admin-auth') });
    station.fire('issuance.changed', offer());
    await settle();
    expect(stepHeading().textContent).toBe('The card is bound — issue it now?');
    const issue = within(region()).getByRole('button', { name: 'Issue now' });
    expect(issue.className).toContain('primary');
    expect(document.activeElement).toBe(issue);
    expect(hint()).toBe('The card is bound. Press Enter to issue it now, or Tab then Enter for Bind only.');
    expect(within(region()).getByRole('button', { name: 'Bind only' })).toBeTruthy();
    // The bind's own result is still there (the new card id); removing the card is not said yet.
    expect(region().querySelector('.result')).toBeTruthy();
    expect(within(region()).queryByText(/Remove the card/)).toBeNull();
    expect(within(region()).queryByRole('button', { name: 'Start a new enrollment' })).toBeNull();

    // Keyboard only: Enter on the focused "Issue now".
    pressEnterOnFocused('Issue now');
    await settle();
    expect(station.callsTo('issuance.start')).toEqual([{ reader: READER }]);
    expect(stepHeading().textContent).toBe('Issuing the card');
    expect(document.activeElement).toBe(stepHeading());
    expect(within(region()).getByRole('list', { name: 'Issuance steps' })).toBeTruthy();
  });

  it('offer: "Bind only" skips issuance; the done step then says to remove the card', async () => {
    const station = await renderAfterBind('offer', { 'issuance.skip': () => idle() });
    station.fire('issuance.changed', offer());
    await settle();
    fireEvent.click(within(region()).getByRole('button', { name: 'Bind only' }));
    await settle();
    expect(station.callsTo('issuance.skip')).toEqual([{ reader: READER }]);
    expect(station.callsTo('issuance.start')).toEqual([]);
    expect(stepHeading().textContent).toBe('Done — remove the card');
    expect(within(region()).getByText(/Remove the card/)).toBeTruthy();
    expect(within(region()).queryByRole('button', { name: 'Issue now' })).toBeNull();
  });

  it('keyboard: the bind keeps its key presses (Enter on Confirm binds), then focus is on "Issue now"', async () => {
    const station = await renderStation({
      'station.snapshot': () => snapshotWith('offer'),
      'outbox.list': () => [],
      'requests.search': () => ({ requests: [request()], source: 'live', syncedAt: null }),
      'enrollment.bind': () => submitted('binding', { state: 'sending', operationId: OPERATION_ID }),
    });
    station.fire('readers.changed', readersWithCard());
    station.fire('card.changed', { reader: READER, reading });
    station.fire('enrollment.changed', chosen());
    await settle();
    pressEnterOnFocused('Confirm and bind');
    await settle();
    expect(station.callsTo('enrollment.bind')).toEqual([{ reader: READER }]);
    station.fire('enrollment.changed', boundDone());
    station.fire('issuance.changed', offer());
    await settle();
    expect(document.activeElement).toBe(within(region()).getByRole('button', { name: 'Issue now' }));
    // The same when the offer arrives before the bind's done (events of two machines, any order).
    resetStore();
    cleanup();
    const again = await renderStation({
      'station.snapshot': () => snapshotWith('offer'),
      'outbox.list': () => [],
      'requests.search': () => ({ requests: [], source: 'live', syncedAt: null }),
    });
    again.fire('readers.changed', readersWithCard());
    again.fire('enrollment.changed', submitted('binding', { state: 'sending', operationId: OPERATION_ID }));
    again.fire('issuance.changed', offer());
    await settle();
    expect(within(region()).queryByRole('button', { name: 'Issue now' })).toBeNull();
    again.fire('enrollment.changed', boundDone());
    await settle();
    expect(document.activeElement).toBe(within(region()).getByRole('button', { name: 'Issue now' }));
  });

  it('always: no choice, straight to the progress view', async () => {
    const station = await renderAfterBind('always');
    station.fire('issuance.changed', running('admin-auth', false));
    await settle();
    expect(stepHeading().textContent).toBe('Issuing the card');
    expect(within(region()).queryByRole('button', { name: 'Issue now' })).toBeNull();
    expect(within(region()).queryByRole('button', { name: 'Bind only' })).toBeNull();
    // An offer is never a choice under `always`.
    station.fire('issuance.changed', offer());
    await settle();
    expect(within(region()).queryByRole('button', { name: 'Issue now' })).toBeNull();
  });

  it('off: nothing new after the bind', async () => {
    const station = await renderAfterBind('off');
    station.fire('issuance.changed', offer());
    await settle();
    expect(stepHeading().textContent).toBe('Done — remove the card');
    expect(within(region()).queryByRole('button', { name: 'Issue now' })).toBeNull();
    expect(within(region()).queryByText(/Issuing the card needs CM/)).toBeNull();
    expect(within(region()).getByText(/Remove the card/)).toBeTruthy();
  });

  it('offline (the bind queued): says that issuing needs CM, with no button that cannot work', async () => {
    const station = await renderAfterBind('offer', {}, { bind: 'queued' });
    station.fire('issuance.changed', offer());
    await settle();
    const note = region().querySelector('.issuance-needs-cm') as HTMLElement;
    expect(within(note).getByText('The card cannot be issued now')).toBeTruthy();
    expect(within(note).getByText('Issuing the card needs CM, which is not reachable now. The bind is queued.')).toBeTruthy();
    expect(within(note).getByText(/Issue it when CM is reachable again/)).toBeTruthy();
    expect(within(note).getByText('ISSUANCE_NEEDS_CM')).toBeTruthy();
    expect(within(region()).queryByRole('button', { name: 'Issue now' })).toBeNull();
    expect(within(region()).queryByRole('button', { name: 'Bind only' })).toBeNull();
    expect(stepHeading().textContent).toBe('Done — remove the card');
    // The same while the station reports the issuance paused for CM: Resume could not work before CM holds the bind.
    station.fire('issuance.changed', paused('bind', error('ISSUANCE_NEEDS_CM')));
    await settle();
    expect(region().querySelector('.issuance-needs-cm')).toBeTruthy();
    expect(within(region()).queryByRole('button', { name: 'Resume' })).toBeNull();
    // Once CM holds the bind, the offer comes back.
    station.fire('enrollment.changed', boundDone());
    station.fire('issuance.changed', offer());
    await settle();
    expect(region().querySelector('.issuance-needs-cm')).toBeNull();
    expect(document.activeElement).toBe(within(region()).getByRole('button', { name: 'Issue now' }));
  });

  it('French: the choice and the offline note', async () => {
    const station = await renderAfterBind('offer', {}, { locale: 'fr' });
    station.fire('issuance.changed', offer());
    await settle();
    expect(stepHeading().textContent).toBe('La carte est liée — l’émettre maintenant ?');
    expect(document.activeElement).toBe(within(region()).getByRole('button', { name: 'Émettre maintenant' }));
    expect(within(region()).getByRole('button', { name: 'Lier seulement' })).toBeTruthy();
    cleanup();
    resetStore();
    await renderAfterBind('offer', {}, { locale: 'fr', bind: 'queued' });
    expect(within(region()).getByText('La carte ne peut pas être émise maintenant')).toBeTruthy();
    expect(within(region()).queryByRole('button', { name: 'Émettre maintenant' })).toBeNull();
  });

  it('an ended issuance belongs to its request: the next card read starts afresh', async () => {
    const station = await renderAfterBind('offer');
    station.fire('issuance.changed', issued());
    await settle();
    expect(stepHeading().textContent).toBe('The card is issued — remove the card');
    station.fire('enrollment.changed', cardRead());
    await settle();
    expect(stepHeading().textContent).toBe('Choose the enrollment request');
    expect(within(region()).queryByText('The card is issued.')).toBeNull();
    // The same request chosen again for another card: a new enrollment, not the old issuance.
    station.fire('enrollment.changed', {
      ...(chosen() as Extract<EnrollmentState, { step: 'request-chosen' }>),
      payload: { ...payload, cardid: 'ffffffffffffffffffffffffffffffff' },
    });
    await settle();
    expect(stepHeading().textContent).toBe('Check and confirm');
  });

  it('before CM holds the bind, the enrollment steps speak (the station mirrors the bind as the third issuance step)', async () => {
    const station = await renderStation({
      'station.snapshot': () => snapshotWith('always'),
      'outbox.list': () => [],
      'requests.search': () => ({ requests: [], source: 'live', syncedAt: null }),
    });
    station.fire('readers.changed', readersWithCard());
    station.fire('enrollment.changed', submitted('binding', { state: 'sending', operationId: OPERATION_ID }));
    station.fire('issuance.changed', running('bind', false));
    await settle();
    expect(stepHeading().textContent).toBe('Binding the card');
    expect(within(region()).queryByRole('list', { name: 'Issuance steps' })).toBeNull();

    // CM refused the bind: the enrollment's attention step (with its way to the outbox), not "Issuance stopped".
    const refusal = error('CM_FORBIDDEN', 'corr-1');
    station.fire('enrollment.changed', submitted('attention', { state: 'needs-attention', operationId: OPERATION_ID, error: refusal }));
    station.fire('issuance.changed', failed('bind', refusal));
    await settle();
    expect(stepHeading().textContent).toBe('Needs attention');
    expect(within(region()).queryByText('The card is bound but not issued.')).toBeNull();

    // The bind done: the issuance runs (policy always), named by its own heading.
    station.fire('enrollment.changed', boundDone());
    station.fire('issuance.changed', running('admin-auth', false));
    await settle();
    expect(stepHeading().textContent).toBe('Issuing the card');
  });

  it('the confirmation says what follows the bind: offered, issued at once, or bind only and why; a factory card gets its identifier first', async () => {
    const station = await renderStation({
      'station.snapshot': () => snapshotWith('offer'),
      'outbox.list': () => [],
      'requests.search': () => ({ requests: [], source: 'live', syncedAt: null }),
    });
    station.fire('readers.changed', readersWithCard());
    // A factory card: PIV, but no CHUID yet.
    station.fire('card.changed', {
      reader: READER,
      reading: { ...reading, identifier: { kind: 'none', value: null }, cm: { state: 'not-asked', reason: 'no-identifier' } },
    });
    const withPlan = (issuance: IssuancePlan) => ({ ...(chosen() as Extract<EnrollmentState, { step: 'request-chosen' }>), issuance });
    station.fire('enrollment.changed', withPlan({ mode: 'offer', reason: null, chuid: null }));
    await settle();
    expect(within(region()).getByText(/^After the bind, the station offers to issue the card here/)).toBeTruthy();
    expect(within(region()).queryByText(/new from the factory/)).toBeNull();

    station.fire('enrollment.changed', withPlan({ mode: 'always', reason: null, chuid: '0123456789abcdef0123456789abcdef' }));
    await settle();
    expect(within(region()).getByText(/^After the bind, the station issues the card here/)).toBeTruthy();
    expect(within(region()).getByText(/^This card is new from the factory/)).toBeTruthy();
    // The card panel shows the identifier the station will write, not "cannot be bound".
    expect(within(region()).getByText('0123456789abcdef0123456789abcdef')).toBeTruthy();
    expect(within(region()).getByText(/^New from the factory: the station writes this identifier/)).toBeTruthy();

    station.fire('enrollment.changed', withPlan({ mode: null, reason: error('PIV_ADMIN_KEY_NOT_3DES'), chuid: null }));
    await settle();
    const note = region().querySelector('.issuance-plan-reason') as HTMLElement;
    expect(within(note).getByText('This card will be bound only: it cannot be issued at this station.')).toBeTruthy();
    expect(within(note).getByText(/is not 3DES/)).toBeTruthy();
    expect(within(note).getByText(/Use a card with a 3DES admin key/)).toBeTruthy();
    // A plan changes nothing of the bind's keyboard path: Confirm still has focus.
    expect(document.activeElement).toBe(within(region()).getByRole('button', { name: 'Confirm and bind' }));
  });
});
