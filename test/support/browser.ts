import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (README, "Test it"); no test tool downloads a browser of its own. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Browser specs run where Chromium is; `.ci/run` installs it and sets BROWSER_TESTS=required. */
export const hasBrowser = existsSync(CHROMIUM);
if (!hasBrowser && process.env.BROWSER_TESTS === 'required') {
  throw new Error(`BROWSER_TESTS=required, and there is no Chromium at ${CHROMIUM}`);
}

export const BROWSER_SKIPPED_BECAUSE = `(there is no Chromium at ${CHROMIUM}: apt-get install -y --no-install-recommends chromium fonts-liberation, or CHROMIUM_PATH)`;

/** Where specs save the screenshots a person looks at (not committed): BROWSER_SCREENSHOTS. */
export const SCREENSHOTS =
  process.env.BROWSER_SCREENSHOTS ?? join('test', 'browser', 'screenshots');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // As root in a container, with no network beyond this machine: no sandbox, no GPU, and
    // none of Chromium's own connections (updates, sync, safe browsing), which would fail.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/**
 * What a page did that a spec forbids: a request to another origin (answered with a refusal, so
 * the page can neither load nor send anything elsewhere), a Content-Security-Policy violation,
 * an error on the console, an uncaught error.
 */
export async function watchPage(page: Page, origin: string): Promise<string[]> {
  const problems: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).origin === origin || url.startsWith('data:') || url.startsWith('blob:')) {
      return route.continue();
    }
    problems.push(`request to another origin: ${url}`);
    return route.abort('blockedbyclient');
  });
  page.on('console', (message) => {
    if (/Content.Security.Policy/i.test(message.text())) {
      problems.push(`CSP: ${message.text()}`);
    } else if (message.type() === 'error') {
      problems.push(`console error: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('websocket', (socket) => {
    if (new URL(socket.url()).host !== new URL(origin).host) {
      problems.push(`WebSocket to another host: ${socket.url()}`);
    }
  });
  return problems;
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's WCAG 2.1 A and AA violations on the page as it is now: rule, impact, where. */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const axe = (globalThis as any).axe;
    const results = await axe.run((globalThis as any).document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return results.violations.map(
      (violation: any) =>
        `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes
          .slice(0, 3)
          .map((node: any) => node.target.join(' '))
          .join('; ')}`,
    );
  });
}
