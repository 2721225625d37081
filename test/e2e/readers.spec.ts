import { expect, test } from '@playwright/test';
import { insertCard } from '../support/vcard';

const READERS = ['Virtual PCD 00 00', 'Virtual PCD 00 01'] as const;
// The CM docs' example ATR and the YubiKey 5 NFC over USB (pcsc.md).
const ATRS = ['3b8d0180fba000000397425446590301c8', '3bfd1300008131fe158073c021c057597562694b657940'] as const;
const spaced = (hex: string) => (hex.match(/../g) ?? []).join(' ').toUpperCase();

test('a card inserted into each reader shows its ATR under that reader, live, and leaves when removed', async ({ page }, testInfo) => {
  await page.goto(process.env.STATION_URL!);
  for (const name of READERS) {
    await expect(page.getByRole('region', { name })).toContainText('No card', { timeout: 10_000 });
  }

  const cards = [];
  for (const [slot, atr] of ATRS.entries()) {
    const card = await insertCard({ reader: slot as 0 | 1, atr, behaviour: { kind: 'plain' } });
    cards.push(card);
    const region = page.getByRole('region', { name: READERS[slot] });
    await expect(region.locator('code.atr')).toHaveText(spaced(atr));
    await expect(region.locator('code.atr')).toHaveAttribute('data-atr', atr);
  }
  // Each ATR is under its own reader only.
  await expect(page.getByRole('region', { name: READERS[0] })).not.toContainText(spaced(ATRS[1]));
  await page.screenshot({ path: testInfo.outputPath('two-cards.png'), fullPage: true });
  await testInfo.attach('two-cards', { path: testInfo.outputPath('two-cards.png'), contentType: 'image/png' });

  for (const [slot, card] of cards.entries()) {
    await card.remove();
    await expect(page.getByRole('region', { name: READERS[slot] })).toContainText('No card');
    await expect(page.getByRole('region', { name: READERS[slot] }).locator('code.atr')).toHaveCount(0);
  }
});
