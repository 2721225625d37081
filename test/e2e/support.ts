import { randomBytes } from 'node:crypto';
import { expect, type Page, type TestInfo } from '@playwright/test';
import type { FaultRule } from '../../src/main/training/cm-sim';
import { insertCard, type VirtualCard } from '../support/vcard';

/** The CM simulator's admin endpoint (started by global-setup in the runner process). */
async function admin(method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${process.env.CM_ADMIN_URL}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${process.env.CM_ADMIN_TOKEN ?? ''}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`simulator admin ${method} ${path}: ${response.status}`);
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

interface SimState {
  requests: { Uuid: string; Status: number; OldSmartcardUuid: string; NewSmartcardUuid: string }[];
  smartcards: { Uuid: string; Status: number; SerialNumber: string }[];
}
export const sim = {
  state: () => admin('GET', 'state') as Promise<SimState>,
  received: () => admin('GET', 'received') as Promise<{ method: string; path: string; body: string }[]>,
  setFaults: (rules: FaultRule[]) => admin('PUT', 'faults', rules),
  clearFaults: () => admin('DELETE', 'faults'),
  reset: () => admin('POST', 'reset'),
  /** A CM client wrote the card: Assigned (2) becomes Active (3). */
  activate: (smartcardUuid: string) => admin('POST', `smartcards/${smartcardUuid}/activate`),
};

const EMPTY = '00000000-0000-0000-0000-000000000000';
/**
 * An Approved request of the seed with no card bound yet (each test resets the simulator first;
 * a bind an earlier test left queued may still land after that reset).
 */
export async function freshRequest(kind: 'enroll' | 'replace'): Promise<{ id: string; replaces: string | null }> {
  const { requests } = await sim.state();
  const request = requests.find(
    (r) => r.Status === 3 && r.NewSmartcardUuid === EMPTY && (kind === 'enroll' ? r.OldSmartcardUuid === EMPTY : r.OldSmartcardUuid !== EMPTY),
  );
  if (!request) throw new Error(`the simulator seed has no approved ${kind} request`);
  return { id: request.Uuid.toLowerCase(), replaces: request.OldSmartcardUuid === EMPTY ? null : request.OldSmartcardUuid.toLowerCase() };
}

export const READER = 'Virtual PCD 00 00';
export const PIV_ATR = '3bfd1300008131fe158073c021c057597562694b657940';

/**
 * A PIV card with a GUID of its own, so every test binds a card CM has never seen. It goes in only
 * once the station shows the reader empty: pcscd polls vpcd about every 400 ms, and two cards with
 * the same ATR swapped within one poll are not reported at all (an operator is never that fast).
 */
export async function pivCard(page: Page, reader: 0 | 1 = 0): Promise<VirtualCard> {
  // "No card" in any language: the card panel's empty state.
  await expect(region(page, reader === 0 ? READER : 'Virtual PCD 00 01').locator('p.state.empty')).toBeVisible({ timeout: 10_000 });
  return insertCard({ reader, atr: PIV_ATR, behaviour: { kind: 'piv', guid: randomBytes(16).toString('hex') } });
}

export function region(page: Page, reader = READER) {
  return page.getByRole('region', { name: reader });
}

/** From a freshly read card to the confirmation screen, through the search, as an operator would. */
export async function chooseRequest(page: Page, requestId: string): Promise<void> {
  const panel = region(page);
  await expect(panel.getByRole('heading', { name: 'Choose the enrollment request' })).toBeVisible({ timeout: 10_000 });
  await panel.getByLabel('Request id, user or template').fill(requestId.slice(0, 8));
  await panel.getByRole('button', { name: 'Search', exact: true }).click();
  await panel.getByRole('button', { name: new RegExp(`^Choose request ${requestId.slice(0, 8)}`) }).click();
  await expect(panel.getByRole('heading', { name: 'Check and confirm' })).toBeVisible();
}

