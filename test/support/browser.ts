/**
 * Chromium for end-to-end tests, driven by playwright-core: the browser named by `HMS_CHROMIUM`, else
 * Debian's `/usr/bin/chromium` (which `.ci/run` installs), else Playwright's own if one was installed.
 * Launched with the flags this closed network needs (no background calls home).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

export function chromiumPath(): string {
  const candidates = [process.env.HMS_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  try {
    candidates.push(chromium.executablePath());
  } catch {
    // Playwright's own browser is not installed: fine.
  }
  const found = candidates.find((p): p is string => Boolean(p) && existsSync(p as string));
  if (!found)
    throw new Error(
      'no Chromium for the end-to-end tests: `apt-get install -y chromium` (as .ci/run does) or set HMS_CHROMIUM',
    );
  return found;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
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

export const SCREENSHOTS = resolve('test-results/screens');

/** Saves what the page shows now under test-results/screens/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: resolve(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** An axe-core scan of what `page` shows: no serious or critical finding, each named if there is one. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const scan = await new AxeBuilder({ page }).analyze();
  const bad = scan.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    bad.map(
      (v) =>
        `${screen}: ${v.id} ${v.help}: ${v.nodes.map((n) => `${n.target.join(' ')} ${n.any[0]?.message ?? ''}`).join(' | ')}`,
    ),
  ).toEqual([]);
}
