/**
 * Record flows end to end (issue 7), as their users do them in Chromium against a real sync server on
 * Postgres: two records of one person merged (requested at the desk, completed by an admin, re-pointed
 * by the server); refused writes corrected and sent again, or discarded with a note, by their author;
 * and the admin's Users screen (create, role, disable, password reset, a role-change request).
 * Each effect is checked where it lands (Postgres) and where people see it (the screens).
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appInChromium, passwordOf, register, signIn, typeCredentials } from '../support/app-e2e.ts';
import { expectAccessible, screenshot } from '../support/browser.ts';

describe('record flows in Chromium', { timeout: 180_000 }, () => {
  const app = appInChromium(async (server) => {
    await server.createUser('rec1', 'receptionist');
  });
  const { open, station } = app;

  async function allSent(page: Page) {
    await expect
      .poll(() => page.getByTestId('pending').textContent(), { timeout: 30_000 })
      .toBe('All changes sent');
  }

  /** The registry's hits for `query`, as their text, once the list answers that query. */
  async function hitsFor(page: Page, query: string): Promise<string[]> {
    await page.getByRole('combobox', { name: /Find a patient/ }).fill(query);
    await page.locator(`[role="listbox"][data-query="${query}"]`).waitFor({ state: 'attached' });
    return page.getByRole('option').allTextContents();
  }

  it('two records of one person: the desk asks for a merge, an admin completes it, the server re-points and the desk finds one record', async () => {
    await app.server.createUser('doc9', 'doctor');
    const desk = await station('Merge desk', 'reception');
    const adminPc = await station('Merge admin desk', 'admin');
    const [pr, pa] = [await open(desk), await open(adminPc)];
    await signIn(pr, 'rec1');
    await signIn(pa, 'admin');

    // The same woman registered twice: the second time past the duplicate warning, with a new phone.
    await register(pr, { first: 'Fatoumata', last: 'Bojang', born: '1984-09-30', phone: '7040001' });
    await pr.getByRole('heading', { name: 'Fatoumata Bojang', exact: true }).waitFor();
    await pr.getByRole('button', { name: 'Back to search' }).click();
    await register(pr, { first: 'Fatoumata', last: 'Bojang', born: '1984-09-30', phone: '7040002' });
    await pr.getByRole('alert', { name: 'Possible duplicates' }).waitFor();
    await pr.getByRole('button', { name: 'Register as a new patient' }).click();
    await pr.getByRole('heading', { name: 'Fatoumata Bojang', exact: true }).waitFor();
    await allSent(pr);
    const records = await app.server.database.query<{ id: string; mrn: string; phone: string }>(
      `SELECT id::text AS id, mrn, phone FROM patients WHERE last_name = 'Bojang' ORDER BY phone`,
    );
    expect(records.map((r) => r.phone)).toEqual(['+220 7040001', '+220 7040002']);
    const [keep, lose] = records as [(typeof records)[0], (typeof records)[0]];
    // A visit was booked on the second record: the merge must move it.
    const [doctor] = await app.server.database.query<{ id: string }>(
      `SELECT id::text AS id FROM users WHERE username = 'doc9'`,
    );
    const [appointment] = await app.server.database.query<{ id: string }>(
      `INSERT INTO appointments (patient_id, doctor_id, date, time, reason)
       VALUES ($1, $2, '2026-03-02', '09:30', 'follow-up') RETURNING id::text AS id`,
      [lose.id, doctor?.id],
    );

    // The desk finds both, opens the second, and asks for a merge into the first.
    await pr.getByRole('button', { name: 'Back to search' }).click();
    await expect.poll(() => hitsFor(pr, 'fatoumata bojang'), { timeout: 15_000 }).toHaveLength(2);
    await pr.getByRole('option').filter({ hasText: lose.mrn }).click();
    await pr.getByRole('heading', { name: 'Fatoumata Bojang', exact: true }).waitFor();
    expect(await pr.getByText(lose.mrn).count()).toBeGreaterThan(0);
    await pr.getByRole('button', { name: 'Same person as another record…' }).click();
    const dialog = pr.getByRole('dialog', { name: 'Request a merge' });
    await dialog.getByLabel('Find the other record').fill('fatoumata');
    const other = dialog.getByRole('button', { name: new RegExp(keep.mrn) });
    await other.waitFor({ timeout: 15_000 });
    // The record being looked at is not offered as its own twin.
    expect(await dialog.getByRole('button', { name: new RegExp(lose.mrn) }).count()).toBe(0);
    await other.click();
    await dialog.getByRole('radio', { name: new RegExp(keep.mrn) }).check();
    await dialog
      .getByLabel('Why are these the same person?')
      .fill('Same woman: registered again at her second visit with her new phone');
    await screenshot(pr, 'merge-request-dialog');
    await expectAccessible(pr, 'merge-request-dialog');
    await dialog.getByRole('button', { name: 'Request the merge' }).click();
    await expect
      .poll(() => dialog.getByRole('status').textContent())
      .toMatch(/^Merge requested\. An administrator completes it/);
    await screenshot(pr, 'merge-requested');
    await dialog.getByRole('button', { name: 'Close' }).click();
    // Until an admin acts, the chart says the merge waits, and nothing has moved.
    await pr.getByRole('region', { name: 'Merge request' }).waitFor({ timeout: 15_000 });
    await allSent(pr);
    const [requested] = await app.server.database.query<{
      id: string;
      survivor_id: string;
      merged_id: string;
      status: string;
      reason: string;
    }>(
      `SELECT id::text AS id, survivor_id::text AS survivor_id, merged_id::text AS merged_id, status, reason
       FROM patient_merges`,
    );
    expect(requested).toMatchObject({
      survivor_id: keep.id,
      merged_id: lose.id,
      status: 'requested',
      reason: 'Same woman: registered again at her second visit with her new phone',
    });
    const untouched = await app.server.database.query<{ merged_into_id: string | null }>(
      `SELECT merged_into_id::text AS merged_into_id FROM patients WHERE id = $1`,
      [lose.id],
    );
    expect(untouched).toEqual([{ merged_into_id: null }]);

    // The admin opens the record to be merged, sees the request and its reason, and completes it.
    await expect.poll(() => hitsFor(pa, 'fatoumata bojang'), { timeout: 20_000 }).toHaveLength(2);
    await pa.getByRole('option').filter({ hasText: lose.mrn }).click();
    const request = pa.getByRole('region', { name: 'Merge request' });
    await request.waitFor({ timeout: 20_000 });
    expect(await request.textContent()).toContain(
      'Why: Same woman: registered again at her second visit with her new phone',
    );
    expect(await request.textContent()).toContain('This record is to be merged into another');
    await request.getByLabel('Review note').fill('Checked her ID card at the desk');
    await screenshot(pa, 'merge-review');
    await expectAccessible(pa, 'merge-review');
    await request.getByRole('button', { name: 'Complete the merge' }).click();
    await expect.poll(() => pa.getByRole('status').filter({ hasText: 'Merge completed' }).count()).toBe(1);

    // The server merged: the loser points at the survivor, the visit moved, the audit trail says so.
    await expect
      .poll(
        async () =>
          (
            await app.server.database.query<{ merged_into_id: string | null }>(
              `SELECT merged_into_id::text AS merged_into_id FROM patients WHERE id = $1`,
              [lose.id],
            )
          )[0]?.merged_into_id,
        { timeout: 30_000 },
      )
      .toBe(keep.id);
    const [survivor] = await app.server.database.query<{ merged_into_id: string | null }>(
      `SELECT merged_into_id::text AS merged_into_id FROM patients WHERE id = $1`,
      [keep.id],
    );
    expect(survivor?.merged_into_id).toBeNull();
    const [moved] = await app.server.database.query<{ patient_id: string }>(
      `SELECT patient_id::text AS patient_id FROM appointments WHERE id = $1`,
      [appointment?.id],
    );
    expect(moved?.patient_id).toBe(keep.id);
    const [merge] = await app.server.database.query<{
      status: string;
      review_note: string | null;
      by: string;
    }>(
      `SELECT m.status, m.review_note, u.username AS by FROM patient_merges m JOIN users u ON u.id = m.reviewed_by
       WHERE m.id = $1`,
      [requested?.id],
    );
    expect(merge).toEqual({
      status: 'completed',
      review_note: 'Checked her ID card at the desk',
      by: 'admin',
    });
    const audit = await app.server.database.query<{ object_id: string; details: Record<string, unknown> }>(
      `SELECT a.object_id, a.details FROM audit_log a JOIN users u ON u.id = a.user_id
       WHERE a.action = 'merge' AND a.object_type = 'patients' AND u.username = 'admin'`,
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]?.object_id).toBe(lose.id);
    expect(audit[0]?.details).toMatchObject({
      survivor_id: keep.id,
      merged_id: lose.id,
      repointed: { 'appointments.patient_id': 1 },
    });

    // The admin's chart of the merged record now says where it lives on.
    await pa.getByText('This record was merged').waitFor({ timeout: 30_000 });
    // And the desk's registry finds her once: the survivor, with her first phone.
    await pr.getByRole('button', { name: 'Back to search' }).click();
    await expect.poll(() => hitsFor(pr, 'fatoumata bojang'), { timeout: 30_000 }).toHaveLength(1);
    const [hit] = await pr.getByRole('option').allTextContents();
    expect(hit).toContain(keep.mrn);
    expect(hit).not.toContain(lose.mrn);
    await screenshot(pr, 'merge-registry-after');
  });

  /** The refused write whose first-name box holds `first` (the list re-renders: find it afresh). */
  function refusedOf(page: Page, first: string): Locator {
    return page.getByRole('article').filter({ has: page.locator(`input[value="${first}"]`) });
  }

  it('refused writes: the author corrects one and sends it again (it lands as corrected) and discards another with a note', async () => {
    const docId = await app.server.createUser('doc2', 'doctor');
    const clinic = await station('Clinic 2', 'reception');
    const page = await open(clinic);
    await signIn(page, 'doc2');
    clinic.proxy.cut();
    await expect
      .poll(() => page.getByTestId('sync-state').textContent(), { timeout: 10_000 })
      .toBe('Offline');
    await register(page, { first: 'Retried', last: 'Kujabi', born: '1972-06-06', phone: '7050001' });
    await page.getByRole('heading', { name: 'Retried Kujabi', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Back to search' }).click();
    await register(page, { first: 'Discarded', last: 'Kujabi', born: '1973-07-07' });
    await page.getByRole('heading', { name: 'Discarded Kujabi', exact: true }).waitFor();
    // Demoted while both registrations wait in the outbox: the server refuses them.
    await app.server.database.query(
      `UPDATE users SET role_id = (SELECT id FROM roles WHERE name = 'lab_technician') WHERE username = 'doc2'`,
    );
    clinic.proxy.pass();
    const badge = page.getByRole('button', { name: /refused write/ });
    await badge.waitFor({ timeout: 20_000 });
    await badge.click();
    const retried = refusedOf(page, 'Retried');
    const discarded = refusedOf(page, 'Discarded');
    for (const item of [retried, discarded])
      await expect
        .poll(() => item.getByTestId('refusal-reason').textContent(), { timeout: 20_000 })
        .toMatch(/may not create patients/);
    expect(await page.getByRole('article').first().textContent()).toMatch(/by doc2 Test/);
    const landed = () =>
      app.server.database.query<{ first_name: string; phone: string | null }>(
        `SELECT first_name, phone FROM patients WHERE last_name = 'Kujabi' ORDER BY first_name`,
      );
    expect(await landed()).toEqual([]);
    const quarantined = () =>
      app.server.database.query<{
        first_name: string;
        status: string;
        review_note: string | null;
        by: string | null;
      }>(
        `SELECT q.payload->'data'->>'first_name' AS first_name, q.status, q.review_note, u.username AS by
         FROM quarantined_mutations q LEFT JOIN users u ON u.id = q.reviewed_by
         WHERE q.table_name = 'patients' ORDER BY 1`,
      );
    expect(await quarantined()).toEqual([
      { first_name: 'Discarded', status: 'open', review_note: null, by: null },
      { first_name: 'Retried', status: 'open', review_note: null, by: null },
    ]);

    // Her role is given back; she corrects the phone on one and sends it again.
    await app.server.admin('PATCH', `/api/users/${docId}`, { role: 'doctor' });
    await retried.getByLabel(/^phone$/i).fill('+220 7050099');
    await retried.getByLabel(/^Note/).fill('My role is back; the phone was wrong too');
    await screenshot(page, 'refused-write-corrected');
    await expectAccessible(page, 'refused-write-corrected');
    await retried.getByRole('button', { name: /send again/i }).click();
    await expect
      .poll(async () => (await landed()).filter((p) => p.first_name === 'Retried'), { timeout: 30_000 })
      .toEqual([{ first_name: 'Retried', phone: '+220 7050099' }]);
    await expect.poll(() => retried.count(), { timeout: 20_000 }).toBe(0);

    // The other she discards, saying why: the server's record is dismissed with her note, nothing lands.
    await discarded.getByLabel(/^Note/).fill('Registered twice by mistake; the desk has her');
    await discarded.getByRole('button', { name: 'Discard' }).click();
    await page.getByText('Nothing refused.').waitFor({ timeout: 20_000 });
    await expect
      .poll(() => page.getByRole('button', { name: /refused write/ }).count(), { timeout: 15_000 })
      .toBe(0);
    await allSent(page);
    await expect.poll(quarantined, { timeout: 20_000 }).toEqual([
      {
        first_name: 'Discarded',
        status: 'dismissed',
        review_note: 'Registered twice by mistake; the desk has her',
        by: 'doc2',
      },
      {
        first_name: 'Retried',
        status: 'reapplied',
        review_note: 'My role is back; the phone was wrong too',
        by: 'doc2',
      },
    ]);
    expect(await landed()).toEqual([{ first_name: 'Retried', phone: '+220 7050099' }]);
  });

  it("the admin's Users screen: create, change a role, disable (who then cannot sign in), reset a password (changed at next sign-in), approve a role request", async () => {
    await app.server.createUser('rec7', 'receptionist');
    await app.server.createUser('rec8', 'receptionist');
    await app.server.createUser('rec9', 'receptionist');
    const adminPc = await station('Users admin desk', 'admin');
    const desk = await station('Users desk', 'reception');
    const [pa, pd] = [await open(adminPc), await open(desk)];
    // rec7 has worked on the desk before: the PC could sign them in from its own copy.
    await signIn(pd, 'rec7');
    await pd.getByRole('button', { name: 'Sign out' }).click();
    await pd.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
    // rec9 asks to become a nurse (as the user, through the server's API: no screen for it yet).
    const rec9 = await app.server.login('rec9', passwordOf('rec9'));
    const asked = await fetch(`${app.server.url}/api/role-change-requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${rec9}`, 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'nurse', reason: 'Qualified as a nurse in June' }),
    });
    expect(asked.status).toBe(201);

    await signIn(pa, 'admin');
    await pa.getByRole('button', { name: 'Users', exact: true }).click();
    const table = pa.getByRole('table', { name: 'Users' });
    const row = (user: string) => table.getByRole('row').filter({ hasText: new RegExp(`^${user}`) });
    const said = (text: string) => pa.getByRole('status').filter({ hasText: text }).waitFor();
    const userRow = async (username: string) =>
      (
        await app.server.database.query<{ role: string; is_active: boolean; must_change: boolean | null }>(
          `SELECT r.name AS role, u.is_active, c.must_change_password AS must_change
           FROM users u JOIN roles r ON r.id = u.role_id LEFT JOIN user_credentials c ON c.user_id = u.id
           WHERE u.username = $1`,
          [username],
        )
      )[0];

    // Create a lab technician.
    const form = pa.getByRole('form', { name: 'New user' });
    await form.getByLabel('User name').fill('lab5');
    await form.getByLabel('First name').fill('Modou');
    await form.getByLabel('Last name').fill('Jatta');
    await form.getByLabel('Role').selectOption('lab_technician');
    await form.getByLabel('First password').fill('lab5-first-password');
    await form.getByRole('button', { name: 'Create user' }).click();
    await pa.getByText('Created lab5.').waitFor();
    await row('lab5').waitFor();
    expect(await userRow('lab5')).toEqual({ role: 'lab_technician', is_active: true, must_change: false });

    // Change its role: a pharmacist.
    await row('lab5').getByRole('combobox', { name: 'Role of lab5' }).selectOption('pharmacist');
    await said('lab5 is now pharmacist');
    expect((await userRow('lab5'))?.role).toBe('pharmacist');
    await expect
      .poll(() => row('lab5').getByRole('combobox', { name: 'Role of lab5' }).inputValue())
      .toBe('pharmacist');

    // Disable rec7: the row says so, the server refuses them, and so does the desk that knew them.
    await row('rec7').getByRole('button', { name: 'Disable' }).click();
    await said('rec7 disabled');
    await expect.poll(() => row('rec7').getByText('disabled', { exact: true }).count()).toBe(1);
    expect((await userRow('rec7'))?.is_active).toBe(false);
    await typeCredentials(pd, 'rec7');
    await expect
      .poll(() => pd.getByRole('alert').textContent(), { timeout: 15_000 })
      .toMatch(/account (is|has been) disabled/);
    expect(await pd.getByRole('combobox', { name: /Find a patient/ }).count()).toBe(0);
    await screenshot(pd, 'users-disabled-sign-in');

    // Reset rec8's password: handed over in person, and rec8 must choose their own at sign-in.
    await row('rec8').getByLabel('New password for rec8').fill('handed over at the desk 8');
    await row('rec8').getByRole('button', { name: 'Reset password' }).click();
    await said('password of rec8 reset');
    expect((await userRow('rec8'))?.must_change).toBe(true);
    await expect(app.server.login('rec8', passwordOf('rec8'))).rejects.toThrow(/401/);
    await typeCredentials(pd, 'rec8', 'handed over at the desk 8');
    await pd.getByLabel('New password', { exact: true }).fill('a long walk by the river');
    await pd.getByLabel('New password again').fill('a long walk by the river');
    await pd.getByRole('button', { name: 'Sign in' }).click();
    await pd.getByRole('combobox', { name: /Find a patient/ }).waitFor({ timeout: 15_000 });
    expect((await userRow('rec8'))?.must_change).toBe(false);
    expect(await app.server.login('rec8', 'a long walk by the river')).toBeTruthy();

    // rec9's request is listed by name, with its reason; the admin approves it with a note.
    await pa.getByRole('button', { name: 'Workstations', exact: true }).click();
    await pa.getByRole('button', { name: 'Users', exact: true }).click();
    const requests = pa.getByRole('region', { name: 'Role-change requests' });
    await expect
      .poll(() => requests.textContent(), { timeout: 15_000 })
      .toContain('rec9 Test (rec9, receptionist) asks to become nurse: Qualified as a nurse in June');
    await requests.getByLabel('Review note').fill('Certificate seen');
    await screenshot(pa, 'users-screen');
    await requests.getByRole('button', { name: 'Approve' }).click();
    await said('request approved');
    await expect.poll(() => requests.count()).toBe(0);
    await expect
      .poll(() => row('rec9').getByRole('combobox', { name: 'Role of rec9' }).inputValue())
      .toBe('nurse');
    expect((await userRow('rec9'))?.role).toBe('nurse');
    const [approved] = await app.server.database.query<{ status: string; review_notes: string; by: string }>(
      `SELECT q.status, q.review_notes, u.username AS by FROM role_change_requests q
       JOIN users u ON u.id = q.reviewed_by`,
    );
    expect(approved).toEqual({ status: 'approved', review_notes: 'Certificate seen', by: 'admin' });
    const audit = await app.server.database.query<{ description: string }>(
      `SELECT description FROM audit_log WHERE object_type IN ('users', 'role_change_requests')
       AND user_id = (SELECT id FROM users WHERE username = 'admin') ORDER BY seq`,
    );
    expect(audit.map((a) => a.description)).toEqual(
      expect.arrayContaining([
        'created user lab5',
        'updated user lab5',
        'updated user rec7',
        'updated user rec8',
        'approved role-change request',
      ]),
    );
    await screenshot(pa, 'users-screen-after');
    await expectAccessible(pa, 'users-screen-after');
  });
});
