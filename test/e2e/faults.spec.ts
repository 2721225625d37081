import { expect, type Page, test } from '@playwright/test';
import type { ErrorCode } from '../../src/shared/errors';
import type { SimFault } from '../../src/main/training/cm-sim';
import { en } from '../../src/renderer/i18n/en';
import { chooseRequest, pivCard, recordStationStrings, region, shot, sim } from './support';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Each CM fault on the bind, and what the operator must be told: the error notice for the fault's
 * own code, with that code's wording (and the fault's own words where CM gives them). Everything is
 * looked for inside that notice, so nothing else on the screen (the status bar's "CM online", the
 * request's GUIDs) can make a check pass.
 */
const CASES: { fault: SimFault; code: ErrorCode; shows?: RegExp; correlationId?: boolean; everywhere?: boolean }[] = [
  { fault: { kind: 'server-error' }, code: 'CM_SERVER_ERROR', correlationId: true },
  { fault: { kind: 'unauthorized' }, code: 'CM_AUTH_FAILED', shows: /Windows sign-in/ },
  { fault: { kind: 'forbidden' }, code: 'CM_FORBIDDEN', shows: /permission/ },
  // Switched off on the server means 404 on every route (the client confirms with a probe).
  { fault: { kind: 'api-disabled' }, code: 'CM_API_DISABLED', shows: /Clm\.WebApi\.Enabled/, everywhere: true },
  { fault: { kind: 'malformed-json' }, code: 'CM_MALFORMED_RESPONSE' },
];

/** Every correlation id the station sent the page (error payloads carry CM's in `details`). */
const recordCorrelationIds = (page: Page) => recordStationStrings(page, (key) => key === 'correlationId');

/**
 * One approved enroll request of the seed per case, fixed once: a bind a case leaves queued (CM
 * "down" until the fault is cleared) is replayed later and lands on that case's request even after
 * the simulator's reset, so no two cases may share one (the station would rightly find it in use).
 */
let requestIds: string[] = [];
test.beforeAll(async () => {
  await sim.reset();
  const EMPTY = '00000000-0000-0000-0000-000000000000';
  requestIds = (await sim.state()).requests
    .filter((r) => r.Status === 3 && r.NewSmartcardUuid === EMPTY && r.OldSmartcardUuid === EMPTY)
    .map((r) => r.Uuid.toLowerCase());
  expect(requestIds.length, 'fresh enroll requests in the simulator seed').toBeGreaterThanOrEqual(CASES.length);
});

let correlationIds: Set<string>;
test.beforeEach(async ({ page }) => {
  correlationIds = recordCorrelationIds(page);
  // The seed has a handful of approved requests: each test starts from it again.
  await sim.reset();
  await page.goto(process.env.STATION_URL!);
  await expect(page.getByText('CM online')).toBeVisible({ timeout: 10_000 });
});

for (const [index, { fault, code, shows, correlationId, everywhere }] of CASES.entries()) {
  test(`CM fault "${fault.kind}" on the bind is shown with its message${correlationId ? ' and correlation id' : ''}`, async ({ page }, testInfo) => {
    const requestId = requestIds[index]!;
    const card = await pivCard(page);
    try {
      await chooseRequest(page, requestId);
      await sim.setFaults([everywhere ? { fault } : { fault, route: 'POST /smartcards' }]);
      await region(page).getByRole('button', { name: 'Confirm and bind' }).click();
      // The notice whose code is this fault's, in the reader's region.
      const notice = region(page)
        .locator('.alert')
        .filter({ has: page.locator('code.error-code').getByText(code, { exact: true }) })
        .first();
      await expect(notice).toBeVisible({ timeout: 15_000 });
      await expect(notice.locator('.alert-message')).toHaveText(en.errors.message[code]);
      if (shows) await expect(notice).toContainText(shows);
      if (correlationId) {
        // CM's correlation id for this very failure (sent to the page), in the notice, with its copy button.
        const shown = (await notice.locator('code.correlation-id').textContent())?.trim() ?? '';
        expect(shown).toMatch(GUID);
        expect([...correlationIds]).toContain(shown);
        await expect(notice.getByRole('button', { name: /Copy.*correlation id/i })).toBeVisible();
      } else {
        await expect(notice.locator('code.correlation-id')).toHaveCount(0);
      }
      await shot(page, testInfo, `fault-${fault.kind}`);
    } finally {
      await sim.clearFaults();
      await card.remove();
    }
  });
}
