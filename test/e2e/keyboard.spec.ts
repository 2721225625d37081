import { expect, type Page, test } from '@playwright/test';
import { seedGuid } from '../../src/main/training/cm-sim';
import { expectNoAxeViolations, openFreshStation, pivCard, region, setLocale, shot, sim } from './support';

/**
 * Issue 13, "four key presses": from a read card to a finished bind by keyboard only. Focus lands
 * in the search field; Enter searches and focuses the first result's Choose; Enter chooses and
 * focuses Confirm; Enter binds. Every focus move is announced (a visible live region) and shows a
 * focus ring. axe-core checks each step on the way, in both languages.
 */
const EMPTY = '00000000-0000-0000-0000-000000000000';

test.beforeEach(({ page }) => openFreshStation(page));

test.afterEach(async ({ page }) => {
  await setLocale(page, 'en');
});

/** The focused element shows a visible focus indicator (:focus-visible, a real outline). */
async function expectFocusVisible(page: Page): Promise<void> {
  // Runs in the page (a string: this file is type-checked without the DOM library).
  const ring = (await page.evaluate(`(() => {
    const el = document.activeElement;
    if (!el) return null;
    const style = getComputedStyle(el);
    return { focusVisible: el.matches(':focus-visible'), outline: style.outlineStyle, width: parseFloat(style.outlineWidth) };
  })()`)) as { focusVisible: boolean; outline: string; width: number } | null;
  expect(ring).toMatchObject({ focusVisible: true });
  expect(ring!.outline).not.toBe('none');
  expect(ring!.width).toBeGreaterThanOrEqual(2);
}

const HINTS = {
  en: { search: /^Card read\. Type a name/, first: /Press Enter to choose it\.$/, confirm: /press Enter to confirm and bind\.$/ },
  fr: { search: /^Carte lue\. Tapez un nom/, first: /Appuyez sur Entrée pour la choisir\.$/, confirm: /appuyez sur Entrée pour confirmer et lier\.$/ },
} as const;

for (const locale of ['en', 'fr'] as const) {
  test(`keyboard only (${locale}): card read to bind in at most 4 key presses plus typing the name`, async ({ page }, testInfo) => {
    await setLocale(page, locale);
    let presses = 0;
    const press = async (key: string) => {
      presses += 1;
      await page.keyboard.press(key);
    };
    const card = await pivCard(page);
    try {
      const panel = region(page);
      const hint = panel.locator('.next-step[role="status"][aria-live="polite"]');
      // Card read, no request: focus is in the search field, said and shown.
      const search = panel.locator('input[type="search"]');
      await expect(search).toBeFocused({ timeout: 10_000 });
      await expect(hint).toHaveText(HINTS[locale].search);
      await expect(hint).toBeVisible();
      await expectFocusVisible(page);
      await expectNoAxeViolations(page, `card read (${locale})`);

      await page.keyboard.type('Dana'); // typing the name: not a key press of the path
      await press('Enter');
      const choose = panel.locator('button.choose').first();
      await expect(choose).toBeFocused({ timeout: 10_000 });
      await expect(choose).toHaveAttribute('aria-label', /Dana Okafor \(CONTOSO\\dana\)$/);
      await expect(hint).toHaveText(HINTS[locale].first);
      await expectFocusVisible(page);
      await expectNoAxeViolations(page, `search results (${locale})`);

      await press('Enter');
      const confirm = panel.locator('.confirmation button.primary');
      await expect(confirm).toBeFocused({ timeout: 10_000 });
      await expect(hint).toHaveText(HINTS[locale].confirm);
      await expect(panel.locator('dl.request-summary')).toContainText('Dana Okafor');
      // CM's vocabulary in the operator's language too.
      await expect(panel.locator('dl.request-summary')).toContainText(locale === 'fr' ? 'Approuvée' : 'Approved');
      await expect(panel.locator('dl.request-summary')).toContainText(locale === 'fr' ? 'Inscription' : 'Enroll');
      await expectFocusVisible(page);
      await expectNoAxeViolations(page, `confirmation (${locale})`);
      await shot(page, testInfo, `keyboard-confirm-${locale}`);

      await press('Enter');
      await expect(panel.locator('.result')).toBeVisible({ timeout: 10_000 });
      await expectNoAxeViolations(page, `done (${locale})`);
      expect(presses).toBeLessThanOrEqual(4);
      testInfo.annotations.push({ type: 'key presses', description: `${presses} plus typing "Dana" (${locale})` });

      // CM holds the bind: Dana's approved request now has the new card.
      await expect
        .poll(async () => (await sim.state()).requests.find((r) => r.Uuid.toLowerCase() === seedGuid('request/enroll-dana'))?.NewSmartcardUuid)
        .not.toBe(EMPTY);
    } finally {
      await card.remove();
    }
  });
}
