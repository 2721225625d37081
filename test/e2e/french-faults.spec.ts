import { expect, type Page, test } from '@playwright/test';
import type { SimFault } from '../../src/main/training/cm-sim';
import { en } from '../../src/renderer/i18n/en';
import { fr } from '../../src/renderer/i18n/fr';
import {
  bindByKeyboardWithFault,
  expectNoAxeViolations,
  freshRequest,
  openFreshStation,
  openView,
  pivCard,
  recordStationStrings,
  region,
  restoreStation,
  setLocale,
  shot,
} from './support';

/**
 * Issue 13: a French operator reads French wherever the station reports something, CM faults
 * included. The check is two-sided: no English string of the renderer's own (en.ts) is on screen,
 * and no English message the station sent (every `message` in the WebSocket frames: error
 * payloads, reasons) is on screen either; the screens word codes and reasons themselves.
 */

function leaves(tree: object): string[] {
  return Object.values(tree).flatMap((v) => (typeof v === 'string' ? [v] : leaves(v as object)));
}
const frenchText = leaves(fr).join('\n');
/** English fragments of at least two words that no French string contains (placeholders cut out). */
const ENGLISH = [...new Set(leaves(en).flatMap((s) => s.split(/\{\{\w+\}\}/)))]
  .map((s) => s.trim().replace(/^[:(—–-]\s*|\s*[:(—–-]$/g, ''))
  .filter((s) => s.split(/\s+/).length >= 2 && s.length >= 8 && !frenchText.includes(s));

/** Every `message` string in the station's frames (errors carry the English one for logs). */
const recordStationMessages = (page: Page) =>
  recordStationStrings(page, (key, value) => (key === 'message' || key === 'reason') && value.split(/\s+/).length >= 2);

async function expectNoEnglish(page: Page, messages: ReadonlySet<string>, where: string): Promise<void> {
  // What a person reads: the visible text, without identifiers shown as code (GUIDs, error codes).
  // Runs in the page (a string: this file is type-checked without the DOM library).
  const text = (await page.evaluate(`(() => {
    const clone = document.body.cloneNode(true);
    clone.querySelectorAll('code, script, style').forEach((e) => e.remove());
    document.body.appendChild(clone);
    const visible = clone.innerText;
    clone.remove();
    return visible;
  })()`)) as string;
  const english = [...ENGLISH, ...messages].filter((s) => text.includes(s));
  expect(english, `English on the ${where} in French`).toEqual([]);
}

/**
 * offline: queued, the station shows CM offline. refused: needs attention. auth: a sign-in failure
 * keeps the operation queued (retried once sign-in works) with CM_AUTH_FAILED as its last failure.
 */
const FAULTS: { name: string; fault: SimFault; outcome: 'queued' | 'attention' | 'queued-sign-in' }[] = [
  { name: 'offline', fault: { kind: 'connection-reset' }, outcome: 'queued' },
  { name: 'refused', fault: { kind: 'forbidden' }, outcome: 'attention' },
  { name: 'auth', fault: { kind: 'unauthorized' }, outcome: 'queued-sign-in' },
];

test.beforeEach(({ page }) => openFreshStation(page));
test.afterEach(({ page }) => restoreStation(page));

for (const { name, fault, outcome } of FAULTS) {
  test(`in French, CM fault "${name}" is reported without English prose`, async ({ page }, testInfo) => {
    expect(ENGLISH.length).toBeGreaterThan(100);
    const messages = recordStationMessages(page);
    await page.reload();
    await expect(page.locator('.connection-online')).toBeVisible({ timeout: 10_000 });
    // The detector itself: the English screen is caught.
    await expect(expectNoEnglish(page, messages, 'English screen')).rejects.toThrow(/English on the English screen/);
    await setLocale(page, 'fr');
    const request = await freshRequest('enroll');
    const card = await pivCard(page);
    try {
      const panel = region(page);
      await bindByKeyboardWithFault(page, request.id, fault);
      if (outcome === 'queued') {
        await expect(panel.locator('.outcome-queued')).toBeVisible({ timeout: 15_000 });
        await expect(page.locator('.connection-offline')).toBeVisible({ timeout: 15_000 });
      } else if (outcome === 'queued-sign-in') {
        await expect(panel.locator('.outcome-queued .alert')).toContainText('CM_AUTH_FAILED', { timeout: 15_000 });
      } else {
        await expect(panel.locator('.attention .alert')).toBeVisible({ timeout: 15_000 });
      }
      expect(messages.size, 'the station sent its English messages (for logs)').toBeGreaterThan(0);
      await expectNoEnglish(page, messages, 'enrollment screen');
      await expectNoAxeViolations(page, `fault ${name}, enrollment (fr)`);
      await shot(page, testInfo, `fr-fault-${name}`);
      await openView(page, 'outbox');
      await expect(page.locator('article').first()).toBeVisible();
      await expectNoEnglish(page, messages, 'outbox');
      await expectNoAxeViolations(page, `fault ${name}, outbox (fr)`);
      await openView(page, 'enrollment');
    } finally {
      await card.remove();
    }
  });
}
