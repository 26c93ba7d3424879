/**
 * What every end-to-end file shares: a real sync server on Postgres and Chromium for the file,
 * workstations in browser mode, pages opened on them (closed at the end, photographed when a
 * scenario fails), and the steps every screen starts with. Call `appInChromium` inside a `describe`.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type AppStation, startAppStation } from './app-station.ts';
import { launchChromium, screenshot } from './browser.ts';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from './server.ts';

/** The password `TestServer.createUser` gives each user. */
export const passwordOf = (user: string) => (user === 'admin' ? ADMIN_PASSWORD : `password-${user}`);

export function appInChromium(setup: (server: TestServer) => Promise<void> = async () => {}) {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  const stations: AppStation[] = [];
  const pages: Page[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchChromium()]);
    await setup(server);
  }, 120_000);
  afterAll(async () => {
    for (const p of pages)
      await p
        .context()
        .close()
        .catch(() => {});
    await browser?.close();
    for (const s of stations) await s.close();
    await server?.close();
  });
  // What each page showed when a scenario failed, to see why.
  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    for (const [i, p] of pages.entries())
      if (!p.isClosed()) await screenshot(p, `failed-${ctx.task.name.slice(0, 30)}-${i}`);
  });

  const started = <T>(x: T | undefined, what: string): T => {
    if (x === undefined) throw new Error(`${what} is not started (use it inside a test)`);
    return x;
  };

  return {
    get server(): TestServer {
      return started(server, 'the sync server');
    },
    get browser(): Browser {
      return started(browser, 'Chromium');
    },
    stations,
    pages,

    /** A page on `station`'s app; `fakeClock`: its timers run on Playwright's clock. */
    async open(station: AppStation, fakeClock = false): Promise<Page> {
      const context = await started(browser, 'Chromium').newContext({
        viewport: { width: 1280, height: 800 },
      });
      const page = await context.newPage();
      pages.push(page);
      if (fakeClock) await page.clock.install();
      await page.goto(station.ui.url);
      return page;
    },

    /** A workstation of `kind` in browser mode, enrolled and caught up. */
    async station(name: string, kind: string): Promise<AppStation> {
      const s = await startAppStation(started(server, 'the sync server'), { name, kind });
      stations.push(s);
      await s.host.core?.drain();
      return s;
    },
  };
}

export async function typeCredentials(page: Page, user: string, password = passwordOf(user)) {
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Signs `user` in and waits for the registry. */
export async function signIn(page: Page, user: string) {
  await typeCredentials(page, user);
  await page.getByRole('combobox', { name: /Find a patient/ }).waitFor();
}

/** Fills the registration form and sends it (the caller waits for what should follow). */
export async function register(page: Page, p: { first: string; last: string; born: string; phone?: string }) {
  await page.getByRole('button', { name: 'Register a patient' }).click();
  await page.getByLabel('First name').fill(p.first);
  await page.getByLabel('Last name').fill(p.last);
  await page.getByLabel('Date of birth').fill(p.born);
  if (p.phone) await page.getByLabel('Phone', { exact: true }).fill(p.phone);
  await page.getByRole('button', { name: /^Register/ }).click();
}

/** Registers a patient and waits for their chart, which the app opens once the record is saved. */
export async function registerAndOpen(
  page: Page,
  p: { first: string; last: string; born: string; phone?: string },
) {
  await register(page, p);
  await page.getByRole('heading', { name: `${p.first} ${p.last}`, exact: true }).waitFor();
}
