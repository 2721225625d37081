import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { startHostWithDataDir, type HostProcess } from '../support/host-process';
import { expectNoAxeViolations, setLocale, shot } from './support';

// What `npm start` opens on a fresh machine: no CM address, so training mode. A host of its own,
// with an empty data folder and no policy, exactly like a first start.
let host: HostProcess;
test.beforeAll(async () => {
  host = await startHostWithDataDir('e2e-training-', (dataDir) => ['--policy', join(dataDir, 'no-policy.json')]);
});
test.afterAll(async () => {
  await host?.stop();
});

test('a fresh station opens in training mode, labelled, and enrolls a sample card against the simulator', async ({ page }, testInfo) => {
  await page.goto(host.url);
  await expect(page.getByText('TRAINING', { exact: true })).toBeVisible({ timeout: 10_000 });
  const training = page.getByRole('region', { name: 'Training cards' });
  await training.getByLabel('Simulated reader').selectOption('Training Reader 1');
  await training.getByLabel('Sample card').selectOption({ label: 'PIV card (YubiKey 5) #1' });
  await training.getByRole('button', { name: 'Insert the sample card' }).click();

  const reader = page.getByRole('region', { name: 'Training Reader 1' });
  await expect(reader.getByRole('heading', { name: 'Choose the enrollment request' })).toBeVisible({ timeout: 10_000 });
  await reader.getByRole('button', { name: 'Search', exact: true }).click();
  // Training's directory has user names (the real CM REST API does not).
  const choose = reader.getByRole('button', { name: /^Choose request .* for [A-Z][a-z]+ / }).first();
  await choose.click();
  await reader.getByRole('button', { name: 'Confirm and bind' }).click();
  await expect(reader.getByRole('heading', { name: 'Done — remove the card' })).toBeVisible({ timeout: 10_000 });
  await expect(reader.getByText('New smart card id')).toBeVisible();
  await expect(page.getByText('TRAINING', { exact: true })).toBeVisible();
  await shot(page, testInfo, 'training-done');
});

test('the training screen passes axe (WCAG 2.2 AA) in English and French', async ({ page }) => {
  await page.goto(host.url);
  await expect(page.getByText('TRAINING', { exact: true })).toBeVisible({ timeout: 10_000 });
  await expectNoAxeViolations(page, 'training (en)');
  await setLocale(page, 'fr');
  await expect(page.getByText('FORMATION', { exact: true })).toBeVisible();
  await expectNoAxeViolations(page, 'training (fr)');
  await setLocale(page, 'en');
});
