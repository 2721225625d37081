import { expect, test } from '@playwright/test';
import { shot } from './support';
import { insertCard } from '../support/vcard';

test('the diagnostics screen shows the service, each reader and the card with its ATR decoded', async ({ page }, testInfo) => {
  const card = await insertCard({
    reader: 1,
    atr: '3b8d0180fba000000397425446590301c8',
    behaviour: { kind: 'globalplatform', cplc: { fabricator: '4790', type: '5167', serial: '12345678', batch: '0102' } },
  });
  try {
    await page.goto(process.env.STATION_URL!);
    await expect(page.getByRole('region', { name: 'Virtual PCD 00 01' }).locator('code.atr')).toBeVisible({ timeout: 10_000 });
    await page.getByRole('button', { name: 'Diagnostics' }).click();
    await page.getByRole('button', { name: /Run diagnostics/ }).click();
    const reader = page.getByRole('article', { name: 'Virtual PCD 00 01' });
    await expect(reader).toContainText('3B 8D 01 80', { timeout: 10_000 });
    await expect(reader).toContainText('T=1');
    await expect(reader).toContainText('4790-5167-0102-12345678'); // the CPLC identifier
    await expect(page.getByRole('article', { name: 'Virtual PCD 00 00' })).toContainText('No card');
    await expect(page.locator('dd', { hasText: 'Running' })).toBeVisible();
    await shot(page, testInfo, 'diagnostics');

    // A support bundle: written by the station into its export folder; the screen says where.
    await page.getByRole('button', { name: 'Make a support bundle' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Support bundle written to' })).toContainText(/enrollment-support-[^ ]+\.zip/, { timeout: 30_000 });
  } finally {
    await card.remove();
  }
});
