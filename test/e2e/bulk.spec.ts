import { expect, test } from '@playwright/test';
import type { VirtualCard } from '../support/vcard';
import { expectNoAxeViolations, pivCard, region, shot, sim } from './support';

test.beforeEach(async ({ page }) => {
  await sim.reset();
  await page.goto(process.env.STATION_URL!);
  await expect(page.getByText('CM online')).toBeVisible({ timeout: 10_000 });
});

test('bulk mode: each card inserted goes straight to the confirmation of the next request', async ({ page }, testInfo) => {
  // Pick the batch the way an operator would: search, then enroll what is listed.
  const first = await pivCard(page);
  let second: VirtualCard | null = null;
  try {
    const panel = region(page);
    await expect(panel.getByRole('heading', { name: 'Choose the enrollment request' })).toBeVisible({ timeout: 10_000 });
    await panel.getByLabel('Request id, user or template').fill('Staff');
    await panel.getByRole('button', { name: 'Search', exact: true }).click();
    const start = panel.getByRole('button', { name: /one after another \(bulk mode\)$|^Enroll this request in bulk mode$/ });
    await start.click();

    // The card already in the reader takes the first request at once.
    const bulk = page.getByRole('region', { name: 'Bulk mode' });
    await expect(bulk).toBeVisible();
    await expectNoAxeViolations(page, 'bulk mode');
    await expect(panel.getByRole('heading', { name: 'Check and confirm' })).toBeVisible({ timeout: 10_000 });
    await panel.getByRole('button', { name: 'Confirm and bind' }).click();
    await expect(panel.getByRole('heading', { name: 'Done — remove the card' })).toBeVisible({ timeout: 10_000 });
    await expect(bulk.getByRole('status')).toContainText('Submitted: 1');
    await first.remove();

    // The next card needs no search and no choice: only the operator's confirmation.
    second = await pivCard(page);
    await expect(panel.getByRole('heading', { name: 'Check and confirm' })).toBeVisible({ timeout: 10_000 });
    await shot(page, testInfo, 'bulk-next');
    await panel.getByRole('button', { name: 'Confirm and bind' }).click();
    await expect(panel.getByRole('heading', { name: 'Done — remove the card' })).toBeVisible({ timeout: 10_000 });
    await expect(bulk.getByRole('status')).toContainText('Submitted: 2');
    const posts = (await sim.received()).filter((r) => r.method === 'POST').map((r) => JSON.parse(r.body).requestid);
    expect(new Set(posts).size).toBe(2);

    await bulk.getByRole('button', { name: 'Stop bulk mode' }).click();
    await expect(page.getByRole('region', { name: 'Bulk mode' })).toHaveCount(0);
  } finally {
    // Bulk mode lives in the station host the other tests share: never leave it running.
    const stop = page.getByRole('button', { name: 'Stop bulk mode' });
    if (await stop.isVisible()) await stop.click();
    await first.remove();
    await second?.remove();
  }
});
