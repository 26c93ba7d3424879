/**
 * The app's update in the status bar, in Chromium, on the real app in browser mode. Browser mode has
 * no updater and must say nothing of updates; in Electron the shell sends its updater's state as the
 * `update` event on the page's one event channel. Here the test plays that shell: Playwright sits on
 * the page's bridge WebSocket, passes the real host's frames through, and adds `update` event frames
 * of its own, so the page, its stores and the status bar run unchanged. Screenshots go to
 * test-results/screens/update-*.png.
 */
import type { Page, WebSocketRoute } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { UpdateState } from '../../main/common/index.ts';
import { BRIDGE_PATH } from '../../main/common/wire.ts';
import { appInChromium, register, signIn } from '../support/app-e2e.ts';
import type { AppStation } from '../support/app-station.ts';
import { expectAccessible, screenshot } from '../support/browser.ts';

describe('the update in the status bar, in Chromium', { timeout: 120_000 }, () => {
  const app = appInChromium(async (server) => {
    await server.createUser('rec1', 'receptionist');
  });

  /** A page on `station` whose bridge the test can add shell events to. */
  async function openWithShell(station: AppStation, width = 1280) {
    const context = await app.browser.newContext({ viewport: { width, height: 800 } });
    const page = await context.newPage();
    app.pages.push(page);
    const bridges: WebSocketRoute[] = [];
    await page.routeWebSocket(
      (url) => url.pathname === BRIDGE_PATH,
      (ws) => {
        ws.connectToServer();
        bridges.push(ws);
      },
    );
    await page.goto(station.ui.url);
    /** What the Electron shell does with `webContents.send(IPC_EVENT, 'update', state)`. */
    const shellSays = (payload: UpdateState) => {
      for (const ws of bridges) ws.send(JSON.stringify({ event: 'update', payload }));
    };
    return { page, shellSays };
  }

  const notice = (page: Page) => page.getByTestId('update-status');
  /**
   * How the bar holds what it shows: whether it overflows, which of its own items are cut or wrapped
   * (their text), and whether the update's sentence is cut (to an ellipsis, its tooltip whole).
   */
  const inTheBar = (page: Page) =>
    page.getByRole('status', { name: 'Sync status' }).evaluate((bar) => {
      const notice = bar.querySelector('[data-testid="update-status"]');
      const cut = (el: Element) => el.scrollWidth > el.clientWidth + 1;
      // A text that wraps has one box per line.
      const wrapped = (el: Element) => {
        const texts = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        for (let t = texts.nextNode(); t; t = texts.nextNode()) {
          const range = document.createRange();
          range.selectNodeContents(t);
          if (new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1) return true;
        }
        return false;
      };
      const squeezed = [...bar.children]
        .filter((item) => item !== notice)
        .filter((item) => wrapped(item) || [item, ...item.querySelectorAll('*')].some(cut))
        .map((item) => item.textContent);
      return { overflows: cut(bar), squeezed, sentenceCut: notice ? cut(notice) : null };
    });

  it('says nothing in browser mode, and the shell’s update state in words when there is news', async () => {
    const desk = await app.station('Update desk', 'reception');
    const { page, shellSays } = await openWithShell(desk);
    await signIn(page, 'rec1');
    await expect.poll(() => page.getByTestId('pending').textContent()).toBe('All changes sent');
    // Browser mode: no updater, nothing said.
    expect(await notice(page).count()).toBe(0);

    // Checking, up to date, a ring that offers nothing: nothing worth a word.
    for (const state of [
      { kind: 'checking' },
      { kind: 'current', version: '1.3.0' },
      { kind: 'not-offered' },
    ] as const) {
      shellSays(state);
      await page.waitForTimeout(100);
      expect(await notice(page).count()).toBe(0);
    }

    shellSays({ kind: 'downloading', version: '1.4.0', percent: 37 });
    await expect.poll(() => notice(page).textContent()).toBe('Downloading update 1.4.0 (37%)');

    shellSays({ kind: 'ready', version: '1.4.0', install: 'on-quit' });
    await expect.poll(() => notice(page).textContent()).toBe('Update 1.4.0 ready: installs when you quit');
    expect(await inTheBar(page)).toEqual({ overflows: false, squeezed: [], sentenceCut: false });
    await expectAccessible(page, 'update ready');
    await screenshot(page, 'update-ready');

    // Offline with changes unsent: the update waits for them, and says how many.
    desk.proxy.cut();
    await expect
      .poll(() => page.getByTestId('sync-state').textContent(), { timeout: 10_000 })
      .toBe('Offline');
    await register(page, { first: 'Awa', last: 'Jallow', born: '1985-05-05' });
    await page.getByRole('heading', { name: 'Awa Jallow', exact: true }).waitFor();
    await expect
      .poll(() => page.getByTestId('pending').textContent())
      .toMatch(/^\d+ changes? waiting to send$/);
    const pending = Number((await page.getByTestId('pending').textContent())?.split(' ')[0]);
    shellSays({ kind: 'ready', version: '1.4.0', install: 'wait' });
    await expect
      .poll(() => notice(page).textContent())
      .toBe(
        pending === 1
          ? 'Update 1.4.0 waits until your change reaches the server'
          : `Update 1.4.0 waits until your ${pending} changes reach the server`,
      );
    expect(await inTheBar(page)).toEqual({ overflows: false, squeezed: [], sentenceCut: false });
    await expectAccessible(page, 'update waits');
    await screenshot(page, 'update-waits');

    // A failed check: quiet, not an alarm, with the technical line as the tooltip for IT.
    shellSays({ kind: 'failed', reason: 'offline', message: 'net::ERR_CONNECTION_REFUSED' });
    await expect
      .poll(() => notice(page).textContent())
      .toBe('Update check failed: server unreachable (will retry)');
    expect(await notice(page).getAttribute('title')).toBe(
      'Update check failed: server unreachable (will retry). net::ERR_CONNECTION_REFUSED',
    );
    expect(await inTheBar(page)).toEqual({ overflows: false, squeezed: [], sentenceCut: false });
    await expectAccessible(page, 'update failed');
    await screenshot(page, 'update-failed');
    desk.proxy.pass();
  });

  it('when the bar is short of room, cuts the update’s sentence, never the bar’s own items', async () => {
    // Narrower than the app's 1024 px minimum window: it stands in for a bar crowded with conflicts,
    // refused writes and the first download's progress.
    const desk = await app.station('Narrow desk', 'reception');
    const { page, shellSays } = await openWithShell(desk, 860);
    await signIn(page, 'rec1');
    desk.proxy.cut();
    await expect
      .poll(() => page.getByTestId('sync-state').textContent(), { timeout: 10_000 })
      .toBe('Offline');
    await register(page, { first: 'Musa', last: 'Ceesay', born: '1970-03-03' });
    await page.getByRole('heading', { name: 'Musa Ceesay', exact: true }).waitFor();
    await expect.poll(() => page.getByTestId('pending').textContent()).toMatch(/waiting to send$/);
    shellSays({ kind: 'ready', version: '1.4.0', install: 'wait' });
    await expect.poll(() => notice(page).textContent()).toMatch(/^Update 1\.4\.0 waits until/);
    expect(await inTheBar(page)).toEqual({ overflows: false, squeezed: [], sentenceCut: true });
    // The whole sentence stays readable as the tooltip.
    expect(await notice(page).getAttribute('title')).toMatch(
      /^Update 1\.4\.0 waits until your \d+ changes? reach/,
    );
    await screenshot(page, 'update-waits-narrow');
    desk.proxy.pass();
  });
});
