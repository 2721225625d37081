import { expect, test } from '@playwright/test';
import type { SimFault } from '../../src/main/training/cm-sim';
import { chooseRequest, freshRequest, pivCard, region, shot, sim } from './support';

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

/** Each CM fault on the bind, and what the operator must be told. */
const CASES: { fault: SimFault; shows: RegExp; correlationId?: boolean; everywhere?: boolean }[] = [
  { fault: { kind: 'server-error' }, shows: /correlation id/i, correlationId: true },
  { fault: { kind: 'unauthorized' }, shows: /Windows sign-in/i },
  { fault: { kind: 'forbidden' }, shows: /permission/i },
  // Switched off on the server means 404 on every route (the client confirms with a probe).
  { fault: { kind: 'api-disabled' }, shows: /Clm\.WebApi\.Enabled/, everywhere: true },
  { fault: { kind: 'malformed-json' }, shows: /CM/ },
];

test.beforeEach(async ({ page }) => {
  // The seed has a handful of approved requests: each test starts from it again.
  await sim.reset();
  await page.goto(process.env.STATION_URL!);
  await expect(page.getByText('CM online')).toBeVisible({ timeout: 10_000 });
});

for (const { fault, shows, correlationId, everywhere } of CASES) {
  test(`CM fault "${fault.kind}" on the bind is shown with its message${correlationId ? ' and correlation id' : ''}`, async ({ page }, testInfo) => {
    const request = await freshRequest('enroll');
    const card = await pivCard(page);
    try {
      await chooseRequest(page, request.id);
      await sim.setFaults([everywhere ? { fault } : { fault, route: 'POST /smartcards' }]);
      await region(page).getByRole('button', { name: 'Confirm and bind' }).click();
      await expect(region(page).getByText(shows).first()).toBeVisible({ timeout: 15_000 });
      if (correlationId) {
        await expect(region(page).getByText(GUID).first()).toBeVisible();
        await expect(region(page).getByRole('button', { name: /Copy.*correlation id/i }).first()).toBeVisible();
      }
      await shot(page, testInfo, `fault-${fault.kind}`);
    } finally {
      await sim.clearFaults();
      await card.remove();
    }
  });
}
