import { expect, type Locator, type Page, test } from '@playwright/test';
import { seedGuid } from '../../src/main/training/cm-sim';
import { en } from '../../src/renderer/i18n/en';
import { fr } from '../../src/renderer/i18n/fr';
import { insertCard } from '../support/vcard';
import { FACTORY_YUBIKEY } from '../support/vcard/catalog';
import { expectNoAxeViolations, openFreshStation, READER, region, setLocale, shot, sim } from './support';

/**
 * Issue 16, item 5: after the bind the operator issues the card at the desk, by keyboard only, in
 * both languages, axe-clean at every step: the choice (focus on "Issue now"), the progress view,
 * the PIN hand-over screen (a mismatch first, then the PIN), the result listing the certificates
 * on the card. The bind keeps its own key presses (keyboard.spec.ts); issuing adds Enter on
 * "Issue now", Tab between the two PIN fields and Enter to send.
 *
 * Needs the merged issuance chain (i16-card's factory YubiKey, i16-cm's execution routes in the
 * simulator, i16-engine's steps; policy issueAtDesk at its default, `offer`).
 */

const PIN = '48291375';

const TEXT = {
  en: {
    offer: 'The card is bound — issue it now?',
    issueNow: 'Issue now',
    running: 'Issuing the card',
    choosePin: 'Choose your PIN',
    pinShown: 'Your new PIN',
    first: 'New PIN',
    second: 'New PIN again',
    mismatch: 'The two PINs typed differ.',
    done: 'The card is issued — remove the card',
    slot: 'PIV Authentication (9A)',
  },
  fr: {
    offer: 'La carte est liée — l’émettre maintenant ?',
    issueNow: 'Émettre maintenant',
    running: 'Émission de la carte',
    choosePin: 'Choisissez votre code PIN',
    pinShown: 'Votre nouveau code PIN',
    first: 'Nouveau code PIN',
    second: 'Nouveau code PIN, une seconde fois',
    mismatch: 'Les deux codes PIN saisis sont différents.',
    done: 'La carte est émise — retirez la carte',
    slot: 'Authentification PIV (9A)',
  },
} as const;

function leaves(tree: object): string[] {
  return Object.values(tree).flatMap((v) => (typeof v === 'string' ? [v] : leaves(v as object)));
}
const frenchText = leaves(fr).join('\n');
/** The issuance screens' English fragments (two words or more, placeholders cut out) that no French string contains. */
const ENGLISH = [...new Set([...leaves(en.issuance), ...leaves(en.errors)].flatMap((s) => s.split(/\{\{\w+\}\}/)))]
  .map((s) => s.trim())
  .filter((s) => s.split(/\s+/).length >= 2 && s.length >= 8 && !frenchText.includes(s));

/** In French, what a person reads on screen (code blocks aside: ids, error codes) holds none of the English. */
async function expectNoEnglish(page: Page, locale: 'en' | 'fr', where: string): Promise<void> {
  if (locale !== 'fr') return;
  const text = await page.locator('body').innerText();
  expect(
    ENGLISH.filter((s) => text.includes(s)),
    `English on the ${where} in French`,
  ).toEqual([]);
}

test.beforeEach(({ page }) => openFreshStation(page));

test.afterEach(async ({ page }) => {
  await setLocale(page, 'en');
});

