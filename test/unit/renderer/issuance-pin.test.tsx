import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { applyLocale, initI18n } from '../../../src/renderer/i18n';
import { useStation } from '../../../src/renderer/store';
import { READER } from './support/fixtures';
import { error, pinEntry, pinShown, renderAfterBind, running } from './support/issuance-fixtures';
import { Refusal, region as readerRegion, resetStore, settle } from './support/station';

beforeAll(() => initI18n());
beforeEach(() => resetStore());
afterEach(async () => {
  vi.restoreAllMocks();
  cleanup();
  await act(() => applyLocale('en'));
});

const PIN = '482913';
const first = () => screen.getByLabelText('New PIN') as HTMLInputElement;
const second = () => screen.getByLabelText('New PIN again') as HTMLInputElement;

function typeAndSubmit(pin: string, confirm: string) {
  fireEvent.change(first(), { target: { value: pin } });
  fireEvent.change(second(), { target: { value: confirm } });
  fireEvent.submit(first().closest('form')!);
}

/** What the card holder sees must not hold the PIN anywhere the station keeps things. */
function expectPinNowhere(pin: string, logs: ReturnType<typeof vi.spyOn>[]) {
  expect(JSON.stringify(useStation.getState().issuance)).not.toContain(pin);
  expect(document.body.innerHTML).not.toContain(pin);
  for (const log of logs) expect(JSON.stringify(log.mock.calls)).not.toContain(pin);
}

async function handOver(handlers: Record<string, (request: never) => unknown> = {}, locale: 'en' | 'fr' = 'en') {
  const station = await renderAfterBind('always', handlers, { locale });
  station.fire('issuance.changed', running('write-certificates'));
  station.fire('issuance.changed', pinEntry());
  await settle();
  return station;
}

