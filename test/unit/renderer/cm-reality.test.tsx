import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { initI18n } from '../../../src/renderer/i18n';
import {
  cardRead,
  chosen,
  cmCheckReport,
  NEW_CARD,
  OLD_CARD,
  operation,
  READER,
  reading,
  readersWithCard,
  request,
  RETIRE_OPERATION_ID,
  snapshot,
} from './support/fixtures';
import { region as readerRegion, renderStation, resetStore, settle } from './support/station';

beforeAll(() => initI18n());
beforeEach(() => resetStore());
afterEach(() => cleanup());

const UNBLOCK = '0c96d73f-967b-420e-854a-43ad2a1504bc';
const RECOVER = '2f0e1d2c-3b4a-4596-8877-665544332211';
const LIKELY_RETIRE = '3a1f2e3d-4c5b-4a69-8877-665544332212';

describe('request types in the request list (request-types.ts)', () => {
  it('lists an Unblock with the reason and no choose button; an unconfirmed type needs the checkbox, then is sent acknowledged', async () => {
    const requests = [
      request({ uuid: UNBLOCK, type: 'Unblock', oldSmartcardUuid: OLD_CARD, targetUserDisplayName: 'Bram de Vries' }),
      request({ uuid: RECOVER, type: 'Unknown(2)', oldSmartcardUuid: OLD_CARD, targetUserDisplayName: 'Chen Wei' }),
      request({ uuid: LIKELY_RETIRE, type: 'Unknown(7)', oldSmartcardUuid: OLD_CARD, targetUserDisplayName: 'Chen Wei' }),
    ];
    const station = await renderStation({
      'station.snapshot': () => snapshot(),
      'outbox.list': () => [],
      'requests.search': () => ({ requests, source: 'live', syncedAt: null }),
      'enrollment.choose': () => chosen(),
    });
    station.fire('readers.changed' as never, readersWithCard());
    station.fire('card.changed' as never, { reader: READER, reading });
    station.fire('enrollment.changed' as never, cardRead());
    await settle();
    const region = readerRegion();
    const table = within(region).getByRole('table');
    const unblockRow = within(table).getByText(UNBLOCK).closest('tr')!;
    expect(within(unblockRow).getByText('Not for a new card: Unblock acts on the card the user already has.')).toBeTruthy();
    expect(within(unblockRow).queryByRole('button')).toBeNull();

    // An unconfirmed number whose likely name acts on an existing card is refused like the confirmed type.
    const retireRow = within(table).getByText(LIKELY_RETIRE).closest('tr')!;
    expect(within(retireRow).queryByRole('button')).toBeNull();
    expect(within(retireRow).queryByRole('checkbox')).toBeNull();

    const recoverRow = within(table).getByText(RECOVER).closest('tr')!;
    expect(within(recoverRow).getByText('Unconfirmed type (2, Recover?)')).toBeTruthy();
    const choose = within(recoverRow).getByRole('button', { name: /^Choose request 2f0e1d2c/ }) as HTMLButtonElement;
    expect(choose.disabled).toBe(true);
    // Issue #17, part 2: the acknowledgement is on the request's own row and names the likely type.
    expect(within(unblockRow).queryByRole('checkbox')).toBeNull();
    fireEvent.click(
      within(recoverRow).getByRole('checkbox', {
        name: 'I know this request needs a new card: accept it as Unconfirmed type (2, Recover?) (nothing is retired automatically)',
      }),
    );
    expect(choose.disabled).toBe(false);
    fireEvent.click(choose);
    await settle();
    expect(station.callsTo('enrollment.choose')).toEqual([{ reader: READER, requestId: RECOVER, replaceSmartcardUuid: null, acceptUnconfirmedType: true }]);
  });
});

