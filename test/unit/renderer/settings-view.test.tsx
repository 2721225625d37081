import { SETTING_KEYS } from '../../../src/shared/settings';
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import i18next from 'i18next';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyLocale, initI18n } from '../../../src/renderer/i18n';
import type { SettingsUpdate, SettingsView } from '../../../src/shared/settings';
import { managedKeys, settingsView, snapshot } from './support/fixtures';
import { Refusal, renderStation, resetStore, settle } from './support/station';

/** The element's accessible description: the text of every element aria-describedby names. */
function description(element: Element): string {
  return (element.getAttribute('aria-describedby') ?? '')
    .split(/\s+/)
    .map((id) => document.getElementById(id)?.textContent ?? '')
    .join(' ');
}

beforeAll(() => initI18n());
beforeEach(() => resetStore());
afterEach(async () => {
  cleanup();
  await act(() => applyLocale('en'));
});

async function openSettings(view: SettingsView, update: (request: SettingsUpdate) => unknown = () => view) {
  const station = await renderStation({
    'station.snapshot': () => snapshot({ settings: view }),
    'outbox.list': () => [],
    'settings.update': update as (request: never) => unknown,
  });
  fireEvent.click(screen.getByRole('button', { name: 'Settings' }));
  return station;
}

describe('settings view', () => {
  it('says which settings take effect only when the station restarts', async () => {
    await openSettings(settingsView({ managed: managedKeys() }));
    expect(description(screen.getByRole('textbox', { name: 'CM REST API address' }))).toMatch(/restarts/);
    expect(description(screen.getByRole('combobox', { name: 'Language' }))).not.toMatch(/restarts/);
  });

  it('shows every setting; managed ones are read-only and say so', async () => {
    await openSettings(
      settingsView({
        managed: managedKeys('cmBaseUrl', 'trainingModeAllowed', 'updateFeedUrl'),
        policy: {
          source: 'HKLM\\SOFTWARE\\Policies\\EnrollmentStation',
          status: 'ok',
          problems: [],
          channel: 'windows-registry',
          keys: ['cmBaseUrl'],
          changedSinceStart: false,
        },
      }),
    );
    expect(document.activeElement).toBe(screen.getByRole('heading', { level: 2, name: 'Settings' }));
    const url = screen.getByRole('textbox', { name: 'CM REST API address' }) as HTMLInputElement;
    expect(url.value).toBe('https://cm.contoso.com/CertificateManagement/api/v1.0/');
    expect(url.readOnly).toBe(true);
    expect(url.getAttribute('aria-describedby')).toMatch(/managed/);
    expect(description(url)).toMatch('Managed by your organization');
    expect((screen.getByRole('checkbox', { name: 'Training mode allowed' }) as HTMLInputElement).disabled).toBe(true);
    // Editable ones are not.
    const timeout = screen.getByRole('textbox', { name: 'CM timeout (milliseconds)' }) as HTMLInputElement;
    expect(timeout.readOnly).toBe(false);
    expect(timeout.value).toBe('15000');
    expect((screen.getByRole('textbox', { name: 'Readers to hide (patterns)' }) as HTMLTextAreaElement).value).toBe('*Windows Hello*');
    expect((screen.getByRole('combobox', { name: 'Language' }) as HTMLSelectElement).value).toBe('en');
    expect(screen.getAllByText(/^Managed by your organization/)).toHaveLength(3);
    // Machine-only keys say where their value comes from: the policy, or the built-in default.
    expect(description(url)).toMatch('Set by your organization’s machine policy.');
    expect(description(screen.getByRole('checkbox', { name: 'Training mode allowed' }))).toMatch('it does not, so the built-in default applies');
    expect(screen.getByText('Machine policy: HKLM\\SOFTWARE\\Policies\\EnrollmentStation')).toBeTruthy();
  });

  it('without any policy, says the station stays in training and how IT configures it', async () => {
    await openSettings(settingsView());
    expect(screen.getByText(/No machine policy from your organization: this station stays in training mode/).textContent).toMatch(
      /Group Policy or Intune .* configuration profile on macOS.* \/etc\/enrollment-station\/policy\.json/,
    );
  });

  it('says when IT changed the machine policy since the station started', async () => {
    await openSettings(
      settingsView({ policy: { source: 'HKLM', status: 'ok', problems: [], channel: 'windows-registry', keys: [], changedSinceStart: true } }),
    );
    expect(screen.getByRole('alert').textContent).toBe('Your organization changed the machine policy. Restart the station to apply it.');
  });

  it('labels a development policy as such', async () => {
    await openSettings(
      settingsView({
        policy: { source: '/tmp/p.json (development policy)', status: 'ok', problems: [], channel: 'development', keys: [], changedSinceStart: false },
      }),
    );
    expect(screen.getByRole('alert').textContent).toMatch(/^Development policy: \/tmp\/p\.json \(development policy\)\. It is not your organization’s/);
  });

  it('sends only what changed, typed, and shows SETTING_LOCKED next to the form', async () => {
    const station = await openSettings(
      settingsView(),
      () =>
        new Refusal({
          code: 'SETTING_LOCKED',
          message: 'cmTimeoutMs is managed by your organization.',
          details: { key: 'cmTimeoutMs', keys: ['cmTimeoutMs'] },
        }),
    );
    const timeout = screen.getByRole('textbox', { name: 'CM timeout (milliseconds)' });
    fireEvent.change(timeout, { target: { value: '30000' } });
    fireEvent.change(screen.getByRole('textbox', { name: 'Readers to hide (patterns)' }), {
      target: { value: '*Windows Hello*\n\n *Virtual* ' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await settle();
    expect(station.callsTo('settings.update')).toEqual([{ cmTimeoutMs: 30000, readerExclude: ['*Windows Hello*', '*Virtual*'] }]);
    const alert = screen.getByRole('alert');
    expect(within(alert).getByText(/one you changed is managed by your organization/)).toBeTruthy();
    expect(within(alert).getByText(/ask IT to change the setting/)).toBeTruthy();
    expect(within(alert).getByText('This setting is managed by your organization.')).toBeTruthy();
    expect(within(alert).getByText('SETTING_LOCKED')).toBeTruthy();
    expect(timeout.getAttribute('aria-invalid')).toBe('true');
    expect(description(timeout)).toMatch(/refused this one/);
    expect(document.querySelector('ul.problems')?.textContent).toBe('CM timeout (milliseconds)');
  });

  it('shows SETTINGS_INVALID with the problems the station names', async () => {
    await openSettings(
      settingsView(),
      () =>
        new Refusal({
          code: 'SETTINGS_INVALID',
          message: 'The settings are not valid.',
          details: { problems: ['readerExclude[0]: must not be empty'] },
        }),
    );
    fireEvent.change(screen.getByRole('textbox', { name: 'Readers to show (patterns)' }), { target: { value: 'ACS*' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await settle();
    expect(screen.getByRole('alert').textContent).toMatch(/a value is not valid/);
    expect(screen.getByText('readerExclude[0]: must not be empty')).toBeTruthy();
  });

  it('refuses a number field that is not a whole number without calling the station', async () => {
    const station = await openSettings(settingsView());
    const days = screen.getByRole('textbox', { name: 'Days finished operations stay in the outbox' });
    fireEvent.change(days, { target: { value: 'thirty' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await settle();
    expect(station.callsTo('settings.update')).toEqual([]);
    expect(days.getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(days);
    expect(screen.getByText('Days finished operations stay in the outbox must be a whole number.')).toBeTruthy();
  });

  it('switches the language live when the locale is saved', async () => {
    const base = settingsView();
    const station = await openSettings(base, (update) => ({ ...base, values: { ...base.values, ...update } }));
    fireEvent.change(screen.getByRole('combobox', { name: 'Language' }), { target: { value: 'fr' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await settle();
    expect(station.callsTo('settings.update')).toEqual([{ locale: 'fr' }]);
    expect(i18next.language).toBe('fr');
    expect(document.documentElement.lang).toBe('fr');
    expect(screen.getByRole('heading', { level: 2, name: 'Réglages' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Enregistrer les réglages' })).toBeTruthy();
    expect(screen.getByText('Réglages enregistrés.')).toBeTruthy();
    expect(screen.getByRole('heading', { level: 1, name: 'Poste d’enrôlement' })).toBeTruthy();
  });

  it('puts an invalid policy first, with its exact problems', async () => {
    await openSettings(
      settingsView({
        managed: managedKeys(...(Object.keys(settingsView().values) as (keyof SettingsView['values'])[])),
        policy: {
          source: '/etc/enrollment-station/policy.json',
          status: 'invalid',
          problems: [
            'the file /etc/enrollment-station/policy.json is owned by uid 1000, not by root: only root may write machine policy',
            'cmTimeoutMs: Too big: expected number to be <=120000',
          ],
          channel: 'linux-etc',
          keys: [],
          changedSinceStart: false,
        },
      }),
    );
    const alert = screen.getByRole('alert');
    expect(within(alert).getByText(/machine policy from your organization is invalid or was refused/)).toBeTruthy();
    expect(
      within(alert).getByText('/etc/enrollment-station/policy.json is owned by user id 1000, not by root: only root may write machine policy'),
    ).toBeTruthy();
    expect(within(alert).getByText('cmTimeoutMs: is too large (maximum 120000)')).toBeTruthy();
    expect(within(alert).getByText('Machine policy: /etc/enrollment-station/policy.json')).toBeTruthy();
    expect(screen.getAllByText(/^Managed by your organization/)).toHaveLength(SETTING_KEYS.length);
  });

  it('follows settings.changed, including the locale', async () => {
    const base = settingsView();
    const station = await openSettings(base);
    station.fire('settings.changed', { ...base, values: { ...base.values, cmTimeoutMs: 20000, locale: 'fr' } });
    await settle();
    expect((screen.getByRole('textbox', { name: 'Délai d’attente de CM (millisecondes)' }) as HTMLInputElement).value).toBe('20000');
  });
});