export async function shot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

const VIEW_INDEX = { enrollment: 0, outbox: 1, audit: 2, diagnostics: 3, settings: 4 } as const;
export type ViewName = keyof typeof VIEW_INDEX;

/** Opens a screen from the navigation, whatever the language (by position, as src/renderer/store.ts VIEWS). */
export async function openView(page: Page, view: ViewName): Promise<void> {
  await page.locator('nav.nav button.nav-item').nth(VIEW_INDEX[view]).click();
  await expect(page.locator('nav.nav button.nav-item').nth(VIEW_INDEX[view])).toHaveAttribute('aria-current', 'page');
}

/** The operator's language, chosen on the settings screen like an operator would. */
export async function setLocale(page: Page, locale: 'en' | 'fr'): Promise<void> {
  await openView(page, 'settings');
  await page.locator('[data-setting="locale"] select').selectOption(locale);
  await page.locator('form.settings-form button[type="submit"]').click();
  await expect(page.locator('html')).toHaveAttribute('lang', locale);
  await openView(page, 'enrollment');
}

/** The WCAG 2.2 AA rule set (axe-core tags), as issue 13 requires on every screen and step. */
export const WCAG_22_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** axe-core on the page as it is now; any violation fails the test with its rule and nodes. */
export async function expectNoAxeViolations(page: Page, what: string): Promise<void> {
  const { default: AxeBuilder } = await import('@axe-core/playwright');
  const results = await new AxeBuilder({ page }).withTags(WCAG_22_AA).analyze();
  const found = results.violations.map((v) => ({ rule: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
  expect(found, `axe violations on ${what}`).toEqual([]);
}

/**
 * Every string the station sends the page over its WebSocket under a key `pick` accepts (at any
 * depth of the JSON frames): e.g. the correlation ids of errors, or the English messages kept for logs.
 */
export function recordStationStrings(page: Page, pick: (key: string, value: string) => boolean): Set<string> {
  const found = new Set<string>();
  const collect = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(collect);
    else if (value && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) {
        if (typeof v === 'string' && pick(key, v)) found.add(v);
        else collect(v);
      }
    }
  };
  page.on('websocket', (ws) =>
    ws.on('framereceived', ({ payload }) => {
      try {
        collect(JSON.parse(String(payload)));
      } catch {
        // not JSON: nothing the station sent as data
      }
    }),
  );
  return found;
}

/**
 * The keyboard path from a freshly read card to a confirmed bind, with `fault` on CM's bind: focus
 * in the search, Enter, Enter on the first Choose, Enter on Confirm (the fault set just before it).
 */
export async function bindByKeyboardWithFault(page: Page, requestId: string, fault: FaultRule['fault']): Promise<void> {
  const panel = region(page);
  const search = panel.locator('input[type="search"]');
  await expect(search).toBeFocused({ timeout: 10_000 });
  await search.fill(requestId.slice(0, 8));
  await search.press('Enter');
  // The search answers over HTTP first: give a loaded machine the same patience as a card read.
  await expect(panel.locator('button.choose').first()).toBeFocused({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  await expect(panel.locator('.confirmation button.primary')).toBeFocused({ timeout: 10_000 });
  await sim.setFaults([{ fault, route: 'POST /smartcards' }]);
  await page.keyboard.press('Enter');
}

/** Each test starts from the simulator's seed, the station's page loaded, CM online. */
export async function openFreshStation(page: Page): Promise<void> {
  await sim.reset();
  await page.goto(process.env.STATION_URL!);
  await expect(page.locator('.connection-online')).toBeVisible({ timeout: 10_000 });
}

/** Back to a station the next test can use: no faults, CM online again, English. */
export async function restoreStation(page: Page): Promise<void> {
  await sim.clearFaults();
  await expect(page.locator('.connection-online')).toBeVisible({ timeout: 15_000 });
  await setLocale(page, 'en');
}
