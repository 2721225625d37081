import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { initI18n } from '../../../src/renderer/i18n';
import { cmCheckReport, snapshot } from './support/fixtures';
import { renderStation, resetStore, settle } from './support/station';

beforeAll(() => initI18n());
beforeEach(() => resetStore());
afterEach(() => cleanup());

const report = cmCheckReport({
  checkedAt: '2026-12-07T09:00:00.000Z',
  issuance: {
    profiles: [
      {
        templateUuid: 'b5a8351e-3ff8-542f-8ec8-7adc37cc4374',
        name: 'Staff Smart Card Logon',
        verdict: 'allowed',
        adminKeyBytes: 24,
        diversify: true,
        userPinOption: 'UserProvided',
        problems: [],
        error: null,
      },
      {
        templateUuid: 'a039b4d0-5ce8-4eff-8651-181c6576fda3',
        name: 'Sample',
        verdict: 'not-allowed',
        adminKeyBytes: 0,
        diversify: true,
        userPinOption: 'Unknown(3)',
        problems: ['no-admin-key'],
        error: null,
      },
    ],
    profilesNotChecked: 0,
    executionRoutes: { result: 'forbidden', requestUuid: 'a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099', error: null },
  },
});

describe('CM check on the Diagnostics screen: desk issuance', () => {
  it('shows per template whether the desk can issue and why not, and whether the execution routes answer', async () => {
    await renderStation({
      'station.snapshot': () => snapshot(),
      'outbox.list': () => [],
      'diagnostics.run': () => ({ service: 'up', readers: [] }),
      'cm.check': () => report,
    });
    fireEvent.click(screen.getByRole('button', { name: 'Diagnostics' }));
    await settle();
    const section = screen.getByRole('region', { name: 'CM connection check' });
    fireEvent.click(within(section).getByRole('button', { name: 'Check the CM connection' }));
    await settle();
    const table = within(section).getByRole('table', { name: 'Issuing at the desk' });
    const staff = within(table).getByRole('row', { name: /Staff Smart Card Logon/ });
    expect(within(staff).getByText('Possible')).toBeTruthy();
    expect(staff.textContent).toContain('initial admin key 24 bytes, admin key diversified: Yes, PIN: UserProvided');
    const sample = within(table).getByRole('row', { name: /Sample/ });
    expect(within(sample).getByText('Not possible')).toBeTruthy();
    expect(sample.textContent).toContain('No initial admin key (DefaultAdminKeyHex)');
    expect(within(section).getByText(/Execution routes: Refused: your account needs the Execute permission/)).toBeTruthy();
  });
});
