import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { seedGuid } from '../../src/main/training/cm-sim';
import { type HostProcess, startHostWithDataDir } from '../support/host-process';
import { insertCard } from '../support/vcard';
import { PIV_ATR, pivCard, region, shot, sim } from './support';

/**
 * Real mode with a directory (the suite's host runs with a dev --policy configuring the `ldap`
 * adapter against a real slapd, global-setup.ts): people by name, not GUIDs.
 */
test.beforeEach(async ({ page }) => {
  await sim.reset();
  await page.goto(process.env.STATION_URL!);
  await expect(page.getByText('CM online')).toBeVisible({ timeout: 10_000 });
});

const DANA = seedGuid('user/dana');

test('searching "Dana" finds her request; her name and account show in the list and the confirmation', async ({ page }, testInfo) => {
  const card = await pivCard(page);
  try {
    const panel = region(page);
    await expect(panel.getByRole('heading', { name: 'Choose the enrollment request' })).toBeVisible({ timeout: 10_000 });
    // The full list already names people beside their GUIDs.
    await expect(panel.getByRole('table').getByText('Alice Martin').first()).toBeVisible();
    await panel.getByLabel('Request id, user or template').fill('Dana');
    await panel.getByRole('button', { name: 'Search', exact: true }).click();
    const rows = panel.getByRole('table').getByRole('row');
    // Her bindable request (the Denied one is not offered), and no one else's.
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(1)).toContainText('Dana Okafor');
    await expect(rows.nth(1)).toContainText('(CONTOSO\\dana)');
    await expect(rows.nth(1)).toContainText(DANA);
    await shot(page, testInfo, 'search-dana');

    await panel.getByRole('button', { name: /^Choose request .* for Dana Okafor \(CONTOSO\\dana\)$/ }).click();
    await expect(panel.getByRole('heading', { name: 'Check and confirm' })).toBeVisible();
    const summary = panel.locator('dl.request-summary');
    await expect(summary).toContainText('Dana Okafor');
    await expect(summary).toContainText('(CONTOSO\\dana)');
    await expect(summary).toContainText(DANA);
    await shot(page, testInfo, 'confirm-dana');
    await panel.getByRole('button', { name: 'Back' }).click();
  } finally {
    await card.remove();
  }
});

test('the card panel names the person CM assigned a known card to', async ({ page }, testInfo) => {
  // Bind a new card to Dana's request, then read it again: CM now knows it as hers.
  const guid = randomBytes(16).toString('hex');
  await expect(region(page)).toContainText('No card', { timeout: 10_000 });
  let card = await insertCard({ reader: 0, atr: PIV_ATR, behaviour: { kind: 'piv', guid } });
  try {
    const panel = region(page);
    await expect(panel.getByRole('heading', { name: 'Choose the enrollment request' })).toBeVisible({ timeout: 10_000 });
    await panel.getByLabel('Request id, user or template').fill('okafor');
    await panel.getByRole('button', { name: 'Search', exact: true }).click();
    await panel.getByRole('button', { name: /^Choose request .* for Dana Okafor/ }).click();
    await panel.getByRole('button', { name: 'Confirm and bind' }).click();
    await expect(panel.getByRole('heading', { name: 'Done — remove the card' })).toBeVisible({ timeout: 10_000 });
    await card.remove();
    await expect(panel).toContainText('No card', { timeout: 10_000 });
    card = await insertCard({ reader: 0, atr: PIV_ATR, behaviour: { kind: 'piv', guid } });
    await expect(panel.getByText(/CM knows this card/)).toBeVisible({ timeout: 10_000 });
    const owner = panel.locator('.cm-found');
    await expect(owner).toContainText('Assigned to user');
    await expect(owner).toContainText('Dana Okafor');
    await expect(owner).toContainText('(CONTOSO\\dana)');
    await expect(owner).toContainText(DANA);
    await shot(page, testInfo, 'card-panel-owner');
  } finally {
    await card.remove();
  }
});

test.describe('without a directory', () => {
  let host: HostProcess;
  test.beforeAll(async () => {
    host = await startHostWithDataDir('e2e-nodir-', (dataDir) => [
      '--real',
      '--cm-url',
      process.env.CM_URL!,
      '--policy',
      join(dataDir, 'no-policy.json'),
      '--cm-retry-ms',
      '300',
    ]);
  });
  test.afterAll(async () => {
    await host?.stop();
  });

  test('the station still lists and binds, showing GUIDs, and says names are unavailable', async ({ page }, testInfo) => {
    await page.goto(host.url);
    await expect(page.getByText('CM online')).toBeVisible({ timeout: 10_000 });
    await expect(region(page)).toContainText('No card', { timeout: 10_000 });
    const card = await insertCard({ reader: 0, atr: PIV_ATR, behaviour: { kind: 'piv', guid: randomBytes(16).toString('hex') } });
    try {
      const panel = region(page);
      await expect(panel.getByRole('heading', { name: 'Choose the enrollment request' })).toBeVisible({ timeout: 10_000 });
      await expect(panel.getByText(/^Names unavailable: no directory is configured/)).toBeVisible();
      const row = panel.getByRole('row').filter({ hasText: DANA });
      await expect(row).toContainText('(name unavailable)');
      await expect(panel.getByText('Dana Okafor')).toHaveCount(0);
      await shot(page, testInfo, 'no-directory');
      await row.getByRole('button', { name: /^Choose request/ }).click();
      await expect(panel.getByRole('heading', { name: 'Check and confirm' })).toBeVisible();
      await expect(panel.locator('dl.request-summary')).toContainText(DANA);
      await panel.getByRole('button', { name: 'Confirm and bind' }).click();
      await expect(panel.getByRole('heading', { name: 'Done — remove the card' })).toBeVisible({ timeout: 10_000 });
    } finally {
      await card.remove();
    }
  });
});
