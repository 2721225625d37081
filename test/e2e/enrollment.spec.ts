import { expect, test } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { insertCard, type VirtualCard } from '../support/vcard';
import { chooseRequest, freshRequest, PIV_ATR, pivCard, region, shot, sim } from './support';

test.beforeEach(async ({ page }) => {
  // The seed has a handful of approved requests: each test starts from it again.
  await sim.reset();
  await page.goto(process.env.STATION_URL!);
  await expect(page.getByText('CM online')).toBeVisible({ timeout: 10_000 });
});

test('a new enrolment online: the confirmation shows exactly what is sent, and the result the new smart card id', async ({ page }, testInfo) => {
  const request = await freshRequest('enroll');
  const card = await pivCard(page);
  try {
    await expect(region(page).getByText('CM does not know this card')).toBeVisible({ timeout: 10_000 });
    await chooseRequest(page, request.id);
    const payload = JSON.parse((await region(page).locator('figure.payload pre, figure.payload code').first().innerText()) || '{}');
    expect(payload).toMatchObject({ requestid: request.id, atr: card.atr });
    await shot(page, testInfo, 'confirmation');

    await region(page).getByRole('button', { name: 'Confirm and bind' }).click();
    await expect(region(page).getByRole('heading', { name: 'Done — remove the card' })).toBeVisible({ timeout: 10_000 });
    const bound = (await sim.state()).smartcards.filter((c) => c.SerialNumber === `{${payload.cardid}}`);
    expect(bound).toHaveLength(1);
    await expect(region(page).getByText(bound[0]!.Uuid.toLowerCase()).first()).toBeVisible();
    const posts = (await sim.received()).filter((r) => r.method === 'POST' && r.body.includes(payload.cardid));
    expect(posts.map((p) => JSON.parse(p.body))).toEqual([payload]);
    await shot(page, testInfo, 'done');
  } finally {
    await card.remove();
  }
  await expect(region(page)).toContainText('No card');
});

test('a replacement: the new card is bound; the card it replaces is retired once the new one is Active', async ({ page }, testInfo) => {
  const request = await freshRequest('replace');
  const card = await pivCard(page);
  try {
    await chooseRequest(page, request.id);
    await expect(region(page).getByText('Card to retire')).toBeVisible();
    await expect(region(page).getByText(request.replaces!).first()).toBeVisible();
    await region(page).getByRole('button', { name: 'Confirm and bind' }).click();
    await expect(region(page).getByRole('heading', { name: 'Done — remove the card' })).toBeVisible({ timeout: 10_000 });
    // Binding does not execute the request: the old card stays in use until the new one is written.
    await expect(region(page).getByText(/Held until the new card .* is Active in CM \(last seen: Assigned\)/)).toBeVisible({ timeout: 10_000 });
    expect((await sim.received()).filter((r) => r.method === 'PUT')).toEqual([]);
    expect((await sim.state()).smartcards.find((c) => c.Uuid.toLowerCase() === request.replaces)?.Status).toBe(3);
    await shot(page, testInfo, 'held');
    const newCard = (await sim.state()).requests.find((r) => r.Uuid.toLowerCase() === request.id)!.NewSmartcardUuid;
    await sim.activate(newCard);
    await expect(region(page).getByText(`Replaced card retired: ${request.replaces}`)).toBeVisible({ timeout: 15_000 });
    expect((await sim.state()).smartcards.find((c) => c.Uuid.toLowerCase() === request.replaces)?.Status).toBe(6);
    const put = (await sim.received()).find((r) => r.method === 'PUT' && r.path.toLowerCase().includes(request.replaces!));
    expect(JSON.parse(put!.body)).toEqual({ status: 'Retired' });
    await shot(page, testInfo, 'replaced');
  } finally {
    await card.remove();
  }
});

test('CM down: the bind is queued; when CM is back it is replayed exactly once', async ({ page }, testInfo) => {
  const request = await freshRequest('enroll');
  const card = await pivCard(page);
  try {
    await chooseRequest(page, request.id);
    const payload = JSON.parse(await region(page).locator('figure.payload pre, figure.payload code').first().innerText());
    await sim.setFaults([{ fault: { kind: 'connection-reset' } }]);
    await region(page).getByRole('button', { name: 'Confirm and bind' }).click();
    await expect(region(page).getByText('Saved. It will be sent when CM is reachable.')).toBeVisible({ timeout: 10_000 });
    await expect(page.getByText(/CM offline since/)).toBeVisible({ timeout: 10_000 });
    await shot(page, testInfo, 'queued');

    await sim.clearFaults();
    await expect(page.getByText('CM online')).toBeVisible({ timeout: 15_000 });
    await expect(region(page).getByText('New smart card id')).toBeVisible({ timeout: 15_000 });
    // CM holds the card exactly once; the POSTs cut off while it was down never reached it.
    const bound = (await sim.state()).smartcards.filter((c) => c.SerialNumber === `{${payload.cardid}}`);
    expect(bound).toHaveLength(1);
    // The outbox shows the one operation done, so nothing is left to send again.
    await page.getByRole('button', { name: /^Outbox/ }).click();
    const item = page.getByRole('article').filter({ hasText: payload.cardid });
    await expect(item).toHaveCount(1);
    await expect(item).toContainText('Done');
    await shot(page, testInfo, 'outbox-after-replay');
  } finally {
    await card.remove();
  }
});

test('a card swapped before confirming is never bound', async ({ page }, testInfo) => {
  const request = await freshRequest('enroll');
  const first = await pivCard(page);
  let second: VirtualCard | null = null;
  try {
    await chooseRequest(page, request.id);
    const payload = JSON.parse(await region(page).locator('figure.payload pre, figure.payload code').first().innerText());
    // Swapped as fast as vpcd allows, on purpose: faster than pcscd's poll, unlike an operator.
    await first.remove();
    second = await insertCard({ reader: 0, atr: PIV_ATR, behaviour: { kind: 'piv', guid: randomBytes(16).toString('hex') } });
    // Which outcome happens is pcscd's timing, and each is right: if it noticed the swap, the
    // choice is dropped and the new card read; if the swap fell between two of its polls (same
    // ATR), the reader looks untouched and the confirm-time re-read refuses, either because it
    // read another card (CARD_MISMATCH) or because it caught the swap itself (a PC/SC error).
    const confirm = region(page).getByRole('button', { name: 'Confirm and bind' });
    if (await confirm.isVisible()) await confirm.click({ timeout: 2_000 }).catch(() => undefined);
    const refused = region(page).getByText('The station refused the last step');
    const newCardRead = region(page).getByRole('heading', { name: 'Choose the enrollment request' });
    await expect(refused.or(newCardRead).first()).toBeVisible({ timeout: 10_000 });
    await shot(page, testInfo, 'swapped');
    expect((await sim.received()).filter((r) => r.method === 'POST')).toHaveLength(0);
    expect((await sim.state()).smartcards.filter((c) => c.SerialNumber === `{${payload.cardid}}`)).toHaveLength(0);
  } finally {
    await first.remove();
    await second?.remove();
  }
});
