import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { signAccessToken, type SigningKey } from '@rideline/auth';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium, as CI installs it (.ci/run); never a downloaded browser. */
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
}

/** The colour drawn on the map canvas at a position (`transparent` where nothing is). */
export async function colourAt(page: Page, lat: number, lng: number): Promise<string> {
  return page.evaluate(
    ([la, ln]) => {
      const api = window.ridelineConsole!;
      const point = api.pointOf(la!, ln!);
      return api.colourAt(point.x, point.y);
    },
    [lat, lng],
  );
}

/** Polls `read` until it returns `expected`. */
export async function untilValue<T>(read: () => Promise<T>, expected: T, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (last === expected) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what}: expected ${String(expected)}, last saw ${String(last)}`);
}

/**
 * Opens the console at `url` as an operator whose session is what a login leaves in
 * sessionStorage, with a token signed by `signingKey` (a stand-in gateway takes any token), and
 * reloads so that the page starts from it.
 */
export async function openAsOperator(page: Page, url: string, signingKey: SigningKey, email: string): Promise<void> {
  await page.goto(url);
  const accessToken = signAccessToken(signingKey, { kind: 'operator', id: randomUUID() }, { ttlSeconds: 3_600 });
  await page.evaluate(
    (session) => sessionStorage.setItem('rideline.ops.session', JSON.stringify({ ...session, refreshToken: 'r', expiresAt: Date.now() + 3_600_000 })),
    { email, accessToken },
  );
  await page.reload();
}
