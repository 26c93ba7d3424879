/// <reference lib="dom" />
/**
 * (f) and (g): the app as a person meets it, on the workstation that (a) synced. The workstation is
 * launched as `npm run workstation` launches it (main/browser/cli.ts in its own process), and driven
 * in Chromium with Playwright:
 * - (g) launch → an interactive sign-in screen (the process started, the page loaded, the form
 *   usable), and sign-in → the registry ready to search;
 * - (f) search as you type: each keystroke of a patient's "first last" name, from the key to the
 *   list showing the answer for that text (DOM committed and one frame painted), measured in the page;
 *   baseline: a no-op round trip (`session.current`) over the same bridge from the same page.
 */
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { openLocalDatabase } from '../main/core/store/local-db.ts';
import { launchChromium } from '../test/support/browser.ts';
import { type Summary, summarize } from './stats.ts';

const here = dirname(fileURLToPath(import.meta.url));

export interface AppUiResult {
  launchToSignInMs: number;
  signInToRegistryMs: number;
  keystroke: Summary;
  bridgeRoundTrip: Summary;
  names: number;
}

/** Patients' "first last" names the PC holds, picked evenly through the table (fixed, no randomness). */
function namesFrom(file: string, key: string, count: number): string[] {
  const db = openLocalDatabase({ path: file, key });
  try {
    const total = (db.sqlite.prepare('SELECT COUNT(*) AS n FROM patients').get() as { n: number }).n;
    const step = Math.max(1, Math.floor(total / count));
    const rows = db.sqlite
      .prepare(
        'SELECT first_name AS f, last_name AS l FROM patients WHERE rowid % ? = 0 AND deleted_at IS NULL LIMIT ?',
      )
      .all(step, count) as { f: string; l: string }[];
    return rows.map((r) => `${r.f} ${r.l}`.toLowerCase());
  } finally {
    db.close();
  }
}

export async function benchAppUi(opts: {
  dataDir: string;
  key: string;
  user: string;
  password: string;
  names: number;
  log: (line: string) => void;
}): Promise<AppUiResult> {
  const names = namesFrom(join(opts.dataDir, 'workstation.db'), opts.key, opts.names);
  const browser = await launchChromium();
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', resolve(here, '../main/browser/cli.ts'), '--data', opts.dataDir, '--port', '0'],
    {
      cwd: resolve(here, '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, HMS_DB_KEY: opts.key, TSX_TSCONFIG_PATH: resolve(here, 'tsconfig.run.json') },
    },
  );
  try {
    const url = await new Promise<string>((res, rej) => {
      const timer = setTimeout(() => rej(new Error('the workstation printed no address in 120 s')), 120_000);
      createInterface({ input: child.stdout as NonNullable<typeof child.stdout> }).on('line', (line) => {
        const m = /app ready: open (\S+)/.exec(line);
        if (m?.[1]) {
          clearTimeout(timer);
          res(m[1]);
        }
      });
      child.once('exit', (code) => rej(new Error(`the workstation exited (${code}) before it was ready`)));
    });
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(url);
    await page.getByLabel('User name').waitFor();
    const launchToSignInMs = performance.now() - started;
    await page.getByLabel('User name').fill(opts.user);
    await page.getByLabel('Password', { exact: true }).fill(opts.password);
    const signIn = performance.now();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('combobox', { name: /Find a patient/ }).waitFor();
    const signInToRegistryMs = performance.now() - signIn;
    opts.log(
      `(g) sign-in screen ${Math.round(launchToSignInMs)} ms after launch; registry ${Math.round(signInToRegistryMs)} ms after sign-in`,
    );

    // tsx compiles this file keeping function names (`__name(fn, "shows")`); the page has no such helper.
    await page.evaluate('globalThis.__name ??= (f) => f');
    // Both measured inside the page, so neither carries Playwright's own round trips.
    const timings = await page.evaluate(async (typed: string[]) => {
      const input = document.querySelector<HTMLInputElement>('input[role="combobox"]');
      const list = document.getElementById('patient-results');
      const hms = (window as unknown as { hms?: { session: { current(): Promise<unknown> } } }).hms;
      if (!input || !list || !hms) throw new Error('the registry is not on screen');
      const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
      const frame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));
      const shows = (text: string) =>
        new Promise<void>((resolve, reject) => {
          const done = () => list.dataset.query === text.trim();
          if (done()) return resolve();
          const timer = setTimeout(() => reject(new Error(`no answer for "${text}"`)), 10_000);
          const seen = new MutationObserver(() => {
            if (!done()) return;
            seen.disconnect();
            clearTimeout(timer);
            resolve();
          });
          seen.observe(list, { attributes: true, attributeFilter: ['data-query'] });
        });
      const keystrokes: number[] = [];
      const roundTrips: number[] = [];
      for (const name of typed) {
        setValue?.call(input, '');
        input.dispatchEvent(new Event('input', { bubbles: true }));
        await frame();
        for (let i = 2; i <= name.length; i++) {
          const text = name.slice(0, i);
          if (text.endsWith(' ')) continue;
          const t0 = performance.now();
          setValue?.call(input, text);
          input.dispatchEvent(new Event('input', { bubbles: true }));
          await shows(text);
          await frame();
          keystrokes.push(performance.now() - t0);
          const r0 = performance.now();
          await hms.session.current();
          roundTrips.push(performance.now() - r0);
        }
      }
      return { keystrokes, roundTrips };
    }, names);
    await page.context().close();
    return {
      launchToSignInMs,
      signInToRegistryMs,
      keystroke: summarize(timings.keystrokes),
      bridgeRoundTrip: summarize(timings.roundTrips, 3),
      names: names.length,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('close', r));
    await browser.close();
  }
}
