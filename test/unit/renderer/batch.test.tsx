import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { initI18n } from '../../../src/renderer/i18n';
import { READER, REQUEST_ID, cardRead, reading, readersWithCard, request, snapshot } from './support/fixtures';
import { renderStation, resetStore, settle } from './support/station';

beforeAll(() => initI18n());
beforeEach(() => resetStore());
afterEach(() => cleanup());

const SECOND = '9c9f0c1c-3c3a-4f43-9d4e-1a2b3c4d5e6f';
const SKIPPED = '5d5f0c1c-3c3a-4f43-9d4e-1a2b3c4d5e6f';
const idle = { pending: [], reserved: [], submitted: [], skipped: [] };

describe('bulk mode', () => {
  it('starts from the listed requests, shows what comes next and what was skipped, and stops', async () => {
    const running = { pending: [REQUEST_ID, SECOND], reserved: [], submitted: [], skipped: [] };
    const station = await renderStation({
      'station.snapshot': () => snapshot(),
      'outbox.list': () => [],
      'requests.search': () => ({ requests: [request(), request({ uuid: SECOND })], source: 'live', syncedAt: null }),
      'batch.set': () => running,
      'batch.clear': () => idle,
    });
    station.fire('readers.changed', readersWithCard());
    station.fire('card.changed', { reader: READER, reading });
    station.fire('enrollment.changed', cardRead());
    await settle();

    fireEvent.click(screen.getByRole('button', { name: 'Enroll these 2 requests one after another (bulk mode)' }));
    await settle();
    expect(station.callsTo('batch.set')).toEqual([{ requestIds: [REQUEST_ID, SECOND] }]);

    station.fire('batch.changed', {
      pending: [REQUEST_ID, SECOND],
      reserved: [{ reader: READER, requestId: REQUEST_ID }],
      submitted: [],
      skipped: [
        {
          requestId: SKIPPED,
          reason: 'This request is Pending; CM binds a card only to an Approved or Executing request.',
          code: 'REQUEST_NOT_BINDABLE',
        },
      ],
    });
    await settle();
    const panel = screen.getByRole('region', { name: 'Bulk mode' });
    expect(within(panel).getByRole('status').textContent).toContain('2 requests left');
    expect(within(panel).getByText(/Next request: 9c9f0c1c/)).toBeTruthy();
    expect(within(panel).getByText(new RegExp(`7b7f0c1c.* is on ${READER}`))).toBeTruthy();
    expect(within(panel).getByText(/This request cannot take a card/)).toBeTruthy();
    expect(within(panel).queryByText(/This request is Pending/)).toBeNull();
    // While a batch runs, the search does not offer to start another.
    expect(screen.queryByRole('button', { name: /bulk mode\)$/ })).toBeNull();

    fireEvent.click(within(panel).getByRole('button', { name: 'Stop bulk mode' }));
    await settle();
    expect(station.callsTo('batch.clear')).toEqual([{}]);
    station.fire('batch.changed', idle);
    await settle();
    expect(screen.queryByRole('region', { name: 'Bulk mode' })).toBeNull();
  });
});
