/**
 * Browser-test helpers: find the system Chromium (Debian `chromium`; `npx playwright install` downloads
 * a browser and is not used) and launch it headless through playwright-core, offline.
 */
import * as fs from 'node:fs';
import { type Browser, type Page, chromium } from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The Chromium executable: env XL_CHROMIUM, else the first system one found, else null. */
export function findChromium(): string | null {
  const env = process.env.XL_CHROMIUM;
  if (env !== undefined && env !== '') return fs.existsSync(env) ? env : null;
  return CANDIDATES.find((p) => fs.existsSync(p)) ?? null;
}

/**
 * Launches headless Chromium with a fresh profile (playwright makes a temporary user-data-dir), or
 * skips the calling suite with a message when no Chromium is installed.
 */
export async function launchOrSkip(ctx: Mocha.Context): Promise<Browser> {
  const exe = findChromium();
  if (exe === null) {
    console.log('      (skipped: no Chromium found; install Debian "chromium" or set XL_CHROMIUM)');
    ctx.skip();
  }
  return chromium.launch({
    executablePath: exe as string,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * A new page whose every non-local request is refused and recorded: tests assert the list stays empty
 * (pages must work offline). Console errors and page errors are recorded too.
 */
export async function offlinePage(
  browser: Browser,
): Promise<{ page: Page; blocked: string[]; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 900, height: 700 } });
  const page = await context.newPage();
  const blocked: string[] = [];
  const errors: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:') || url === 'about:blank') return route.continue();
    blocked.push(url);
    return route.abort();
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return { page, blocked, errors };
}
