import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { initI18n } from '../../../src/renderer/i18n';
import type { EnrollmentState } from '../../../src/shared/enrollment';
import {
  ATR,
  CARD_ID,
  cardRead,
  chosen,
  NEW_CARD,
  OLD_CARD,
  OPERATION_ID,
  OTHER_READER,
  payload,
  READER,
  reading,
  readersWithCard,
  request,
  RETIRE_OPERATION_ID,
  snapshot,
  submitted,
} from './support/fixtures';
import { Refusal, region as readerRegion, renderStation, resetStore, settle } from './support/station';

beforeAll(() => initI18n());
beforeEach(() => resetStore());
afterEach(() => cleanup());

const live = { requests: [request()], source: 'live', syncedAt: null };

function handlers(overrides: Record<string, (request: never) => unknown> = {}) {
  return {
    'station.snapshot': () => snapshot(),
    'outbox.list': () => [],
    'requests.search': () => live,
    'enrollment.choose': () => chosen(),
    'enrollment.bind': () => submitted('binding', { state: 'sending', operationId: OPERATION_ID }),
    'enrollment.reset': () => cardRead(),
    ...overrides,
  };
}

async function insertCard(fire: (event: never, payload: unknown) => void) {
  fire('readers.changed' as never, readersWithCard());
  fire('card.changed' as never, { reader: READER, reading });
  fire('enrollment.changed' as never, cardRead());
  await settle();
}

const stepHeading = (name: string | RegExp) => within(readerRegion()).getByRole('heading', { level: 4, name });