/** The bind as keyboard.spec.ts does it: focus in the search, type, Enter, Enter, Enter. */
async function bindByKeyboard(page: Page, panel: Locator, query: string): Promise<void> {
  const search = panel.locator('input[type="search"]');
  await expect(search).toBeFocused({ timeout: 15_000 });
  await page.keyboard.type(query);
  await page.keyboard.press('Enter');
  await expect(panel.locator('button.choose').first()).toBeFocused({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  await expect(panel.locator('.confirmation button.primary')).toBeFocused({ timeout: 10_000 });
  await page.keyboard.press('Enter');
}

/**
 * One request per language: the station journals an issuance by request, and the host outlives the
 * simulator's reset between tests. Dana's profile asks for two certificates (9A and 9C), Bram's one.
 */
const REQUEST = {
  en: { id: seedGuid('request/enroll-dana'), slots: 2 },
  fr: { id: seedGuid('request/enroll-bram'), slots: 1 },
} as const;

for (const locale of ['en', 'fr'] as const) {
  test(`desk issuance by keyboard only (${locale}): offer, progress, PIN hand-over, result; axe-clean at each step`, async ({ page }, testInfo) => {
    test.setTimeout(120_000);
    const words = TEXT[locale];
    expect(ENGLISH.length).toBeGreaterThan(50);
    await setLocale(page, locale);
    await expect(region(page).locator('p.state.empty')).toBeVisible({ timeout: 10_000 });
    const card = await insertCard({ reader: 0, ...FACTORY_YUBIKEY });
    try {
      const panel = region(page, READER);
      const request = REQUEST[locale];
      await bindByKeyboard(page, panel, request.id.slice(0, 8));

      // The choice: "Issue now" has focus (the bind's own presses are unchanged).
      await expect(panel.getByRole('heading', { level: 4, name: words.offer })).toBeVisible({ timeout: 20_000 });
      const issueNow = panel.getByRole('button', { name: words.issueNow });
      await expect(issueNow).toBeFocused();
      await expectNoAxeViolations(page, `issuance offer (${locale})`);
      await expectNoEnglish(page, locale, 'issuance offer');

      let presses = 0;
      const press = async (key: string) => {
        presses += 1;
        await page.keyboard.press(key);
      };
      await press('Enter');
      await expect(page.getByRole('heading', { name: new RegExp(`^(${words.running}|${words.choosePin}|${words.pinShown})$`) })).toBeVisible({
        timeout: 20_000,
      });
      if (await panel.getByRole('heading', { level: 4, name: words.running }).isVisible()) {
        await expect(panel.locator('ol.issuance-steps')).toBeVisible();
        await expectNoAxeViolations(page, `issuance progress (${locale})`);
        await expectNoEnglish(page, locale, 'issuance progress');
      }

      // The hand-over screen (the training profiles let the user choose the PIN): nothing else on screen.
      const handOver = page.getByRole('heading', { level: 1, name: words.choosePin });
      await expect(handOver).toBeVisible({ timeout: 60_000 });
      await expect(page.getByRole('navigation')).toHaveCount(0);
      const first = page.getByLabel(words.first, { exact: true });
      await expect(first).toBeFocused();
      await expectNoAxeViolations(page, `PIN hand-over (${locale})`);
      await expectNoEnglish(page, locale, 'PIN hand-over');
      await shot(page, testInfo, `issuance-pin-${locale}`);

      // A mismatch first: said in an alert, both fields emptied, focus back in the first.
      await page.keyboard.type(PIN);
      await press('Tab');
      await page.keyboard.type('12345678');
      await press('Enter');
      await expect(page.getByRole('alert')).toContainText(words.mismatch);
      await expect(first).toHaveValue('');
      await expect(page.getByLabel(words.second, { exact: true })).toHaveValue('');
      await expect(first).toBeFocused();
      await expectNoAxeViolations(page, `PIN mismatch (${locale})`);
      await expectNoEnglish(page, locale, 'PIN mismatch');

      await page.keyboard.type(PIN);
      await press('Tab');
      await page.keyboard.type(PIN);
      await press('Enter');

      // The result: the certificates on the card, then "remove the card".
      const done = panel.getByRole('heading', { level: 4, name: words.done });
      await expect(done).toBeVisible({ timeout: 60_000 });
      await expect(done).toBeFocused();
      await expect(panel.locator('.issued-certificate h6').first()).toHaveText(words.slot);
      await expect(panel.locator('.issued-certificate')).toHaveCount(request.slots);
      await expect(panel.locator('.remove-card')).toBeVisible();
      await expectNoAxeViolations(page, `issuance result (${locale})`);
      await expectNoEnglish(page, locale, 'issuance result');
      await shot(page, testInfo, `issuance-done-${locale}`);
      // Enter on "Issue now", then (mismatch) Tab + Enter, then Tab + Enter: typing the PIN is not a key press of the path.
      expect(presses).toBe(5);
      testInfo.annotations.push({ type: 'key presses after the bind', description: `${presses} plus typing the PIN (${locale})` });

      // CM holds the result: the request is Completed (8, the number the REST pages' examples show).
      await expect.poll(async () => (await sim.state()).requests.find((r) => r.Uuid.toLowerCase() === request.id)?.Status, { timeout: 10_000 }).toBe(8);
      // The PIN never reached the page's HTML.
      expect(await page.content()).not.toContain(PIN);
    } finally {
      await card.remove();
    }
  });
}
