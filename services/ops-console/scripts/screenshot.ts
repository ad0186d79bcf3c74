/**
 * Takes a screenshot of a running console, logged in as an operator, e.g. during `pnpm demo`
 * (how docs/ops-console.png was made):
 *   OPERATOR_EMAIL=… OPERATOR_PASSWORD=… node --conditions=development --import tsx scripts/screenshot.ts http://127.0.0.1:3003 out.png
 * Optional: WAIT_MS (default 15000), how long the page plays before the picture.
 */
import { launchChromium } from '../test/support/browser.ts';

const [url = 'http://127.0.0.1:3003', out = 'ops-console.png'] = process.argv.slice(2);
const email = process.env['OPERATOR_EMAIL'] ?? 'operator@rideline.local';
const password = process.env['OPERATOR_PASSWORD'];
if (!password) throw new Error('set OPERATOR_PASSWORD');

const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  await page.goto(url);
  await page.fill('#login-email', email);
  await page.fill('#login-password', password);
  await page.click('#login-submit');
  await page.locator('#connection-state[data-state="live"]').waitFor({ timeout: 20_000 });
  await page.waitForTimeout(Number(process.env['WAIT_MS'] ?? 15_000));
  const row = page.locator('#bookings-table tbody tr').first();
  if ((await row.count()) > 0) {
    await row.click();
    await page
      .locator('#detail-history li[data-type]')
      .first()
      .waitFor({ timeout: 5_000 })
      .catch(() => undefined);
  }
  await page.screenshot({ path: out });
  process.stdout.write(`${out}\n`);
} finally {
  await browser.close();
}
