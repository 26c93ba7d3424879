/**
 * Who is at the PC, end to end in Chromium against a real server on Postgres: the screen locking by
 * itself after the hospital's idle setting, a colleague switching in over a locked screen while the
 * first user's write still waits to upload, two-factor sign-in, and the registry driven by keyboard.
 * The lock screen and the code step are saved under test-results/screens/.
 */
import { generate } from 'otplib';
import { describe, expect, it } from 'vitest';
import { appInChromium, passwordOf, registerAndOpen, signIn } from '../support/app-e2e.ts';
import { expectAccessible, screenshot } from '../support/browser.ts';
import { unwrap } from '../support/result.ts';

describe('sessions at a shared workstation, in Chromium', { timeout: 180_000 }, () => {
  const ids: Record<string, string> = {};
  const app = appInChromium(async (server) => {
    for (const user of ['nurse.ida', 'nurse.ben', 'clerk.kay'])
      ids[user] = await server.createUser(user, 'receptionist');
    ids['dr.otp'] = await server.createUser('dr.otp', 'doctor');
  });
  const { open, station } = app;

  /** Who created the patient in Postgres (null: not uploaded yet). */
  async function createdBy(lastName: string): Promise<string | null> {
    const [row] = await app.server.database.query<{ created_by: string }>(
      'SELECT created_by FROM patients WHERE last_name = $1',
      [lastName],
    );
    return row?.created_by ?? null;
  }

  it('fast user switching: a write made offline uploads under its author after a colleague signs in over the locked screen', async () => {
    const ward = await station('Shared ward PC', 'reception');
    const page = await open(ward);
    // Ben has signed in on this PC before (so it can check his password with the server away).
    await signIn(page, 'nurse.ben');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();

    await signIn(page, 'nurse.ida');
    ward.proxy.cut();
    await registerAndOpen(page, { first: 'Awa', last: 'Switchcase', born: '1984-04-04', phone: '7044044' });
    expect(await page.getByText('not yet synced').count()).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Lock', exact: true }).click();

    // The lock screen: Ida's name is offered, her patient is gone from the screen.
    await page.getByRole('heading', { name: 'Screen locked', exact: true }).waitFor();
    expect(await page.getByLabel('User name').inputValue()).toBe('nurse.ida');
    expect(await page.locator('body').innerText()).not.toContain('Switchcase');
    // The lock is the core's, not only this window's: a second window at this PC (or a reload) gets
    // the sign-in, and the core answers nothing but the public operations.
    const other = await open(ward);
    await other.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
    expect(await other.getByRole('combobox', { name: /Find a patient/ }).count()).toBe(0);
    expect(await other.locator('body').innerText()).not.toContain('Switchcase');
    await other.context().close();

    // Ben switches in over it, without closing the app; the server is still away.
    await page.getByLabel('User name').fill('nurse.ben');
    await page.getByLabel('Password', { exact: true }).fill(passwordOf('nurse.ben'));
    await page.getByRole('button', { name: 'Unlock' }).click();
    const search = page.getByRole('combobox', { name: /Find a patient/ });
    await search.waitFor({ timeout: 20_000 });
    // His session, not hers: his name in the header, the core's user is him, and he starts from the
    // registry rather than on Ida's open chart.
    await page.getByText('nurse.ben Test', { exact: true }).waitFor();
    expect(await page.getByText('nurse.ida Test').count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Awa Switchcase' }).count()).toBe(0);
    expect(ward.host.core?.session.currentUser()).toMatchObject({ username: 'nurse.ben', offline: true });
    await page.getByText('Signed in offline').waitFor();
    // Ida's registration has not left the PC yet.
    expect(await createdBy('Switchcase')).toBeNull();

    // Ben writes too, then the network comes back.
    await registerAndOpen(page, { first: 'Omar', last: 'Benswrite', born: '1975-05-05' });
    ward.proxy.pass();
    await expect.poll(() => createdBy('Switchcase'), { timeout: 30_000 }).toBe(ids['nurse.ida']);
    await expect.poll(() => createdBy('Benswrite'), { timeout: 30_000 }).toBe(ids['nurse.ben']);
    expect(ward.host.core?.session.currentUser()?.username).toBe('nurse.ben');
  });

  it('two-factor sign-in asks for the code after the password, refuses a wrong one at the field, takes the right one', async () => {
    const access = await app.server.login('dr.otp', passwordOf('dr.otp'));
    const call = async (path: string, body: unknown) => {
      const res = await fetch(`${app.server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${access}` },
        body: JSON.stringify(body),
      });
      expect(res.ok, `${path} → ${res.status}`).toBe(true);
      return (await res.json()) as Record<string, unknown>;
    };
    const secret = String((await call('/api/auth/2fa/enroll', {})).secret);
    await call('/api/auth/2fa/confirm', { otp: await generate({ secret }) });

    const clinic = await station('Clinic 2FA', 'reception');
    const page = await open(clinic);
    await page.getByLabel('User name').fill('dr.otp');
    await page.getByLabel('Password', { exact: true }).fill(passwordOf('dr.otp'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    const code = page.getByLabel('6-digit code');
    await code.waitFor({ timeout: 20_000 });
    expect(await page.getByRole('alert').textContent()).toMatch(/6-digit code/);
    expect(clinic.host.core?.session.currentUser()).toBeNull();
    await screenshot(page, 'sign-in-totp');

    // A code that none of the accepted steps (one either side of now) gives.
    const epoch = Math.floor(Date.now() / 1000);
    const valid = await Promise.all([-30, 0, 30, 60].map((d) => generate({ secret, epoch: epoch + d })));
    let wrong = '123456';
    while (valid.includes(wrong)) wrong = String((Number(wrong) + 1) % 1_000_000).padStart(6, '0');
    await code.fill(wrong);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => code.getAttribute('aria-invalid'), { timeout: 20_000 }).toBe('true');
    // Said in words next to the field (its description), the password kept for the next try.
    const describedBy = (await code.getAttribute('aria-describedby')) ?? '';
    const errorId = describedBy.split(' ').find((id) => id.endsWith('-error')) ?? '';
    expect(errorId).not.toBe('');
    expect(await page.locator(`[id="${errorId}"]`).textContent()).toMatch(/not valid/);
    expect(await page.getByLabel('Password', { exact: true }).inputValue()).toBe(passwordOf('dr.otp'));
    expect(await page.getByRole('combobox', { name: /Find a patient/ }).count()).toBe(0);
    expect(clinic.host.core?.session.currentUser()).toBeNull();
    await screenshot(page, 'sign-in-totp-wrong');
    await expectAccessible(page, 'sign-in-totp-wrong');

    // The confirmation took this step's code: the next step's is the one an app would show next.
    await code.fill(await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 }));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('combobox', { name: /Find a patient/ }).waitFor({ timeout: 20_000 });
    expect(clinic.host.core?.session.currentUser()).toMatchObject({ username: 'dr.otp', offline: false });
  });

  it('the registry by keyboard: arrows move the selection, which stays on its patient when sync refreshes the list, and Enter opens that chart', async () => {
    const desk = await station('Keyboard desk', 'reception');
    const page = await open(desk);
    await signIn(page, 'clerk.kay');
    const core = desk.host.core;
    if (!core) throw new Error('not enrolled');
    const add = async (first: string, born: string) => {
      const made = unwrap(
        await core.api.patients.register({
          first_name: first,
          last_name: 'Arrowby',
          date_of_birth: born,
          gender: 'female',
        }),
      );
      if (made.status !== 'registered')
        unwrap(
          await core.api.patients.register({
            first_name: first,
            last_name: 'Arrowby',
            date_of_birth: born,
            gender: 'female',
            confirmedNotDuplicateOf: made.candidates.map((c) => c.patient.id),
          }),
        );
    };
    await add('Binta', '1961-01-11');
    await add('Dawda', '1972-02-12');
    await add('Fatou', '1983-03-13');

    const search = page.getByRole('combobox', { name: /Find a patient/ });
    await search.fill('arrowby');
    const options = page.getByRole('option');
    await expect.poll(() => options.count(), { timeout: 15_000 }).toBe(3);
    const names = (await options.allTextContents()).map((t) => t.match(/^(\w+ Arrowby)/)?.[1]);
    expect(names).toEqual(['Binta Arrowby', 'Dawda Arrowby', 'Fatou Arrowby']);
    const selected = async () => {
      const chosen = page.locator('[role="option"][aria-selected="true"]');
      const [count, text, id, pointed] = await Promise.all([
        chosen.count(),
        chosen.first().textContent(),
        chosen.first().getAttribute('id'),
        search.getAttribute('aria-activedescendant'),
      ]);
      // One option chosen, and the box points assistive technology at that same one.
      return count === 1 && id === pointed ? text?.match(/^(\w+ Arrowby)/)?.[1] : `${count} chosen`;
    };
    await expect.poll(selected).toBe('Binta Arrowby');
    await search.press('ArrowUp');
    await expect.poll(selected).toBe('Binta Arrowby');
    await search.press('ArrowDown');
    await expect.poll(selected).toBe('Dawda Arrowby');
    await search.press('ArrowDown');
    await expect.poll(selected).toBe('Fatou Arrowby');
    await search.press('ArrowDown');
    await expect.poll(selected).toBe('Fatou Arrowby');
    await search.press('ArrowUp');
    await expect.poll(selected).toBe('Dawda Arrowby');
    await search.press('ArrowDown');
    await expect.poll(selected).toBe('Fatou Arrowby');

    // Someone registers another Arrowby meanwhile: the list grows above the chosen row, which stays chosen.
    await add('Ebrima', '1994-04-14');
    await expect.poll(() => options.count(), { timeout: 15_000 }).toBe(4);
    expect((await options.allTextContents()).map((t) => t.match(/^(\w+ Arrowby)/)?.[1])).toEqual([
      'Binta Arrowby',
      'Dawda Arrowby',
      'Ebrima Arrowby',
      'Fatou Arrowby',
    ]);
    await expect.poll(selected).toBe('Fatou Arrowby');

    await search.press('Enter');
    await page.getByRole('heading', { name: 'Fatou Arrowby', exact: true }).waitFor();
    expect(await page.getByRole('heading', { name: /Arrowby/ }).allTextContents()).toEqual(['Fatou Arrowby']);
  });

  // Last: it shortens the hospital's idle setting, which every PC of this server then follows.
  it("locks the screen after the hospital's idle minutes, hides the chart, and the same user unlocks back to it", async () => {
    await app.server.database.query(
      `INSERT INTO system_settings (key, value, category, is_public) VALUES ('security.session_minutes', '2', 'security', true)`,
    );
    const ward = await station('Idle ward PC', 'reception');
    const core = ward.host.core;
    if (!core) throw new Error('not enrolled');
    await expect
      .poll(async () => unwrap(await core.api.session.policy({})).autoLockMinutes, { timeout: 20_000 })
      .toBe(2);

    const page = await open(ward, true);
    await signIn(page, 'nurse.ida');
    await registerAndOpen(page, {
      first: 'Mariama',
      last: 'Idlechart',
      born: '1990-09-09',
      phone: '7099099',
    });
    const chart = page.getByRole('heading', { name: 'Mariama Idlechart', exact: true });
    const mrn =
      (
        (await page
          .getByText(/^P-[A-Z0-9]+-\d{6}/)
          .first()
          .textContent()) ?? ''
      ).split(' ')[0] ?? '';
    expect(mrn).toMatch(/^P-[A-Z0-9]+-\d{6}$/);
    const locked = page.getByRole('heading', { name: 'Screen locked', exact: true });

    // A minute and a half without a touch: still open (the setting is 2, not 1).
    await page.clock.fastForward('01:30');
    // (A lock renders within the timer's own task: the store update is synchronous to React.)
    expect(await locked.count()).toBe(0);
    expect(await chart.isVisible()).toBe(true);
    // A key press starts the count again: another 1½ minutes later it is still open.
    await page.keyboard.press('Shift');
    await page.clock.fastForward('01:30');
    expect(await locked.count()).toBe(0);
    expect(await chart.isVisible()).toBe(true);
    // Two minutes after that last key press (not the 10 minutes of the default), it locks.
    await page.clock.fastForward('00:31');
    await locked.waitFor({ timeout: 15_000 });
    const shown = await page.locator('body').innerText();
    for (const secret of ['Mariama', 'Idlechart', mrn, '7099099']) expect(shown).not.toContain(secret);
    expect(await page.getByRole('combobox', { name: /Find a patient/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    expect(await page.getByLabel('User name').inputValue()).toBe('nurse.ida');
    await screenshot(page, 'lock-screen');
    await expectAccessible(page, 'lock-screen');

    // A wrong password does not open it.
    await page.getByLabel('Password', { exact: true }).fill('not-her-password');
    await page.getByRole('button', { name: 'Unlock' }).click();
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 20_000 }).toMatch(/wrong/);
    expect(await chart.count()).toBe(0);

    // Her password does: back on the chart she had open.
    await page.getByLabel('Password', { exact: true }).fill(passwordOf('nurse.ida'));
    await page.getByRole('button', { name: 'Unlock' }).click();
    await chart.waitFor({ timeout: 20_000 });
    expect(await page.locator('body').innerText()).toContain(mrn);
    expect(core.session.currentUser()?.username).toBe('nurse.ida');
  });
});