describe('held retires in the outbox', () => {
  it('says what a held retire waits for, and retires now only after the confirmation', async () => {
    const bind = operation({ state: 'done', lastError: null, result: { smartcardUuid: NEW_CARD } } as never);
    const held = operation({
      kind: 'retire',
      id: RETIRE_OPERATION_ID,
      smartcardUuid: OLD_CARD,
      state: 'pending',
      attempts: 0,
      lastError: null,
      waitFor: 'new-card-active',
      waiting: { newSmartcardUuid: NEW_CARD, lastStatus: 'Assigned', checkedAt: '2026-11-23T09:05:00.000Z', polls: 2 },
      createdAt: '2026-11-23T09:03:00.000Z',
    } as never);
    const station = await renderStation({
      'station.snapshot': () => snapshot(),
      'outbox.list': () => [bind, held],
      'outbox.releaseHold': () => ({ ...held, waitFor: null }),
    });
    fireEvent.click(screen.getByRole('button', { name: /^Outbox/ }));
    const item = screen.getByRole('article', { name: /Retire card for request/ });
    expect(within(item).getByText(`Held until the new card ${NEW_CARD} is Active in CM (last seen: Assigned).`)).toBeTruthy();
    fireEvent.click(within(item).getByRole('button', { name: /^Retire now/ }));
    expect(station.callsTo('outbox.releaseHold')).toEqual([]);
    expect(within(item).getByText(/The user may be left without a working card/)).toBeTruthy();
    fireEvent.click(within(item).getByRole('button', { name: 'Yes, retire it now' }));
    await settle();
    expect(station.callsTo('outbox.releaseHold')).toEqual([{ id: RETIRE_OPERATION_ID, confirm: true }]);
  });
});

describe('a retire waiting for CM to approve its Retire request (retireRoute retire-request)', () => {
  it('says which Retire request it waits for and its status, and offers no "Retire now" (approval is CM\'s)', async () => {
    const retireRequestId = '0c96d73f-967b-420e-854a-43ad2a1504bc';
    const waiting = operation({
      kind: 'retire',
      id: RETIRE_OPERATION_ID,
      smartcardUuid: OLD_CARD,
      state: 'pending',
      attempts: 1,
      lastError: null,
      waitFor: null,
      route: 'retire-request',
      retireRequestId,
      waiting: { on: 'retire-request', newSmartcardUuid: null, lastStatus: 'Pending', checkedAt: '2026-11-23T09:05:00.000Z', polls: 1 },
      createdAt: '2026-11-23T09:03:00.000Z',
    } as never);
    await renderStation({ 'station.snapshot': () => snapshot(), 'outbox.list': () => [waiting] });
    fireEvent.click(screen.getByRole('button', { name: /^Outbox/ }));
    const item = screen.getByRole('article', { name: /Retire card for request/ });
    expect(
      within(item).getByText(`Waits for CM to approve the Retire request ${retireRequestId} (now Pending). Approve it in CM; the card is retired then.`),
    ).toBeTruthy();
    expect(within(item).queryByRole('button', { name: /^Retire now/ })).toBeNull();
  });
});

describe('CM check on the Diagnostics screen', () => {
  it('runs only when asked and shows sign-in schemes, the types with their reading, and the policy suggestion', async () => {
    const report = cmCheckReport({
      requestTypes: [
        { raw: '1', count: 10, reading: 'Enroll', confirmedBy: 'documented', likely: null, bindable: true },
        { raw: '3', count: 1, reading: null, confirmedBy: 'unconfirmed', likely: 'Renew', bindable: null },
        { raw: '5', count: 1, reading: 'Unblock', confirmedBy: 'documented', likely: null, bindable: false },
      ],
      requestStatuses: [{ raw: '3', count: 12, reading: 'Approved' }],
      suggestedRequestTypeNumbers: { '3': 'Renew' },
    });
    const station = await renderStation({
      'station.snapshot': () => snapshot(),
      'outbox.list': () => [],
      'diagnostics.run': () => ({ service: 'up', readers: [] }),
      'cm.check': () => report,
    });
    fireEvent.click(screen.getByRole('button', { name: 'Diagnostics' }));
    await settle();
    expect(station.callsTo('cm.check')).toEqual([]);
    const section = screen.getByRole('region', { name: 'CM connection check' });
    fireEvent.click(within(section).getByRole('button', { name: 'Check the CM connection' }));
    await settle();
    expect(station.callsTo('cm.check')).toHaveLength(1);
    expect(within(section).getByText('42 ms')).toBeTruthy();
    const types = within(section).getByRole('table', { name: 'Request types of the Approved, Executing and Pending requests' });
    expect(within(types).getByText('Enroll (documented by Microsoft)')).toBeTruthy();
    expect(within(types).getByText('Unconfirmed type (3, Renew?)')).toBeTruthy();
    expect(within(types).getByText('Unblock (documented by Microsoft, never bound)')).toBeTruthy();
    expect(within(section).getByText('"requestTypeNumbers": {"3":"Renew"}')).toBeTruthy();
  });
});