describe('enrollment flow', () => {
  it('goes card read → search → choose → confirm (exact payload) → binding → done with the new smart card id', async () => {
    const station = await renderStation(handlers());
    await insertCard(station.fire);

    const region = readerRegion();
    // The card panel: ATR spaced, identifier kind + value, model, what CM knows.
    expect(within(region).getByText('3B 8D 01 80 FB A0 00 00 03 97 42 54 46 59 03 01 C8')).toBeTruthy();
    expect(within(region).getByText(CARD_ID)).toBeTruthy();
    expect(within(region).getByText('PIV CHUID GUID')).toBeTruthy();
    expect(within(region).getByText('YubiKey 5 NFC')).toBeTruthy();
    expect(within(region).getByText('CM does not know this card')).toBeTruthy();
    expect(within(region).getByRole('button', { name: `Copy Card identifier ${READER}` })).toBeTruthy();
    // Card read, no request yet: focus went to the search field, and the move was announced.
    expect(document.activeElement).toBe(within(region).getByRole('searchbox', { name: 'Request id, user or template' }));
    expect(
      within(region)
        .getByText(/^Card read\. Type a name/)
        .getAttribute('aria-live'),
    ).toBe('polite');

    // The list loads at once (empty query) and says where it comes from.
    expect(station.callsTo('requests.search')).toEqual([{ query: '', limit: 100 }]);
    const table = within(region).getByRole('table', { name: /Approved requests, live from CM/ });
    expect(within(table).getByText('Alice Martin')).toBeTruthy();
    expect(within(table).getByText('Smart card logon')).toBeTruthy();
    expect(within(table).getByText('Enroll')).toBeTruthy();
    expect(within(table).getByText('Approved')).toBeTruthy();

    fireEvent.change(within(region).getByRole('searchbox', { name: 'Request id, user or template' }), {
      target: { value: ' alice ' },
    });
    fireEvent.submit(within(region).getByRole('search', { name: 'Find the request' }));
    await settle();
    expect(station.callsTo('requests.search').at(-1)).toEqual({ query: 'alice', limit: 100 });

    fireEvent.click(within(region).getByRole('button', { name: 'Choose request 7b7f0c1c for Alice Martin' }));
    await settle();
    expect(station.callsTo('enrollment.choose')).toEqual([
      { reader: READER, requestId: request().uuid, replaceSmartcardUuid: null, acceptUnconfirmedType: false },
    ]);

    // The confirmation shows exactly the payload, as JSON, copyable; focus is on Confirm.
    expect(stepHeading('Check and confirm')).toBeTruthy();
    expect(document.activeElement).toBe(within(region).getByRole('button', { name: 'Confirm and bind' }));
    expect(within(region).getByText(/press Enter to confirm and bind/)).toBeTruthy();
    const figure = within(region).getByRole('figure', { name: 'Sent to CM exactly (POST /smartcards)' });
    const json = figure.querySelector('code')?.textContent ?? '';
    expect(JSON.parse(json)).toEqual(payload);
    expect(Object.keys(JSON.parse(json))).toEqual(['requestid', 'cardid', 'atr']);
    expect(json).toContain(`"atr": "${ATR}"`);
    expect(within(figure).getByRole('button', { name: 'Copy bind payload' })).toBeTruthy();
    expect(within(region).getByText('No card will be retired.')).toBeTruthy();

    fireEvent.click(within(region).getByRole('button', { name: 'Confirm and bind' }));
    await settle();
    expect(station.callsTo('enrollment.bind')).toEqual([{ reader: READER }]);
    expect(document.activeElement).toBe(stepHeading('Binding the card'));
    expect(within(region).getByText('Binding the card in CM…').getAttribute('role')).toBe('status');

    station.fire('enrollment.changed', submitted('done', { state: 'done', operationId: OPERATION_ID, smartcardUuid: NEW_CARD }));
    expect(document.activeElement).toBe(stepHeading('Done — remove the card'));
    expect(within(region).getByText(NEW_CARD)).toBeTruthy();
    expect(within(region).getByRole('button', { name: 'Copy new smart card id' })).toBeTruthy();
    expect(within(region).getByText(/Remove the card/)).toBeTruthy();
  });

  it('says "queued" when the bind waits for CM, and shows the retire outcome', async () => {
    const station = await renderStation(handlers());
    await insertCard(station.fire);
    station.fire(
      'enrollment.changed',
      submitted(
        'done',
        { state: 'queued', operationId: OPERATION_ID, reason: 'CM is offline', error: null },
        { state: 'queued', operationId: RETIRE_OPERATION_ID, reason: 'CM is offline', error: null },
      ),
    );
    const region = readerRegion();
    const statuses = within(region)
      .getAllByRole('status')
      .map((e) => e.textContent);
    expect(statuses.filter((text) => text !== '')).toEqual(['Saved. It will be sent when CM is reachable.']);
    // The station's English reason stays in its logs; the screen words it.
    expect(within(region).getAllByText(/Why it is queued: CM is not reachable right now\./)).toHaveLength(2);
    expect(within(region).queryByText(/New smart card id/)).toBeNull();
  });

  it('shows an operation refused by CM with its message, code and correlation id, and leads to the outbox', async () => {
    const station = await renderStation(handlers());
    await insertCard(station.fire);
    station.fire(
      'enrollment.changed',
      submitted('attention', {
        state: 'needs-attention',
        operationId: OPERATION_ID,
        error: { code: 'CM_SERVER_ERROR', message: 'CM failed while binding the card.', details: { correlationId: 'c0ffee-42' } },
      }),
    );
    const region = readerRegion();
    const alert = within(region).getByRole('alert');
    expect(within(alert).getByText('CM failed while handling the request.')).toBeTruthy();
    expect(within(alert).queryByText('CM failed while binding the card.')).toBeNull();
    expect(within(alert).getByText('CM_SERVER_ERROR')).toBeTruthy();
    expect(within(alert).getByText('c0ffee-42')).toBeTruthy();
    expect(within(alert).getByText(/Give IT the correlation id/)).toBeTruthy();
    const copy = within(alert).getByRole('button', { name: 'Copy Correlation id' });
    const written: string[] = [];
    Object.defineProperty(navigator, 'clipboard', {
      configurable: true,
      value: { writeText: async (text: string) => void written.push(text) },
    });
    await act(async () => fireEvent.click(copy));
    expect(written).toEqual(['c0ffee-42']);
    expect(copy.textContent).toBe('Copied');

    fireEvent.click(within(region).getByRole('button', { name: 'Open the outbox to retry or discard it' }));
    const heading = screen.getByRole('heading', { level: 2, name: 'Outbox' });
    expect(document.activeElement).toBe(heading);
  });

  it('shows a refusal notice (a different card) as an alert on the step', async () => {
    const station = await renderStation(handlers());
    await insertCard(station.fire);
    const refused: EnrollmentState = {
      ...(chosen() as Extract<EnrollmentState, { step: 'request-chosen' }>),
      notice: { code: 'CARD_MISMATCH', message: 'A different card is in the reader.', details: {} },
    };
    station.fire('enrollment.changed', refused);
    const alert = within(readerRegion()).getByRole('alert');
    expect(within(alert).getByText('A different card is in the reader.')).toBeTruthy();
    expect(within(alert).getByText('The station refused the last step')).toBeTruthy();
    expect(within(alert).getByText('CARD_MISMATCH')).toBeTruthy();
  });

  it('passes the replaced card the operator typed (normalised) and refuses one that is not a GUID', async () => {
    const station = await renderStation(handlers());
    await insertCard(station.fire);
    const region = readerRegion();
    const field = within(region).getByRole('textbox', { name: 'Card this replaces (CM smart card id, optional)' });
    const choose = () => fireEvent.click(within(region).getByRole('button', { name: /Choose request 7b7f0c1c/ }));

    fireEvent.change(field, { target: { value: 'not-a-guid' } });
    choose();
    await settle();
    expect(station.callsTo('enrollment.choose')).toEqual([]);
    expect(within(region).getByRole('alert').textContent).toMatch(/not a CM smart card id/);
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(field);

    fireEvent.change(field, { target: { value: `{${OLD_CARD.toUpperCase()}}` } });
    choose();
    await settle();
    expect(station.callsTo('enrollment.choose')).toEqual([
      { reader: READER, requestId: request().uuid, replaceSmartcardUuid: OLD_CARD, acceptUnconfirmedType: false },
    ]);
  });

  it('labels an offline list with the time of its copy, and shows what CM could not say', async () => {
    const syncedAt = new Date(2026, 10, 23, 9, 5).toISOString();
    const station = await renderStation(handlers({ 'requests.search': () => ({ requests: [request()], source: 'cache', syncedAt }) }));
    station.fire('readers.changed', readersWithCard());
    station.fire('enrollment.changed', { ...cardRead(), card: { ...reading, cm: { state: 'not-asked', reason: 'offline' } } });
    station.fire('card.changed', { reader: READER, reading: { ...reading, cm: { state: 'not-asked', reason: 'offline' } } });
    await settle();
    expect(within(readerRegion()).getByRole('table', { name: /offline copy from 09:05/ })).toBeTruthy();
    expect(within(readerRegion()).getByText('CM could not be asked: offline')).toBeTruthy();
  });

  it('shows the card to retire on the confirmation, and Back resets the step', async () => {
    const station = await renderStation(handlers());
    await insertCard(station.fire);
    station.fire('enrollment.changed', chosen({ smartcardUuid: OLD_CARD, source: 'request', card: null }));
    const region = readerRegion();
    expect(within(region).getByText('Card to retire')).toBeTruthy();
    expect(within(region).getByText(OLD_CARD)).toBeTruthy();
    expect(within(region).getByText('Named by the request')).toBeTruthy();
    fireEvent.click(within(region).getByRole('button', { name: 'Back' }));
    await settle();
    expect(station.callsTo('enrollment.reset')).toEqual([{ reader: READER }]);
    expect(stepHeading('Choose the enrollment request')).toBeTruthy();
  });

  it('shows a refused call with the station message next to the buttons', async () => {
    const station = await renderStation(
      handlers({
        'enrollment.bind': () => new Refusal({ code: 'NO_CARD', message: 'There is no card in the reader.', details: {} }),
      }),
    );
    await insertCard(station.fire);
    station.fire('enrollment.changed', chosen());
    fireEvent.click(within(readerRegion()).getByRole('button', { name: 'Confirm and bind' }));
    await settle();
    const alert = within(readerRegion()).getByRole('alert');
    expect(within(alert).getByText('The confirmation did not go through.')).toBeTruthy();
    expect(within(alert).getByText('There is no card in the reader.')).toBeTruthy();
    expect(within(alert).getByText(/Insert the card and try again/)).toBeTruthy();
  });

  it('selects the reader of the latest card, but not while the operator is confirming on another', async () => {
    const station = await renderStation(handlers());
    await insertCard(station.fire);
    expect(within(readerRegion()).getByText('Selected')).toBeTruthy();
    station.fire('enrollment.changed', chosen());

    station.fire('readers.changed', {
      service: 'up',
      readers: [
        { name: READER, card: { atr: ATR, insertion: 1, insertedAt: '2026-11-23T09:00:00.000Z' } },
        { name: OTHER_READER, card: { atr: ATR, insertion: 1, insertedAt: '2026-11-23T09:10:00.000Z' } },
      ],
    });
    const other = screen.getByRole('region', { name: OTHER_READER });
    expect(within(other).getByText('Latest card')).toBeTruthy();
    expect(within(readerRegion()).getByText('Selected')).toBeTruthy();

    // The operator switches by keyboard-operable button; focus lands on that reader's step heading.
    fireEvent.click(within(other).getByRole('button', { name: `Work with ${OTHER_READER}` }));
    expect(within(other).getByText('Selected')).toBeTruthy();
    expect(document.activeElement).toBe(within(other).getByRole('heading', { level: 4, name: 'Reading the card' }));
    expect(within(readerRegion()).getByText('Check and confirm')).toBeTruthy();
  });

  it('says when the identifier could not be read, and reads the card again on request', async () => {
    const station = await renderStation(handlers({ 'card.read': () => reading }));
    const failed = readersWithCard();
    failed.readers[0]!.card = {
      ...failed.readers[0]!.card!,
      identity: {
        status: 'failed',
        error: { code: 'PCSC_SHARING_VIOLATION', message: 'Another program holds the card.', details: {} },
      },
    } as never;
    station.fire('readers.changed', failed);
    const region = readerRegion();
    const alert = within(region).getByRole('alert');
    expect(within(alert).getByText('The card identifier could not be read.')).toBeTruthy();
    expect(within(alert).getByText('Another program is using the card.')).toBeTruthy();
    expect(within(alert).getByText(/Close it, then remove and insert the card/)).toBeTruthy();

    fireEvent.click(within(region).getByRole('button', { name: 'Read the card again' }));
    await settle();
    expect(station.callsTo('card.read')).toEqual([{ reader: READER }]);
    expect(within(region).getByText(CARD_ID)).toBeTruthy();
    expect(within(region).queryByRole('button', { name: 'Read the card again' })).toBeNull();
  });

  it('reports the retired card on the result', async () => {
    const station = await renderStation(handlers());
    await insertCard(station.fire);
    station.fire(
      'enrollment.changed',
      submitted(
        'done',
        { state: 'done', operationId: OPERATION_ID, smartcardUuid: NEW_CARD },
        { state: 'done', operationId: RETIRE_OPERATION_ID, smartcardUuid: OLD_CARD },
      ),
    );
    expect(within(readerRegion()).getByText(`Replaced card retired: ${OLD_CARD}`)).toBeTruthy();
    expect(within(readerRegion()).queryByText('Saved. It will be sent when CM is reachable.')).toBeNull();
  });

  it('gives focus to the view heading, not a step heading, when the operator comes back to Enrollment', async () => {
    const station = await renderStation(handlers());
    await insertCard(station.fire);
    fireEvent.click(within(screen.getByRole('region', { name: OTHER_READER })).getByRole('button', { name: /^Work with/ }));
    fireEvent.click(screen.getByRole('button', { name: /^Outbox/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Enrollment' }));
    await settle();
    expect(document.activeElement).toBe(screen.getByRole('heading', { level: 2, name: 'Enrollment' }));
  });

  it('shows the last failure (with its correlation id) of an operation that stays queued', async () => {
    const station = await renderStation(handlers());
    await insertCard(station.fire);
    station.fire(
      'enrollment.changed',
      submitted('done', {
        state: 'queued',
        operationId: OPERATION_ID,
        reason: 'CM failed; the station tries again',
        error: { code: 'CM_SERVER_ERROR', message: 'CM answered 500.', details: { correlationId: 'corr-77' } },
      }),
    );
    const region = readerRegion();
    expect(within(region).getByText(/The last attempt failed/)).toBeTruthy();
    expect(within(region).getByText('corr-77')).toBeTruthy();
    expect(within(region).getByRole('button', { name: 'Copy Correlation id' })).toBeTruthy();
  });
});
