import { expect, test } from '@playwright/test';
import { type FaultRule, seedGuid, type SimFault } from '../../src/main/training/cm-sim';
import { insertCard } from '../support/vcard';
import { FACTORY_YUBIKEY } from '../support/vcard/catalog';
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
  sim,
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

/**
 * Desk issuance stopped by CM (issue 16), in French (the English screens of issuance are checked in
 * issuance.spec.ts): CM unreachable at the admin challenge pauses it ("Reprendre"); then CM refuses
 * `certificatedata` (500 with a Message) and it stops, with CM's words. One request (Farah's): the
 * station journals issuances by request across tests, and the other approved requests are taken.
 */
test.describe('desk issuance', () => {
  test.beforeEach(({ page }) => openFreshStation(page));
  test.afterEach(({ page }) => restoreStation(page));

  test('a paused, then refused issuance passes axe in fr', async ({ page }) => {
    await setLocale(page, 'fr');
    const id = seedGuid('request/enroll-farah-staff');
    await expect(region(page).locator('p.state.empty')).toBeVisible({ timeout: 10_000 });
    const card = await insertCard({ reader: 0, ...FACTORY_YUBIKEY });
    try {
      const panel = region(page);
      const search = panel.locator('input[type="search"]');
      await expect(search).toBeFocused({ timeout: 15_000 });
      await search.fill(id.slice(0, 8));
      await search.press('Enter');
      await expect(panel.locator('button.choose').first()).toBeFocused({ timeout: 10_000 });
      await page.keyboard.press('Enter');
      await expect(panel.locator('.confirmation button.primary')).toBeFocused({ timeout: 10_000 });
      await page.keyboard.press('Enter');
      await expect(panel.locator('.issuance-offer button.primary')).toBeFocused({ timeout: 20_000 });

      await sim.setFaults([{ route: 'GET /requests/{id}/smartcards/{id}/authenticationresponse', fault: { kind: 'connection-reset' } }]);
      await page.keyboard.press('Enter');
      await expect(panel.getByRole('heading', { level: 4, name: 'Émission en pause' })).toBeVisible({ timeout: 30_000 });
      await expect(panel.locator('.issuance-paused .issuance-steps')).toBeVisible();
      await expectNoAxeViolations(page, 'paused issuance (fr)');

      // One rule replaces the other at once: CM answers again, and refuses the certificates.
      const refusal: FaultRule = {
        route: 'POST /requests/{id}/certificatedata',
        fault: { kind: 'refusal', status: 500, message: 'The certificate template is not available.' },
      };
      await sim.setFaults([refusal]);
      const resume = panel.getByRole('button', { name: 'Reprendre' });
      const stopped = panel.getByRole('heading', { level: 4, name: 'Émission arrêtée' });
      // The station may resume by itself when CM answers again (the button goes, maybe between a
      // look and a click); otherwise the operator does. Either way it stops at CM's refusal.
      await expect(async () => {
        if (await resume.isVisible()) await resume.click({ timeout: 1_000 });
        await expect(stopped).toBeVisible({ timeout: 2_000 });
      }).toPass({ timeout: 30_000 });
      await expect(panel.locator('.issuance-failed .alert-server')).toContainText('The certificate template is not available.');
      await expectNoAxeViolations(page, 'refused issuance (fr)');
    } finally {
      await sim.clearFaults();
      await card.remove();
    }
  });
});

test('the axe check itself fails on a violation (so a clean result means something)', async ({ page }) => {
  await page.setContent('<html lang="en"><body><main><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><button></button></main></body></html>');
  await expect(expectNoAxeViolations(page, 'a page with an unlabelled image and button')).rejects.toThrow(/image-alt|button-name/);
});
