/**
 * The workstation app end to end: a real sync server on Postgres, workstations in browser mode (the
 * same core and bridge as Electron's), Chromium driven by Playwright, each scenario as its users do it.
 * Screenshots of every main screen go to test-results/screens/.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appInChromium, passwordOf, register, signIn } from '../support/app-e2e.ts';
import { startAppStation } from '../support/app-station.ts';
import { expectAccessible, screenshot } from '../support/browser.ts';
import { fillDisk, mountTmpfs } from '../support/disk.ts';

describe('the workstation app in Chromium', { timeout: 120_000 }, () => {
  const app = appInChromium(async (server) => {
    await server.createUser('rec1', 'receptionist');
    await server.createUser('rec2', 'receptionist');
  });
  const { open, station } = app;

  it('first run: a new PC is enrolled from its setup screen, then asks for a sign-in', async () => {
    const fresh = await startAppStation(app.server, { name: 'New PC', kind: 'reception', enrol: false });
    app.stations.push(fresh);
    const page = await open(fresh);
    await page.getByRole('heading', { name: 'Set up this workstation', exact: true }).waitFor();
    await expectAccessible(page, 'enrolment');
    // A wrong code is refused in words, and the PC stays un-enrolled.
    await page.getByLabel('Sync server address').fill(fresh.serverUrl);
    await page.getByLabel('Enrolment code').fill('WRONG-CODE');
    await page.getByRole('button', { name: 'Enrol this workstation' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/enrolment refused/);
    expect(fresh.host.core).toBeNull();
    await page.getByLabel('Enrolment code').fill(fresh.enrollmentCode);
    await screenshot(page, 'enrolment');
    await page.getByRole('button', { name: 'Enrol this workstation' }).click();
    await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
    expect(fresh.host.state()).toMatchObject({ enrolled: true, server: fresh.serverUrl });
  });

  it('a PC without a secret store opens its data with a passphrase chosen at first start', async () => {
    const locked = await startAppStation(app.server, {
      name: 'No keyring',
      kind: 'reception',
      passphrase: true,
    });
    app.stations.push(locked);
    const page = await open(locked);
    await page.getByRole('heading', { name: "Choose this PC's passphrase", exact: true }).waitFor();
    await expectAccessible(page, 'passphrase');
    await page.getByLabel('Passphrase', { exact: true }).fill('ward b night shift 2026');
    await page.getByLabel('The same passphrase again').fill('ward b night shift 2025');
    await page.getByRole('button', { name: 'Set the passphrase' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('the two passphrases differ');
    await page.getByLabel('Passphrase', { exact: true }).fill('ward b night shift 2026');
    await page.getByLabel('The same passphrase again').fill('ward b night shift 2026');
    await screenshot(page, 'passphrase');
    await page.getByRole('button', { name: 'Set the passphrase' }).click();
    // Unlocked, the PC enrols with the code it was given and asks for a sign-in.
    await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
    expect(locked.host.state()).toMatchObject({ locked: false, enrolled: true });
  });

  it('a receptionist registers a patient on one PC and finds them on another', async () => {
    const desk1 = await station('Desk 1', 'reception');
    const desk2 = await station('Desk 2', 'reception');
    const [p1, p2] = [await open(desk1), await open(desk2)];
    await p1.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
    await screenshot(p1, 'sign-in');
    await expectAccessible(p1, 'sign-in');

    // A wrong password is said in words next to the form, and nothing else changes.
    await p1.getByLabel('User name').fill('rec1');
    await p1.getByLabel('Password', { exact: true }).fill('not-the-password');
    await p1.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => p1.getByRole('alert').textContent()).toMatch(/wrong username or password/);

    await signIn(p1, 'rec1');
    await signIn(p2, 'rec2');
    await register(p1, { first: 'Isatou', last: 'Touray', born: '1988-02-14', phone: '7012345' });
    await p1.getByRole('heading', { name: 'Isatou Touray', exact: true }).waitFor();
    const mrn =
      (
        await p1
          .getByText(/^P-[A-Z0-9]+-\d{6}/)
          .first()
          .textContent()
      )?.split(' ')[0] ?? '';
    expect(mrn).toMatch(/^P-[A-Z0-9]+-\d{6}$/);
    await screenshot(p1, 'chart-receptionist');
    await expectAccessible(p1, 'chart');

    // On the other desk, search as you type finds her once sync brings her in.
    const search = p2.getByRole('combobox', { name: /Find a patient/ });
    // Typed before the row arrives: the list fills in by itself when sync brings it.
    await search.fill('isatou tour');
    await expect.poll(() => p2.getByRole('option').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await expect.poll(() => p2.getByRole('option').first().textContent()).toContain('Isatou Touray');
    await screenshot(p2, 'registry-search');
    await expectAccessible(p2, 'registry');
    // By phone fragment too, and Enter opens the chart.
    await search.fill('7012345');
    await expect.poll(() => p2.getByRole('option').first().textContent()).toContain(mrn);
    await search.press('Enter');
    await p2.getByRole('heading', { name: 'Isatou Touray', exact: true }).waitFor();

    // Registering her again on desk 2 shows the duplicate before anything is saved.
    await p2.getByRole('button', { name: 'Back to search' }).click();
    await register(p2, { first: 'Isatou', last: 'Touray', born: '1988-02-14' });
    const dupes = p2.getByRole('alert', { name: 'Possible duplicates' });
    await dupes.waitFor();
    expect(await dupes.textContent()).toContain('same name and date of birth');
    await screenshot(p2, 'register-duplicates');
    await expectAccessible(p2, 'register');
  });

  it('offline: both desks keep registering and editing, the status bar says so, and they converge; an admin settles the conflict', async () => {
    const desk1 = await station('Desk 3', 'reception');
    const desk2 = await station('Desk 4', 'reception');
    const adminPc = await station('Admin desk', 'admin');
    const [p1, p2, pa] = [await open(desk1), await open(desk2), await open(adminPc)];
    await signIn(p1, 'rec1');
    await signIn(p2, 'rec2');
    await signIn(pa, 'admin');

    await register(p1, { first: 'Lamin', last: 'Sanneh', born: '1979-07-07', phone: '7000001' });
    await p1.getByRole('heading', { name: 'Lamin Sanneh', exact: true }).waitFor();
    const search2 = p2.getByRole('combobox', { name: /Find a patient/ });
    await search2.fill('lamin sanneh');
    await expect.poll(() => p2.getByRole('option').count(), { timeout: 15_000 }).toBe(1);

    desk1.proxy.cut();
    desk2.proxy.cut();
    for (const p of [p1, p2])
      await expect.poll(() => p.getByTestId('sync-state').textContent(), { timeout: 10_000 }).toBe('Offline');

    // Desk 1 edits the phone and registers someone; desk 2 edits the same phone and registers someone.
    await p1.getByRole('button', { name: 'Edit details' }).click();
    await p1.getByLabel('Phone', { exact: true }).fill('7111111');
    await p1.getByRole('button', { name: 'Save changes' }).click();
    await p1.getByRole('heading', { name: 'Lamin Sanneh', exact: true }).waitFor();
    await p1.getByRole('button', { name: 'Back to search' }).click();
    await register(p1, { first: 'Offline', last: 'Oneperson', born: '1990-01-01' });
    await p1.getByRole('heading', { name: 'Offline Oneperson', exact: true }).waitFor();
    expect(await p1.getByText('not yet synced').count()).toBeGreaterThan(0);

    await p2.getByRole('option').first().click();
    await p2.getByRole('button', { name: 'Edit details' }).click();
    await p2.getByLabel('Phone', { exact: true }).fill('7222222');
    await p2.getByRole('button', { name: 'Save changes' }).click();
    await p2.getByRole('heading', { name: 'Lamin Sanneh', exact: true }).waitFor();
    await p2.getByRole('button', { name: 'Back to search' }).click();
    await register(p2, { first: 'Offline', last: 'Twoperson', born: '1991-01-01' });
    await p2.getByRole('heading', { name: 'Offline Twoperson', exact: true }).waitFor();

    await expect
      .poll(() => p1.getByTestId('pending').textContent())
      .toMatch(/^\d+ changes? waiting to send$/);
    await screenshot(p1, 'offline-status-bar');

    desk1.proxy.pass();
    desk2.proxy.pass();
    for (const p of [p1, p2])
      await expect
        .poll(() => p.getByTestId('pending').textContent(), { timeout: 20_000 })
        .toBe('All changes sent');
    // Each desk finds the other's offline registration.
    for (const [p, other] of [
      [p1, 'Twoperson'],
      [p2, 'Oneperson'],
    ] as const) {
      await p.getByRole('button', { name: 'Back to search' }).click();
      await p.getByRole('combobox', { name: /Find a patient/ }).fill(`offline ${other}`);
      await expect.poll(() => p.getByRole('option').count(), { timeout: 15_000 }).toBe(1);
    }

    // The admin sees one conflict, both values side by side, and keeps a merged value.
    await pa.getByRole('button', { name: 'Conflicts', exact: true }).click();
    const card = pa.getByRole('article');
    await expect.poll(() => card.count(), { timeout: 20_000 }).toBe(1);
    const values = [
      await card.getByTestId('local-value').textContent(),
      await card.getByTestId('server-value').textContent(),
    ];
    expect(values.sort()).toEqual(['+220 7111111', '+220 7222222']);
    // Who wrote each value, by name, on which PC, and when: the sent value when it was typed, the
    // server's when it was written, and when the server recorded the conflict.
    expect(await card.getByText('Patient: Phone', { exact: true }).count()).toBe(1);
    const side = async (s: 'local' | 'server') =>
      Promise.all(['author', 'workstation', 'time'].map((k) => card.getByTestId(`${s}-${k}`).textContent()));
    const [local, held] = [await side('local'), await side('server')];
    const byDesk: Record<string, string> = { 'By rec1 Test': 'On Desk 3', 'By rec2 Test': 'On Desk 4' };
    expect([local[0], held[0]].sort()).toEqual(['By rec1 Test', 'By rec2 Test']);
    expect([local[1], held[1]]).toEqual([byDesk[local[0] ?? ''], byDesk[held[0] ?? '']]);
    const recent = /^(just now|\d+ s ago|\d+ min ago)$/;
    expect(local[2]?.replace(/^Typed /, '')).toMatch(recent);
    expect(held[2]?.replace(/^Written /, '')).toMatch(recent);
    expect(await card.getByTestId('conflict-recorded').textContent()).toMatch(
      /recorded by the server (just now|\d+ s ago|\d+ min ago)$/,
    );
    // Each moment is a machine-readable time too, the sent value's no later than the conflict's.
    const times = await card.locator('time').evaluateAll((ts) => ts.map((t) => t.getAttribute('datetime')));
    expect(times).toHaveLength(3);
    expect(times.every((t) => t && !Number.isNaN(Date.parse(t)))).toBe(true);
    await screenshot(pa, 'conflict-queue');
    await expectAccessible(pa, 'conflicts');
    await card.getByText('Enter a merged value').click();
    await card.getByRole('textbox', { name: 'Merged value' }).fill('+220 7333333');
    await card.getByLabel('Why this value').fill('Called the patient: new number');
    await card.getByRole('button', { name: 'Resolve' }).click();
    await expect.poll(() => pa.getByRole('article').count(), { timeout: 10_000 }).toBe(0);

    // Both desks show the resolution on the chart.
    for (const p of [p1, p2]) {
      const box = p.getByRole('combobox', { name: /Find a patient/ });
      await box.fill('lamin sanneh');
      await expect
        .poll(() => p.getByRole('option').first().textContent(), { timeout: 20_000 })
        .toContain('+220 7333333');
    }
  });

  it('a write refused by the server reaches its author with the reason, who discards it with a note', async () => {
    await app.server.createUser('doc1', 'doctor');
    const clinic = await station('Clinic 1', 'reception');
    const page = await open(clinic);
    await signIn(page, 'doc1');
    clinic.proxy.cut();
    await expect
      .poll(() => page.getByTestId('sync-state').textContent(), { timeout: 10_000 })
      .toBe('Offline');
    await register(page, { first: 'Refused', last: 'Writeperson', born: '1970-03-03' });
    await page.getByRole('heading', { name: 'Refused Writeperson', exact: true }).waitFor();
    // Demoted while the registration waits in the outbox.
    await app.server.database.query(
      `UPDATE users SET role_id = (SELECT id FROM roles WHERE name = 'lab_technician') WHERE username = 'doc1'`,
    );
    clinic.proxy.pass();
    const refused = page.getByRole('button', { name: /refused write/ });
    await refused.waitFor({ timeout: 20_000 });
    await refused.click();
    const item = page.getByRole('article').first();
    await expect
      .poll(() => item.getByTestId('refusal-reason').textContent(), { timeout: 15_000 })
      .toMatch(/may not create patients/);
    // The edit-and-retry form names each field as the registration form does, in the box it calls for.
    await expect.poll(() => item.getByLabel('MRN', { exact: true }).inputValue()).toMatch(/^P-/);
    expect(await item.getByLabel('Date of birth').getAttribute('type')).toBe('date');
    expect(await item.getByLabel('Date of birth').inputValue()).toBe('1970-03-03');
    expect(await item.getByRole('combobox', { name: 'Gender' }).inputValue()).toBe('female');
    expect(await item.getByRole('checkbox', { name: 'Reminders by SMS' }).isChecked()).toBe(true);
    expect(await item.textContent()).not.toMatch(/Mrn|Consent sms|first name/);
    await screenshot(page, 'refused-writes');
    await expectAccessible(page, 'refused writes');
    await item.getByLabel(/^Note/).fill('Registered by mistake under my old role; reception will redo it');
    await item.getByRole('button', { name: 'Discard' }).click();
    await page.getByText('Nothing refused.').waitFor({ timeout: 15_000 });
    await expect
      .poll(() => page.getByRole('button', { name: /refused write/ }).count(), { timeout: 15_000 })
      .toBe(0);
  });

  it('a refused field is named next to its box; its author corrects it and the server takes it', async () => {
    await app.server.createUser('doc2', 'doctor');
    const records = await station('Records PC', 'admin');
    const page = await open(records);
    await signIn(page, 'doc2');
    records.proxy.cut();
    await expect
      .poll(() => page.getByTestId('sync-state').textContent(), { timeout: 10_000 })
      .toBe('Offline');
    await page.getByRole('button', { name: 'Register a patient' }).click();
    await page.getByLabel('First name').fill('Fatou');
    await page.getByLabel('Last name').fill('Bloodgroup');
    await page.getByLabel('Date of birth').fill('1982-04-04');
    await page.getByLabel('Blood group').selectOption('O+');
    await page.getByRole('button', { name: /^Register/ }).click();
    await page.getByRole('heading', { name: 'Fatou Bloodgroup', exact: true }).waitFor();
    // Made a receptionist while the registration waits: a receptionist sets no blood group.
    await app.server.database.query(
      `UPDATE users SET role_id = (SELECT id FROM roles WHERE name = 'receptionist') WHERE username = 'doc2'`,
    );
    records.proxy.pass();
    const refused = page.getByRole('button', { name: /refused write/ });
    await refused.waitFor({ timeout: 20_000 });
    await refused.click();
    const item = page.getByRole('article').first();
    await expect
      .poll(() => item.getByTestId('refusal-reason').textContent(), { timeout: 15_000 })
      .toMatch(/Not allowed: receptionist may not create blood group$/);
    // The reason, in words, under the box it concerns.
    const blood = item.getByRole('combobox', { name: 'Blood group' });
    expect(await blood.inputValue()).toBe('O+');
    expect(await blood.getAttribute('aria-invalid')).toBe('true');
    const said = (await blood.getAttribute('aria-describedby'))?.split(' ') ?? [];
    const described = await Promise.all(said.map((id) => page.locator(`[id="${id}"]`).textContent()));
    expect(described).toContain('receptionist may not create blood group');
    await screenshot(page, 'refused-field');
    await expectAccessible(page, 'refused field');
    await blood.selectOption('');
    await item.getByLabel(/^Note/).fill('Blood group to be recorded by the ward');
    await item.getByRole('button', { name: 'Correct and send again' }).click();
    await page.getByText('Nothing refused.').waitFor({ timeout: 20_000 });
    await expect
      .poll(
        async () =>
          await app.server.database.query(`SELECT blood_group FROM patients WHERE last_name = 'Bloodgroup'`),
        { timeout: 15_000 },
      )
      .toEqual([{ blood_group: null }]);
  });

  it('a desk whose disk fills up says so, refuses new work with the reason, and carries on once space is freed', async () => {
    const disk = mountTmpfs('24m');
    const filler = join(disk.dir, 'filler');
    try {
      const s = await startAppStation(app.server, {
        name: 'Desk with a small disk',
        kind: 'reception',
        dir: join(disk.dir, 'data'),
      });
      app.stations.push(s);
      await s.host.core?.drain();
      const page = await open(s);
      await signIn(page, 'rec1');
      fillDisk(filler);
      await register(page, { first: 'Kaddy', last: 'Sanneh', born: '1991-11-11' });
      await expect
        .poll(() =>
          page
            .getByRole('alert')
            .filter({ hasText: /disk is full/ })
            .count(),
        )
        .toBeGreaterThan(0);
      await page.getByTestId('storage-fault').filter({ hasText: 'Disk full' }).waitFor();
      await screenshot(page, 'disk-full');
      rmSync(filler);
      await page.getByRole('button', { name: /^Register/ }).click();
      await page.getByRole('button', { name: 'Edit details' }).waitFor();
      await page.getByTestId('storage-fault').waitFor({ state: 'detached' });
    } finally {
      rmSync(filler, { force: true });
      // The station is closed with the others; the mount goes lazily once its files are closed.
      disk.unmount();
    }
  });

  it('signs in a known user offline, refuses an unknown one, and a revoked PC says so and keeps its data', async () => {
    const ward = await station('Desk 5', 'reception');
    const page = await open(ward);
    await signIn(page, 'rec1');
    await register(page, { first: 'Kept', last: 'Locally', born: '1965-05-05' });
    await page.getByRole('heading', { name: 'Kept Locally', exact: true }).waitFor();
    await expect
      .poll(() => page.getByTestId('pending').textContent(), { timeout: 15_000 })
      .toBe('All changes sent');
    await page.getByRole('button', { name: 'Sign out' }).click();

    ward.proxy.cut();
    // rec2 never signed in here: nothing to check the password against.
    await page.getByLabel('User name').fill('rec2');
    await page.getByLabel('Password', { exact: true }).fill(passwordOf('rec2'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 15_000 }).toMatch(/./);
    expect(await page.getByRole('alert').textContent()).not.toMatch(/wrong username or password/i);
    // rec1 did: signed in offline, and the status bar says so.
    await signIn(page, 'rec1');
    await page.getByText('Signed in offline').waitFor();
    await screenshot(page, 'offline-sign-in');
    ward.proxy.pass();

    await app.server.admin('POST', `/api/workstations/${ward.id}/revoke`);
    await expect
      .poll(() => page.getByTestId('sync-state').textContent(), { timeout: 20_000 })
      .toMatch(/revoked/);
    // A revoked PC has no streams left; it is not downloading, and the status bar does not say so.
    await expect
      .poll(() => page.getByRole('status', { name: 'First download' }).count(), { timeout: 10_000 })
      .toBe(0);
    await page.getByRole('combobox', { name: /Find a patient/ }).fill('kept locally');
    await expect.poll(() => page.getByRole('option').count(), { timeout: 10_000 }).toBe(1);
    await screenshot(page, 'revoked');
  });

  it('a user whose password an admin reset chooses their own as they sign in', async () => {
    const id = await app.server.createUser('rec3', 'receptionist');
    await app.server.admin('PATCH', `/api/users/${id}`, { password: 'given by the admin 42' });
    const desk = await station('Desk 7', 'reception');
    const page = await open(desk);
    await page.getByLabel('User name').fill('rec3');
    await page.getByLabel('Password', { exact: true }).fill('given by the admin 42');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('New password', { exact: true }).waitFor();
    // A weak one is refused at once, in words.
    await page.getByLabel('New password', { exact: true }).fill('password1234');
    await page.getByLabel('New password again').fill('password1234');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText(/most common passwords/).waitFor();
    await screenshot(page, 'password-reset');
    await expectAccessible(page, 'password reset');
    await page.getByLabel('New password', { exact: true }).fill('a quiet harbour at dawn');
    await page.getByLabel('New password again').fill('a quiet harbour at dawn');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('combobox', { name: /Find a patient/ }).waitFor();
  });

  it('an admin creates a user, registers a PC whose code enrols it, and checks the audit chain', async () => {
    const adminPc = await station('Admin desk 2', 'admin');
    const page = await open(adminPc);
    await signIn(page, 'admin');

    await page.getByRole('button', { name: 'Users', exact: true }).click();
    const form = page.getByRole('form', { name: 'New user' });
    await form.getByLabel('User name').fill('clerk9');
    await form.getByLabel('First name').fill('Ousman');
    await form.getByLabel('Last name').fill('Ceesay');
    await form.getByLabel('Role').selectOption('receptionist');
    await form.getByLabel('First password').fill('short');
    await form.getByRole('button', { name: 'Create user' }).click();
    await expect.poll(() => form.textContent()).toContain('at least 12 characters');
    await form.getByLabel('First password').fill('clerk9-first-password');
    await form.getByRole('button', { name: 'Create user' }).click();
    await page.getByText('Created clerk9.').waitFor();
    await expect.poll(() => page.getByRole('table', { name: 'Users' }).textContent()).toContain('clerk9');
    await screenshot(page, 'admin-users');
    await expectAccessible(page, 'users');
    expect(await app.server.login('clerk9', 'clerk9-first-password')).toBeTruthy();

    await page.getByRole('button', { name: 'Workstations', exact: true }).click();
    await page.getByLabel('Name').fill('Front desk 9');
    await page.getByRole('button', { name: 'Register and get a code' }).click();
    const code = (await page.getByTestId('enrolment-code').textContent()) ?? '';
    expect(code.length).toBeGreaterThan(5);
    await screenshot(page, 'admin-workstations');
    await expectAccessible(page, 'workstations');
    // The code enrols a brand-new PC from its set-up screen, and the new user signs in there.
    const fresh = await startAppStation(app.server, { name: 'unused', kind: 'reception', enrol: false });
    app.stations.push(fresh);
    const newPc = await open(fresh);
    await newPc.getByLabel('Sync server address').fill(fresh.serverUrl);
    await newPc.getByLabel('Enrolment code').fill(code);
    await newPc.getByRole('button', { name: 'Enrol this workstation' }).click();
    await newPc.getByLabel('User name').fill('clerk9');
    await newPc.getByLabel('Password', { exact: true }).fill('clerk9-first-password');
    await newPc.getByRole('button', { name: 'Sign in' }).click();
    await newPc.getByRole('combobox', { name: /Find a patient/ }).waitFor();
    expect(fresh.host.state().workstationCode).toBeTruthy();

    // The admin changes what that PC holds: it becomes a lab PC, on the server and in the list.
    const row = page.getByRole('row', { name: /Front desk 9/ });
    await row.getByRole('button', { name: 'Change what it holds' }).click();
    await row.getByLabel('New kind').selectOption('lab');
    await screenshot(page, 'admin-workstation-rescope');
    await row.getByRole('button', { name: 'Save' }).click();
    // The list reloads once the server has the change (it also re-scopes that PC's shapes: give it time).
    await expect.poll(() => row.getByRole('cell').nth(2).textContent(), { timeout: 15_000 }).toBe('lab');
    const [rescoped] = await app.server.database.query<{ kind: string }>(
      `SELECT kind FROM workstations WHERE name = 'Front desk 9'`,
    );
    expect(rescoped?.kind).toBe('lab');

    await page.getByRole('button', { name: 'Audit', exact: true }).click();
    await page.getByRole('button', { name: 'Check the chain' }).click();
    await expect
      .poll(() => page.getByTestId('chain-check').textContent())
      .toMatch(/^Intact: all \d+ entries/);
    await expect
      .poll(() => page.getByRole('table', { name: 'Audit trail' }).textContent())
      .toContain('created user clerk9');
    await screenshot(page, 'admin-audit');
    await expectAccessible(page, 'audit');
    await page.getByText('Sign-in activity').click();
    await page.getByLabel('User name').fill('clerk9');
    await expect
      .poll(() => page.getByRole('table', { name: 'Sign-in activity' }).textContent())
      .toContain('success');
  });
});
