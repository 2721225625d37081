import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { applyLocale, initI18n } from '../../../src/renderer/i18n';
import { ISSUANCE_STEPS } from '../../../src/shared/issuance';
import { cardRead, OTHER_READER, READER } from './support/fixtures';
import { canceled, error, paused, renderAfterBind, running, startOf, stepHeading } from './support/issuance-fixtures';
import { Refusal, region, resetStore, settle } from './support/station';

beforeAll(() => initI18n());
beforeEach(() => resetStore());
afterEach(async () => {
  vi.useRealTimers();
  cleanup();
  await act(() => applyLocale('en'));
});

const list = () => within(region()).getByRole('list', { name: 'Issuance steps' });
const item = (name: string) => within(list()).getByText(name).closest('li') as HTMLElement;
const announcement = () => region().querySelector('.issuance-now') as HTMLElement;

const NAMES = [
  'Check that the card can be issued',
  'Give the card its identifier',
  'Bind the card in CM',
  'Unlock the card with CM',
  'Give the card its own admin key',
  'Generate the keys on the card',
  'Sign the certificate requests on the card',
  'Get the certificates from CM',
  'Write the certificates to the card',
  'Set the PIN',
  'Mark the request completed in CM',
  'Check that CM shows the card as active',
];

describe('the issuance progress view', () => {
  it('names every step in plain words with its status in text (not colour alone) and its time; events move it on', async () => {
    const station = await renderAfterBind('always');
    station.fire('issuance.changed', running('generate-keys'));
    await settle();
    expect(NAMES).toHaveLength(ISSUANCE_STEPS.length);
    const items = within(list()).getAllByRole('listitem');
    expect(items.map((li) => li.querySelector('.issuance-step-name')?.textContent)).toEqual(NAMES);
    // Done steps: their time (endedAt - startedAt); the skipped one says so; later steps wait.
    expect(item('Bind the card in CM').textContent).toBe('✓Bind the card in CMDone1 s');
    expect(within(item('Give the card its own admin key')).getByText('Not needed')).toBeTruthy();
    expect(item('Set the PIN').textContent).toBe('○Set the PINWaiting');
    expect(item('Generate the keys on the card').getAttribute('aria-current')).toBe('step');
    expect(within(item('Generate the keys on the card')).getByText('In progress')).toBeTruthy();
    // The marks are decoration: hidden from screen readers, which read the status words.
    for (const mark of list().querySelectorAll('.issuance-mark')) expect(mark.getAttribute('aria-hidden')).toBe('true');
    expect(announcement().getAttribute('aria-live')).toBe('polite');
    expect(announcement().textContent).toBe('Step 6 of 12: Generate the keys on the card — In progress');

    station.fire('issuance.changed', running('certificates', false));
    await settle();
    expect(announcement().textContent).toBe('Step 8 of 12: Get the certificates from CM — In progress');
    expect(within(item('Generate the keys on the card')).getByText('Done')).toBeTruthy();
    expect(item('Generate the keys on the card').getAttribute('aria-current')).toBeNull();
  });

  it('times the running step with a 1 s interval only while a step runs, and clears it otherwise', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    vi.setSystemTime(startOf('generate-keys') + 3_000);
    const station = await renderAfterBind('always');
    station.fire('issuance.changed', running('generate-keys'));
    await settle();
    const time = () => item('Generate the keys on the card').querySelector('.issuance-step-time')?.textContent;
    expect(time()).toBe('3 s');
    expect(vi.getTimerCount()).toBe(1);
    act(() => vi.advanceTimersByTime(1_000));
    expect(time()).toBe('4 s');
    act(() => vi.advanceTimersByTime(70_000));
    expect(time()).toBe('1 min 14 s');
    // The announcement does not tick (only step changes are announced).
    expect(announcement().textContent).toBe('Step 6 of 12: Generate the keys on the card — In progress');
    // Paused: nothing runs, no timer is left.
    station.fire('issuance.changed', paused('certificates', error('ISSUANCE_NEEDS_CM')));
    await settle();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('Cancel is there only when the engine says the step is a safe point; it calls issuance.cancel', async () => {
    const station = await renderAfterBind('always', {
      'issuance.cancel': () => canceled(),
    });
    station.fire('issuance.changed', running('write-certificates', false));
    await settle();
    expect(within(region()).queryByRole('button', { name: 'Cancel issuance' })).toBeNull();
    station.fire('issuance.changed', running('sign-requests', true));
    await settle();
    fireEvent.click(within(region()).getByRole('button', { name: 'Cancel issuance' }));
    await settle();
    expect(station.callsTo('issuance.cancel')).toEqual([{ reader: READER }]);
    expect(stepHeading().textContent).toBe('Issuance canceled');
    expect(within(region()).getByText(/The issuance was canceled\. The card stays bound/)).toBeTruthy();
    // Ended: now the card may go.
    expect(within(region()).getByText(/Remove the card/)).toBeTruthy();
  });

  it('a refused cancel (not a safe point any more) is shown, and the issuance goes on', async () => {
    const station = await renderAfterBind('always', {
      'issuance.cancel': () => new Refusal(error('WORKFLOW_STATE')),
    });
    station.fire('issuance.changed', running('sign-requests', true));
    await settle();
    fireEvent.click(within(region()).getByRole('button', { name: 'Cancel issuance' }));
    await settle();
    const alert = within(region()).getByRole('alert');
    expect(within(alert).getByText('The issuance was not canceled')).toBeTruthy();
    expect(within(alert).getByText('WORKFLOW_STATE')).toBeTruthy();
    expect(stepHeading().textContent).toBe('Issuing the card');
  });

  it('paused (card pulled): the reason with its hint, the step it stopped at, what brings it back, and Resume', async () => {
    const station = await renderAfterBind('always', { 'issuance.start': () => running('write-certificates') });
    station.fire('issuance.changed', paused('write-certificates', error('ISSUANCE_WRONG_CARD')));
    await settle();
    expect(stepHeading().textContent).toBe('Issuance paused');
    expect(document.activeElement).toBe(stepHeading());
    expect(within(region()).getByText('Issuance paused at: Write the certificates to the card')).toBeTruthy();
    const alert = within(region()).getByRole('alert');
    expect(within(alert).getByText('A different card is in the reader: issuance continues only with the card it started on.')).toBeTruthy();
    expect(within(alert).getByText(/Put back the card the issuance started on/)).toBeTruthy();
    expect(within(region()).getByText(/^Put the same card back in the reader/)).toBeTruthy();
    expect(within(item('Write the certificates to the card')).getByText('Stopped')).toBeTruthy();
    expect(within(region()).queryByRole('button', { name: 'Cancel issuance' })).toBeNull();
    expect(within(region()).queryByText(/Remove the card/)).toBeNull();

    fireEvent.click(within(region()).getByRole('button', { name: 'Resume' }));
    await settle();
    expect(station.callsTo('issuance.start')).toEqual([{ reader: READER }]);
    expect(stepHeading().textContent).toBe('Issuing the card');
    expect(within(region()).queryByRole('button', { name: 'Resume' })).toBeNull();
  });

  it('paused (CM outage): it comes back when CM is reachable; the step list still shows, in French too', async () => {
    const station = await renderAfterBind('always', {}, { locale: 'fr' });
    // As main pauses a run for an outage (issuance/classify.ts wraps CM_OFFLINE, keeping its details).
    station.fire('issuance.changed', paused('certificates', error('ISSUANCE_NEEDS_CM', 'corr-77')));
    await settle();
    expect(stepHeading().textContent).toBe('Émission en pause');
    expect(within(region()).getByText(/^L’émission reprend quand CM est de nouveau joignable/)).toBeTruthy();
    expect(within(region()).getByText('corr-77')).toBeTruthy();
    expect(within(region()).getByRole('list', { name: 'Étapes de l’émission' })).toBeTruthy();
    expect(within(region()).getByRole('button', { name: 'Reprendre' })).toBeTruthy();
    expect(region().querySelector('.issuance-now')?.textContent).toBe('Étape 8 sur 12 : Obtenir les certificats auprès de CM — Arrêté');
  });

  it('a paused issuance whose card was pulled still shows on the reader (the enrollment went back to waiting)', async () => {
    const station = await renderAfterBind('always');
    station.fire('issuance.changed', paused('generate-keys', error('PCSC_CARD_REMOVED')));
    station.fire('readers.changed', { service: 'up', readers: [{ name: READER, card: null }] });
    await settle();
    expect(stepHeading().textContent).toBe('Issuance paused');
    expect(within(region()).getByRole('button', { name: 'Resume' })).toBeTruthy();
    expect(within(region()).getByText(/^Put the same card back in the reader/)).toBeTruthy();
    // After a restart mid-issuance: the same card brings it back too.
    station.fire('issuance.changed', paused('generate-keys', error('ISSUANCE_INTERRUPTED')));
    await settle();
    expect(within(region()).getByText(/^Put the same card back in the reader/)).toBeTruthy();
  });

  it('a reader that is not selected names its issuance, never "Done — remove the card" while the card is being issued', async () => {
    const station = await renderAfterBind('always');
    station.fire('issuance.changed', running('generate-keys'));
    await settle();
    fireEvent.click(screen.getByRole('button', { name: `Work with ${OTHER_READER}` }));
    await settle();
    const summary = region().querySelector('.step-summary');
    expect(summary?.textContent).toBe('Issuing the card');
    expect(within(region()).queryByText('Done — remove the card')).toBeNull();
  });

  it('a paused issuance waiting for its card leaves a new enrollment in that reader its screens, with a note', async () => {
    const station = await renderAfterBind('always');
    station.fire('issuance.changed', paused('generate-keys', error('PCSC_CARD_REMOVED')));
    station.fire('enrollment.changed', cardRead());
    await settle();
    expect(stepHeading().textContent).toBe('Choose the enrollment request');
    expect(within(region()).getByText(/^An issuance on this reader is paused until its own card is back/)).toBeTruthy();
    expect(within(region()).queryByRole('button', { name: 'Resume' })).toBeNull();
  });
});
