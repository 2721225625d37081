import { expect, test } from '@playwright/test';
import type { SimFault } from '../../src/main/training/cm-sim';
import {
  bindByKeyboardWithFault,
  expectNoAxeViolations,
  freshRequest,
  openFreshStation,
  openView,
  pivCard,
  region,
  restoreStation,
  setLocale,
  type ViewName,
} from './support';

/**
 * axe-core (WCAG 2.2 AA tags) on every screen and every enrollment step, in English and French.
 * The steps of the keyboard path (card read, results, confirmation, done) are checked in
 * keyboard.spec.ts, the French fault outcomes in french-faults.spec.ts; this file covers the
 * screens and the refused and queued outcomes in both languages.
 */
const SCREENS: ViewName[] = ['enrollment', 'outbox', 'audit', 'diagnostics', 'settings'];

test.describe('the station', () => {
  test.beforeEach(({ page }) => openFreshStation(page));
  test.afterEach(({ page }) => restoreStation(page));

  for (const locale of ['en', 'fr'] as const) {
    test(`every screen passes axe (WCAG 2.2 AA) in ${locale}`, async ({ page }) => {
      await setLocale(page, locale);
      for (const view of SCREENS) {
        await openView(page, view);
        if (view === 'diagnostics') await expect(page.locator('.view [role="status"]').first()).toBeAttached();
        await expectNoAxeViolations(page, `${view} (${locale})`);
      }
    });

    for (const { step, fault } of [
      { step: 'attention', fault: { kind: 'forbidden' } as SimFault },
      { step: 'queued', fault: { kind: 'connection-reset' } as SimFault },
    ]) {
      test(`the ${step} step passes axe in ${locale}`, async ({ page }) => {
        await setLocale(page, locale);
        const request = await freshRequest('enroll');
        await expectNoAxeViolations(page, `waiting (${locale})`);
        const card = await pivCard(page);
        try {
          const panel = region(page);
          await bindByKeyboardWithFault(page, request.id, fault);
          await expect(panel.locator(step === 'attention' ? '.attention .alert' : '.outcome-queued')).toBeVisible({ timeout: 15_000 });
          await expectNoAxeViolations(page, `${step} (${locale})`);
        } finally {
          await card.remove();
        }
      });
    }
  }
});

test('the axe check itself fails on a violation (so a clean result means something)', async ({ page }) => {
  await page.setContent('<html lang="en"><body><main><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><button></button></main></body></html>');
  await expect(expectNoAxeViolations(page, 'a page with an unlabelled image and button')).rejects.toThrow(/image-alt|button-name/);
});
