/**
 * Update rings from the admin desk, in Chromium against a real sync server on Postgres (issue 12):
 * the admin moves a ward PC into a new "pilot" ring, points pilot at a release, halts it, and rolls
 * it back to the release before, each after a confirmation saying what happens to the ring's PCs.
 * After each step the server agrees twice: in Postgres, and in what the ward PC itself is offered
 * when it asks for `latest.yml` with its device token. A server refusal is shown in words.
 *
 * Its own server rather than `appInChromium`'s: the server needs a releases directory of the test's
 * (the default is the working copy's data/releases).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../support/app-e2e.ts';
import { type AppStation, startAppStation } from '../support/app-station.ts';
import { expectAccessible, launchChromium, screenshot } from '../support/browser.ts';
import { writeReleaseFolders } from '../support/release-fixture.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

describe('update rings from the admin desk, in Chromium', { timeout: 180_000 }, () => {
  const releases = mkdtempSync(join(tmpdir(), 'hms-e2e-releases-'));
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  let station: AppStation | undefined;
  let page: Page | undefined;

  beforeAll(async () => {
    writeReleaseFolders(releases); // 1.2.0 is still being copied: listed, but cannot be offered
    [server, browser] = await Promise.all([
      startTestServer({ config: { releasesDir: releases } }),
      launchChromium(),
    ]);
  }, 120_000);
  afterAll(async () => {
    await page
      ?.context()
      .close()
      .catch(() => {});
    await browser?.close();
    await station?.close();
    await server?.close();
    rmSync(releases, { recursive: true, force: true });
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && page && !page.isClosed())
      await screenshot(page, `failed-${ctx.task.name.slice(0, 30)}`);
  });

  it('moves a ward PC into pilot, points pilot at 1.1.0, halts it and rolls it back to 1.0.0; the server agrees at each step', async () => {
    if (!server || !browser) throw new Error('not started');
    const srv = server;
    station = await startAppStation(srv, { name: 'IT office', kind: 'admin' });
    await station.host.core?.drain();
    const ward = await srv.enrol({ name: 'Ward B nurses station', kind: 'reception' });
    await expect
      .poll(
        async () =>
          (
            await srv.database.query<{ v: string }>(
              `SELECT app_version AS v FROM workstations WHERE name = 'IT office'`,
            )
          )[0]?.v,
      )
      .toBe('1.0.0');
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const p = await context.newPage();
    page = p;
    await p.goto(station.ui.url);
    await signIn(p, 'admin');
    await p.getByRole('button', { name: 'Workstations', exact: true }).click();

    const rings = p.getByRole('table', { name: 'Rings' });
    const ringRow = (name: string) =>
      rings.getByRole('row').filter({ has: p.getByText(name, { exact: true }) });
    const pcRow = (name: string) =>
      p.getByRole('table', { name: 'Workstations' }).getByRole('row').filter({ hasText: name });
    const said = (text: string) => p.getByRole('status').filter({ hasText: text }).waitFor();
    /** A dialog once it has faded in: mid-fade, its words are faint, and axe rightly says so. */
    const shown = async (dialog: Locator) => {
      await dialog.waitFor();
      await expect
        .poll(() =>
          dialog.evaluate(
            (el) => el.ownerDocument.getAnimations().length === 0 && getComputedStyle(el).opacity === '1',
          ),
        )
        .toBe(true);
      return dialog;
    };
    const offers = (ring: string) => p.getByTestId(`offers-${ring}`).textContent();
    const ringInDb = async (name: string) =>
      (
        await srv.database.query<{ release: string | null }>(
          'SELECT release FROM update_rings WHERE name = $1',
          [name],
        )
      )[0];
    const pcRingInDb = async (id: string) =>
      (
        await srv.database.query<{ ring: string }>(
          'SELECT update_ring AS ring FROM workstations WHERE id = $1',
          [id],
        )
      )[0]?.ring;
    /** What the ward PC is offered when it asks, as it will: its manifest's version, or the refusal. */
    const offeredToWard = async () => {
      const res = await fetch(`${srv.url}/api/updates/latest.yml`, {
        headers: { authorization: `Bearer ${ward.token}` },
      });
      if (res.status !== 200) return `${res.status} ${((await res.json()) as { error: string }).error}`;
      return /^version: (\S+)/.exec(await res.text())?.[1];
    };

    // Every PC starts in "general", which offers nothing until an admin points it; the releases on
    // the server are listed newest first, the one without latest.yml marked as such.
    await ringRow('general').waitFor();
    expect(await offers('general')).toBe('nothing yet');
    expect(await ringRow('general').getByRole('cell').nth(2).textContent()).toBe('2');
    // Each PC's version as its heartbeat named it (this admin PC's), or a dash (never heard from).
    expect(await pcRow('IT office').textContent()).toMatch(/general.*1\.0\.0/);
    expect(await pcRow('Ward B nurses station').textContent()).toMatch(/general.*—/);
    const listed = p.getByRole('table', { name: 'Releases on the server' }).getByRole('row');
    await expect
      .poll(() => listed.allTextContents())
      .toEqual([
        'FolderVersionReleasedOffered by',
        expect.stringMatching(/^1\.1\.01\.1\.0.*2025.*—$/),
        expect.stringMatching(/^1\.0\.01\.0\.0.*2025.*—$/),
        '1.2.0——cannot be offered: no latest.yml in this folder',
      ]);

    // Move the ward PC into a new ring, "pilot": a name against the rule is said before the click.
    const wardRow = pcRow('Ward B nurses station');
    const moveButton = wardRow.getByRole('button', { name: 'Move', exact: true });
    await wardRow.getByRole('button', { name: 'Move Ward B nurses station to another ring' }).click();
    const newRing = wardRow.getByLabel('New ring');
    await newRing.fill('Pilot Ward');
    await wardRow.getByText(/lower-case letters, digits/).waitFor();
    expect(await moveButton.isDisabled()).toBe(true);
    await screenshot(p, 'update-rings-move-refused-name');
    await newRing.fill('pilot');
    await newRing.press('Escape');
    await moveButton.click();
    await said('Ward B nurses station is now in ring pilot, which offers no release yet');
    expect(await pcRingInDb(ward.id)).toBe('pilot');
    expect(await ringInDb('pilot')).toBeUndefined(); // a ring by name only, until it is pointed
    await ringRow('pilot').waitFor();
    expect(await offers('pilot')).toBe('nothing yet');
    await expect.poll(() => wardRow.getByTestId('ring').textContent()).toBe('pilot');
    expect(await offeredToWard()).toBe('404 no_release');

    // Point pilot at 1.1.0: the confirmation says what its one PC will do.
    await ringRow('pilot').getByRole('combobox', { name: 'Release for ring pilot' }).selectOption('1.1.0');
    await ringRow('pilot').getByRole('button', { name: 'Offer…' }).click();
    const offer = p.getByRole('dialog', { name: 'Offer 1.1.0 to ring pilot?' });
    expect(await offer.textContent()).toContain(
      'The 1 PC in ring pilot will be offered 1.1.0 at its next update check, and install it',
    );
    await offer.getByRole('button', { name: 'Offer 1.1.0' }).click();
    await said('Ring pilot now offers 1.1.0.');
    expect(await ringInDb('pilot')).toEqual({ release: '1.1.0' });
    expect(await offeredToWard()).toBe('1.1.0');
    await expect.poll(() => offers('pilot')).toBe('1.1.0');

    // Halt it: the PC keeps what it runs and is offered nothing.
    await ringRow('pilot').getByRole('button', { name: 'Halt…' }).click();
    const halt = p.getByRole('dialog', { name: 'Halt ring pilot?' });
    expect(await halt.textContent()).toContain(
      'It keeps the version it runs now; nothing is uninstalled, and a PC still downloading 1.1.0 is refused the rest of it.',
    );
    await halt.getByRole('button', { name: 'Halt pilot' }).click();
    await said('Ring pilot is halted: it offers nothing.');
    expect(await ringInDb('pilot')).toEqual({ release: null });
    expect(await offeredToWard()).toBe('404 no_release');
    await expect.poll(() => offers('pilot')).toBe('halted (was 1.1.0)');

    // Roll it back to 1.0.0: still a roll-back for a PC that installed 1.1.0 before the halt, and the
    // question says what that PC will and will not do.
    await ringRow('pilot').getByRole('combobox', { name: 'Release for ring pilot' }).selectOption('1.0.0');
    await ringRow('pilot').getByRole('button', { name: 'Roll back…' }).click();
    const back = await shown(p.getByRole('dialog', { name: 'Roll ring pilot back from 1.1.0 to 1.0.0?' }));
    const question = await back.textContent();
    expect(question).toContain(
      'The 1 PC in ring pilot will be offered the older 1.0.0 at its next update check instead of 1.1.0, ' +
        'which it offered until it was halted.',
    );
    expect(question).toContain('A PC that already installed 1.1.0 keeps running it');
    await expectAccessible(p, 'update-rings-roll-back-question');
    await screenshot(p, 'update-rings-roll-back-question');
    await back.getByRole('button', { name: 'Roll back to 1.0.0' }).click();
    await said('Ring pilot now offers 1.0.0.');
    await back.waitFor({ state: 'hidden' });
    expect(await ringInDb('pilot')).toEqual({ release: '1.0.0' });
    expect(await offeredToWard()).toBe('1.0.0');
    await expect.poll(() => offers('pilot')).toBe('1.0.0');

    const audit = await srv.database.query<{ description: string; by: string }>(
      `SELECT a.description, u.username AS by FROM audit_log a JOIN users u ON u.id = a.user_id
       WHERE a.object_type = 'update_rings' OR a.description LIKE '%update ring%' ORDER BY a.seq`,
    );
    expect(audit).toEqual([
      { description: 'workstation Ward B nurses station moved to update ring pilot', by: 'admin' },
      { description: 'update ring pilot offers 1.1.0', by: 'admin' },
      { description: 'update ring pilot halted', by: 'admin' },
      { description: 'update ring pilot offers 1.0.0', by: 'admin' },
    ]);

    // The whole screen, tall enough to show the list of PCs and the rings at once, for a person to look at.
    await p.setViewportSize({ width: 1280, height: 1300 });
    await p.screenshot({ path: '/tmp/rings.png' });
    await screenshot(p, 'update-rings');
    await expectAccessible(p, 'update-rings');
  });

  it('says in words why the server refused a change (the release folder was removed meanwhile), and changes nothing', async () => {
    const p = page;
    if (!p || !server) throw new Error('the first scenario did not open the page');
    rmSync(join(releases, '1.1.0', 'latest.yml'));
    const row = p
      .getByRole('table', { name: 'Rings' })
      .getByRole('row')
      .filter({ hasText: /^pilot/ });
    await row.getByRole('combobox', { name: 'Release for ring pilot' }).selectOption('1.1.0');
    await row.getByRole('button', { name: 'Offer…' }).click();
    await p
      .getByRole('dialog', { name: 'Move ring pilot from 1.0.0 to 1.1.0?' })
      .getByRole('button', { name: 'Offer 1.1.0' })
      .click();
    await p
      .getByRole('alert')
      .filter({
        hasText: 'Ring pilot was not changed: release "1.1.0" has no latest.yml in the releases directory',
      })
      .waitFor();
    await p.getByRole('dialog').waitFor({ state: 'hidden' });
    const [pilot] = await server.database.query<{ release: string }>(
      `SELECT release FROM update_rings WHERE name = 'pilot'`,
    );
    expect(pilot?.release).toBe('1.0.0');
    await p.screenshot({ path: '/tmp/rings-refused.png' });
    await expectAccessible(p, 'update-rings-refused');
  });
});
