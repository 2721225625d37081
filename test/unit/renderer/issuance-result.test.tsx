import { act, cleanup, fireEvent, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyLocale, initI18n } from '../../../src/renderer/i18n';
import { formatDateTime } from '../../../src/renderer/format';
import { READER } from './support/fixtures';
import { canceled, CERTIFICATES, error, failed, issued, renderAfterBind, running, stepHeading } from './support/issuance-fixtures';
import { region, resetStore, settle } from './support/station';

beforeAll(() => initI18n());
beforeEach(() => resetStore());
afterEach(async () => {
  cleanup();
  await act(() => applyLocale('en'));
});

/** A certificate's description list as [term, value] pairs. */
function pairs(item: HTMLElement): [string, string][] {
  const terms = [...item.querySelectorAll('dt')].map((dt) => dt.textContent ?? '');
  const values = [...item.querySelectorAll('dd')].map((dd) => dd.textContent ?? '');
  return terms.map((term, i) => [term, values[i] ?? '']);
}

describe('the issuance result', () => {
  it('done: "The card is issued", every certificate with its slot in words, then "remove the card" as the done step says', async () => {
    const station = await renderAfterBind('always');
    station.fire('issuance.changed', running('verify-active'));
    await settle();
    station.fire('issuance.changed', issued());
    await settle();
    expect(stepHeading().textContent).toBe('The card is issued — remove the card');
    expect(document.activeElement).toBe(stepHeading());
    expect(within(region()).getByText('The card is issued.')).toBeTruthy();
    const section = within(region()).getByRole('region', { name: 'Certificates on the card' });
    const items = within(section).getAllByRole('listitem');
    expect(items.map((li) => li.querySelector('h6')?.textContent)).toEqual(['PIV Authentication (9A)', 'Digital Signature (9C)']);
    expect(pairs(items[0]!)).toEqual([
      ['Subject', CERTIFICATES[0]!.subject],
      ['Issuer', CERTIFICATES[0]!.issuer],
      ['Serial number', '5a000000123abc'],
      ['Valid until', formatDateTime(CERTIFICATES[0]!.notAfter)],
      ['Template', 'SmartcardLogon'],
    ]);
    expect(pairs(items[1]!).at(-1)).toEqual(['Template', 'Not named by CM']);
    // Ended: now the card may go, and the next enrollment can start.
    const remove = within(region()).getByText(/Remove the card/);
    expect(section.compareDocumentPosition(remove) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(within(region()).getByRole('button', { name: 'Start a new enrollment' })).toBeTruthy();
  });

  it('done in French: slots and fields in words', async () => {
    const station = await renderAfterBind('always', {}, { locale: 'fr' });
    station.fire('issuance.changed', issued());
    await settle();
    expect(stepHeading().textContent).toBe('La carte est émise — retirez la carte');
    expect(within(region()).getByText('Authentification PIV (9A)')).toBeTruthy();
    expect(within(region()).getByText('Signature numérique (9C)')).toBeTruthy();
    expect(within(region()).getAllByText('Valide jusqu’au')).toHaveLength(2);
    expect(within(region()).getByText(/Retirez la carte/)).toBeTruthy();
  });

  it('done with key history: an earlier key in a retired slot is named as such, in English and French', async () => {
    const earlier = { ...CERTIFICATES[0]!, slot: '83' as const, serialNumber: '5a000000000042', template: 'StaffEncryption' };
    const station = await renderAfterBind('always', {}, { locale: 'fr' });
    station.fire('issuance.changed', { ...issued(), certificates: [...CERTIFICATES, earlier] } as ReturnType<typeof issued>);
    await settle();
    expect(within(region()).getByText('Ancienne clé de chiffrement 2 (emplacement de clé retirée 83)')).toBeTruthy();
    await act(() => applyLocale('en'));
    const section = within(region()).getByRole('region', { name: 'Certificates on the card' });
    const items = within(section).getAllByRole('listitem');
    expect(items.map((li) => li.querySelector('h6')?.textContent)).toEqual([
      'PIV Authentication (9A)',
      'Digital Signature (9C)',
      'Earlier encryption key 2 (retired key slot 83)',
    ]);
  });

  it('failed: the reason (code worded, hint), the step it stopped at, and what to do; the card may then go', async () => {
    const station = await renderAfterBind('always', { 'issuance.start': () => running('certificates') });
    station.fire('issuance.changed', failed('certificates', error('ISSUANCE_NEEDS_PERSON', 'corr-9')));
    await settle();
    expect(stepHeading().textContent).toBe('Issuance stopped');
    expect(within(region()).getByText('The card is bound but not issued.')).toBeTruthy();
    expect(within(region()).getByText('Stopped at: Get the certificates from CM')).toBeTruthy();
    const alert = within(region()).getByRole('alert');
    expect(within(alert).getByText(/a person must check the request in CM/)).toBeTruthy();
    expect(within(alert).getByText(/Check the request and the card in CM before doing anything else/)).toBeTruthy();
    expect(within(alert).getByText('corr-9')).toBeTruthy();
    expect(within(region()).getByText(/^A person should check the request and the card in CM first/)).toBeTruthy();
    expect(within(region()).queryByRole('button', { name: 'Resume' })).toBeNull();
    expect(within(region()).getByText(/Remove the card/)).toBeTruthy();
    // Try again is offered, not pressed for the operator: it is neither primary nor focused.
    const again = within(region()).getByRole('button', { name: 'Try again' });
    expect(again.className).not.toContain('primary');
    expect(document.activeElement).toBe(stepHeading());
    fireEvent.click(again);
    await settle();
    expect(station.callsTo('issuance.start')).toEqual([{ reader: READER }]);
    expect(stepHeading().textContent).toBe('Issuing the card');
  });

  it('canceled: says the card stays bound and where the request can still be executed', async () => {
    const station = await renderAfterBind('always');
    station.fire('issuance.changed', canceled());
    await settle();
    expect(stepHeading().textContent).toBe('Issuance canceled');
    expect(within(region()).getByText(/The card stays bound; the request can be executed later/)).toBeTruthy();
    fireEvent.click(within(region()).getByRole('button', { name: 'Start a new enrollment' }));
    await settle();
    expect(station.callsTo('enrollment.reset')).toEqual([{ reader: READER }]);
  });
});