describe('the PIN hand-over screen', () => {
  it('replaces every other screen: one calm heading, two masked labelled fields described by the rules, focus in the first', async () => {
    await handOver();
    const heading = screen.getByRole('heading', { level: 1, name: 'Choose your PIN' });
    expect(screen.getAllByRole('heading').map((h) => h.textContent)).toEqual(['Choose your PIN']);
    // No navigation, no reader panels, no names: only the hand-over.
    expect(screen.queryByRole('navigation')).toBeNull();
    expect(screen.queryByRole('region', { name: READER })).toBeNull();
    expect(screen.getByRole('main').getAttribute('aria-labelledby')).toBe(heading.id);
    expect(screen.getByText('Hand the keyboard to the card holder.')).toBeTruthy();
    for (const input of [first(), second()]) {
      expect(input.type).toBe('password');
      expect(input.inputMode).toBe('numeric');
      expect(input.getAttribute('autocomplete')).toBe('off');
      expect(input.placeholder).toBe('');
      // No maxLength: a browser would silently cut a longer PIN in both fields alike.
      expect(input.maxLength).toBe(-1);
      const described = (input.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent);
      expect(described).toEqual(['6 to 8 digits']);
    }
    expect(document.activeElement).toBe(first());
    expect(screen.getByRole('button', { name: 'Set my PIN' })).toBeTruthy();
  });

  it('two different PINs: ISSUANCE_PIN_MISMATCH worded in an alert, both fields cleared, focus back in the first, nothing sent', async () => {
    const station = await handOver();
    typeAndSubmit(PIN, '482914');
    await settle();
    const alert = screen.getByRole('alert');
    expect(within(alert).getByText('The two PINs typed differ.')).toBeTruthy();
    expect(within(alert).getByText('Type the same PIN in both fields.')).toBeTruthy();
    expect(first().value).toBe('');
    expect(second().value).toBe('');
    expect(document.activeElement).toBe(first());
    expect(first().getAttribute('aria-invalid')).toBe('true');
    expect(first().getAttribute('aria-describedby')).toContain(alert.parentElement!.id);
    expect(station.callsTo('issuance.submitPin')).toEqual([]);

    // The same mistake again: the alert is inserted afresh (announced again), not left as it was.
    typeAndSubmit(PIN, '482914');
    await settle();
    expect(screen.getByRole('alert')).not.toBe(alert);
    expect(within(screen.getByRole('alert')).getByText('The two PINs typed differ.')).toBeTruthy();
  });

  for (const [what, pin] of [
    ['too short', '12345'],
    ['too long', '123456789'],
    ['not only digits', '12a456'],
    ['empty', ''],
  ] as const) {
    it(`a PIN ${what}: ISSUANCE_PIN_RULES worded, fields cleared, nothing sent`, async () => {
      const station = await handOver();
      typeAndSubmit(pin, pin);
      await settle();
      expect(within(screen.getByRole('alert')).getByText('The PIN does not follow the profile’s rules.')).toBeTruthy();
      expect([first().value, second().value]).toEqual(['', '']);
      expect(document.activeElement).toBe(first());
      expect(station.callsTo('issuance.submitPin')).toEqual([]);
    });
  }

  it('a good PIN is sent once to main, the fields are emptied at once, and it is kept nowhere; back to the progress with focus on its heading', async () => {
    const logs = [vi.spyOn(console, 'log'), vi.spyOn(console, 'error'), vi.spyOn(console, 'warn'), vi.spyOn(console, 'info')];
    let release: () => void = () => undefined;
    const station = await handOver({
      'issuance.submitPin': () => new Promise((resolve) => (release = () => resolve(running('pin')))),
    });
    typeAndSubmit(PIN, PIN);
    // Cleared before main answers.
    expect([first().value, second().value]).toEqual(['', '']);
    expect(station.callsTo('issuance.submitPin')).toEqual([{ reader: READER, pin: PIN, confirm: PIN }]);
    expectPinNowhere(PIN, logs);
    await act(async () => release());
    await settle();
    expect(screen.queryByRole('heading', { name: 'Choose your PIN' })).toBeNull();
    const region = readerRegion();
    const heading = within(region).getByRole('heading', { level: 4, name: 'Issuing the card' });
    expect(document.activeElement).toBe(heading);
    expectPinNowhere(PIN, logs);
  });

  it('main refuses the PIN (or asks again with a notice): the refusal is an alert, the fields are empty, focus in the first', async () => {
    const station = await handOver({ 'issuance.submitPin': () => new Refusal(error('ISSUANCE_PIN_RULES')) });
    typeAndSubmit('12345678', '12345678');
    await settle();
    const alert = screen.getByRole('alert');
    expect(within(alert).getByText('The PIN was not set')).toBeTruthy();
    expect(within(alert).getByText('The PIN does not follow the profile’s rules.')).toBeTruthy();
    expect([first().value, second().value]).toEqual(['', '']);
    expect(document.activeElement).toBe(first());
    expect(station.callsTo('issuance.submitPin')).toHaveLength(1);

    station.fire('issuance.changed', pinEntry(error('PIV_PIN_WRONG')));
    await settle();
    expect(within(screen.getByRole('alert')).getByText('The PIN is wrong.')).toBeTruthy();
  });

  it('French: heading, labels and rules', async () => {
    await handOver({}, 'fr');
    expect(screen.getByRole('heading', { level: 1, name: 'Choisissez votre code PIN' })).toBeTruthy();
    const input = screen.getByLabelText('Nouveau code PIN') as HTMLInputElement;
    expect(document.getElementById(input.getAttribute('aria-describedby')!)?.textContent).toBe('6 à 8 chiffres');
    expect(screen.getByLabelText('Nouveau code PIN, une seconde fois')).toBeTruthy();
    fireEvent.change(input, { target: { value: '123456' } });
    fireEvent.submit(input.closest('form')!);
    await settle();
    expect(within(screen.getByRole('alert')).getByText('Les deux codes PIN saisis sont différents.')).toBeTruthy();
  });
});

describe('the server-proposed PIN', () => {
  it('is shown once, large and alone, until "I have noted it"; then it is gone from the screen and the store', async () => {
    const station = await renderAfterBind('always', { 'issuance.pinSeen': () => running('complete') });
    station.fire('issuance.changed', pinShown('40817253'));
    await settle();
    const heading = screen.getByRole('heading', { level: 1, name: 'Your new PIN' });
    expect(document.activeElement).toBe(heading);
    expect(screen.getAllByRole('heading')).toHaveLength(1);
    expect(screen.queryByRole('navigation')).toBeNull();
    expect(screen.queryByRole('region', { name: READER })).toBeNull();
    const block = document.querySelector('.pin-block code') as HTMLElement;
    // Digits spaced: read out one by one.
    expect(block.textContent).toBe('4 0 8 1 7 2 5 3');
    expect(screen.getAllByRole('button').map((b) => b.textContent)).toEqual(['I have noted it']);

    fireEvent.click(screen.getByRole('button', { name: 'I have noted it' }));
    await settle();
    expect(station.callsTo('issuance.pinSeen')).toEqual([{ reader: READER }]);
    expect(document.body.textContent).not.toContain('4 0 8 1 7 2 5 3');
    expect(JSON.stringify(useStation.getState().issuance)).not.toContain('40817253');
    expect(readerRegion()).toBeTruthy();
  });

  it('French', async () => {
    const station = await renderAfterBind('always', {}, { locale: 'fr' });
    station.fire('issuance.changed', pinShown('40817253'));
    await settle();
    expect(screen.getByRole('heading', { level: 1, name: 'Votre nouveau code PIN' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Je l’ai noté' })).toBeTruthy();
  });
});
