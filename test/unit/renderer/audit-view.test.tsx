import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { initI18n } from '../../../src/renderer/i18n';
import type { AuditEntry } from '../../../src/shared/audit';
import { CARD_ID, READER, REQUEST_ID, snapshot } from './support/fixtures';
import { Refusal, renderStation, resetStore, settle } from './support/station';

beforeAll(() => initI18n());
beforeEach(() => resetStore());
afterEach(() => cleanup());

const entry: AuditEntry = {
  id: '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b',
  at: '2026-11-23T09:04:00.000Z',
  actor: 'CONTOSO\\operator1',
  action: 'bind.done',
  reader: READER,
  cardId: CARD_ID,
  atr: null,
  requestId: REQUEST_ID,
  smartcardUuid: null,
  result: 'ok',
  code: null,
  correlationId: null,
  message: null,
};

async function openAudit(extra: Record<string, (request: never) => unknown> = {}) {
  const station = await renderStation({
    'station.snapshot': () => snapshot(),
    'outbox.list': () => [],
    'audit.query': () => [entry],
    'audit.exportCsv': () => ({ path: 'C:\\Audit\\audit-2026-11-23.csv', rows: 1 }),
    ...extra,
  });
  fireEvent.click(screen.getByRole('button', { name: 'Audit' }));
  await settle();
  return station;
}

describe('audit view', () => {
  it('shows the latest entries in a table when opened', async () => {
    const station = await openAudit();
    expect(document.activeElement).toBe(screen.getByRole('heading', { level: 2, name: 'Audit log' }));
    expect(station.callsTo('audit.query')).toEqual([{ limit: 500 }]);
    const table = screen.getByRole('table', { name: '1 entry, newest last' });
    expect(within(table).getByText('Bind done')).toBeTruthy();
    expect(within(table).getByText('CONTOSO\\operator1')).toBeTruthy();
    expect(within(table).getByRole('columnheader', { name: 'Correlation id' })).toBeTruthy();
  });

  it('filters by local dates (to = end of that day), request and card', async () => {
    const station = await openAudit();
    fireEvent.change(screen.getByLabelText('From (date)'), { target: { value: '2026-11-01' } });
    fireEvent.change(screen.getByLabelText('To (date, included)'), { target: { value: '2026-11-23' } });
    fireEvent.change(screen.getByRole('textbox', { name: 'Request id' }), { target: { value: ` ${REQUEST_ID} ` } });
    fireEvent.change(screen.getByRole('textbox', { name: 'Card id' }), { target: { value: CARD_ID } });
    fireEvent.click(screen.getByRole('button', { name: 'Show entries' }));
    await settle();
    expect(station.callsTo('audit.query').at(-1)).toEqual({
      from: new Date(2026, 10, 1).toISOString(),
      to: new Date(2026, 10, 24).toISOString(),
      requestId: REQUEST_ID,
      cardId: CARD_ID,
      limit: 500,
    });
  });

  it('exports the filtered entries to CSV and shows where the file went', async () => {
    const station = await openAudit();
    fireEvent.change(screen.getByRole('textbox', { name: 'Card id' }), { target: { value: CARD_ID } });
    fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    await settle();
    expect(station.callsTo('audit.exportCsv')).toEqual([{ cardId: CARD_ID }]);
    expect(screen.getByText(/Exported 1 row to C:\\Audit\\audit-2026-11-23\.csv/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Copy export file path' })).toBeTruthy();
  });

  it('says why an export failed', async () => {
    await openAudit({
      'audit.exportCsv': () => new Refusal({ code: 'STORAGE_IO', message: 'The export folder is not set in Settings.', details: {} }),
    });
    fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    await settle();
    const alert = screen.getByRole('alert');
    expect(within(alert).getByText('The export did not go through.')).toBeTruthy();
    // The code worded in the operator's language; the station's English stays in its log.
    expect(within(alert).getByText('The station could not write to its data folder.')).toBeTruthy();
  });
});
