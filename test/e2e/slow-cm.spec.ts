import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { chooseRequest, freshRequest, pivCard, region, sim } from './support';

/** The entries of the host's diagnostic log (JSON lines in <data>/logs). */
function logEntries(): Record<string, unknown>[] {
  const dir = join(process.env.STATION_DATA_DIR!, 'logs');
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.log'));
  } catch {
    return [];
  }
  return files
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n'))
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

test.beforeEach(async ({ page }) => {
  await sim.reset();
  await page.goto(process.env.STATION_URL!);
  await expect(page.getByText('CM online')).toBeVisible({ timeout: 10_000 });
});

test.afterEach(async () => {
  await sim.clearFaults();
});

test('CM slow to answer about the card: chosen and confirmed before it answers; one bind, the late answer dropped and logged, the host stays up', async ({
  page,
}) => {
  const request = await freshRequest('enroll');
  // The card lookup (GET smartcards?cardid=) takes 6 s; everything else answers at once.
  await sim.setFaults([{ route: 'GET /smartcards', fault: { kind: 'latency', ms: 6_000 } }]);
  const droppedBefore = logEntries().filter((e) => e.event === 'enrollment.event-dropped').length;
  const card = await pivCard(page);
  try {
    const panel = region(page);
    await expect(panel.getByText('Asking CM about this card…')).toBeVisible({ timeout: 10_000 });
    await chooseRequest(page, request.id);
    await panel.getByRole('button', { name: 'Confirm and bind' }).click();
    await expect(panel.getByRole('heading', { name: 'Done — remove the card' })).toBeVisible({ timeout: 10_000 });
    // The late answer arrives after the bind: dropped, and the log says so.
    await expect.poll(() => logEntries().filter((e) => e.event === 'enrollment.event-dropped').length, { timeout: 20_000 }).toBeGreaterThan(droppedBefore);
    // The host is still up and still answers.
    await page.reload();
    await expect(page.getByText('CM online')).toBeVisible({ timeout: 10_000 });
    const posts = (await sim.received()).filter((r) => r.method === 'POST' && r.path.toLowerCase().endsWith('/smartcards'));
    const bound = posts.filter((p) => (JSON.parse(p.body) as { requestid: string }).requestid.toLowerCase() === request.id);
    expect(bound).toHaveLength(1);
  } finally {
    await card.remove();
  }
});
