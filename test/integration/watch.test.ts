/**
 * The server's watch (issue 10): critical lab results, low stock, expiring batches and due
 * vaccinations become one alert each, with a task and notifications for the person who can act,
 * raised once per cause and closed by themselves when the cause goes, whoever wrote the data.
 */
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Scheduler } from '../../sync-server/jobs/scheduler.ts';
import { WATCH_JOB, watchJob, watchOnce } from '../../sync-server/notify/watch.ts';
import { createLogger } from '../../sync-server/platform/log.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { localRows, stationPool } from '../support/stations.ts';

describe('the watch job', () => {
  let server: TestServer;
  let doctor: string;
  let pharmacists: string[];
  const q = <R>(sql: string, params: unknown[] = []) => server.database.query<R>(sql, params);
  const now = new Date('2031-02-10T08:00:00Z');
  // The scheduler runs it in its job's transaction; outside one, each statement stands alone.
  const watch = (at = now) => watchOnce(server.database.query.bind(server.database), server.database.db, at);
  const alerts = (kind: string) =>
    q<{
      id: string;
      subject_key: string;
      status: string;
      assigned_to: string;
      task_id: string;
      message: string;
    }>(
      `SELECT id::text, subject_key, status, assigned_to::text, task_id::text, message FROM alerts WHERE kind = $1 ORDER BY created_at`,
      [kind],
    );
  const notified = (alertId: string) =>
    q<{ user_id: string; notification_type: string }>(
      `SELECT user_id::text, notification_type FROM notifications WHERE related_id = $1 ORDER BY user_id`,
      [alertId],
    );

  const pool = stationPool(() => server);
  beforeAll(async () => {
    server = await startTestServer();
    await server.createUser('rec.watch', 'receptionist');
    doctor = await server.createUser('dr.watch', 'doctor');
    pharmacists = [
      await server.createUser('ph.one', 'pharmacist'),
      await server.createUser('ph.two', 'pharmacist'),
    ];
  });
  afterAll(async () => {
    await pool.closeAll();
    await server?.close();
  });

  async function patient() {
    const id = uuidv7();
    await q(
      `INSERT INTO patients (id, mrn, first_name, last_name, date_of_birth, gender) VALUES ($1, $2, 'Omar', 'Ceesay', '1990-01-01', 'male')`,
      [id, `P-W-${id.slice(-8)}`],
    );
    return id;
  }

  it('a critical result: one alert for the ordering doctor, a critical notification, a high task; closed once reviewed', async () => {
    const p = await patient();
    const order = uuidv7();
    await q(
      `INSERT INTO lab_orders (id, patient_id, ordered_by, test_name, status) VALUES ($1, $2, $3, 'Potassium', 'resulted')`,
      [order, p, doctor],
    );
    const result = uuidv7();
    await q(
      `INSERT INTO lab_results (id, lab_order_id, patient_id, analyte, value, flag, resulted_by, resulted_at)
       VALUES ($1, $2, $3, 'K', '6.9', 'critical_high', $4, now())`,
      [result, order, p, doctor],
    );
    await watch();
    await watch();
    const [alert, ...more] = await alerts('critical_lab_result');
    expect(more).toEqual([]);
    expect(alert).toMatchObject({ subject_key: result, status: 'open', assigned_to: doctor });
    expect(alert?.message).not.toMatch(/potassium|6\.9|K\b/i);
    expect(await notified(alert?.id as string)).toEqual([
      { user_id: doctor, notification_type: 'critical_lab' },
    ]);
    const [task] = await q<{ priority: string; status: string }>(
      `SELECT priority, status FROM tasks WHERE id = $1`,
      [alert?.task_id],
    );
    expect(task).toEqual({ priority: 'high', status: 'open' });

    await q(
      `UPDATE lab_orders SET status = 'reviewed', reviewed_by = $2, reviewed_at = now() WHERE id = $1`,
      [order, doctor],
    );
    await watch();
    expect((await alerts('critical_lab_result'))[0]?.status).toBe('resolved');
    expect(
      (await q<{ status: string }>(`SELECT status FROM tasks WHERE id = $1`, [alert?.task_id]))[0]?.status,
    ).toBe('done');
  });

  it('low stock and an expiring batch reach the pharmacists once, and close when restocked or used up', async () => {
    const [category] = await q<{ id: string }>(
      `INSERT INTO medication_categories (name) VALUES ('Watch test') RETURNING id::text`,
    );
    const item = uuidv7();
    await q(
      `INSERT INTO medication_items (id, name, category_id, strength, form, reorder_level, unit_price)
       VALUES ($1, 'Amoxicillin 500 (watch)', $2, '500 mg', 'capsule', 10, 500)`,
      [item, category?.id],
    );
    const longBatch = uuidv7();
    const shortBatch = uuidv7();
    await q(
      `INSERT INTO stock_batches (id, medication_item_id, batch_number, expiry_date) VALUES
         ($1, $3, 'LONG-1', '2033-01-01'), ($2, $3, 'SHORT-1', '2031-03-01')`,
      [longBatch, shortBatch, item],
    );
    const move = (batch: string, quantity: number) =>
      q(
        `INSERT INTO stock_movements (stock_batch_id, medication_item_id, movement_type, quantity) VALUES ($1, $2, 'receipt', $3)`,
        [batch, item, quantity],
      );
    await move(longBatch, 4);
    await move(shortBatch, 3);
    // A pharmacy PC where the other pharmacist works, and a reception desk.
    const counter = await pool.station({ name: 'Pharmacy counter', kind: 'pharmacy', user: 'ph.two' });
    const desk = await pool.station({ name: 'Front desk', kind: 'reception', user: 'rec.watch' });
    await watch();
    await watch();
    const low = (await alerts('low_stock')).filter((a) => a.subject_key === item);
    expect(low).toHaveLength(1);
    expect(low[0]).toMatchObject({ status: 'open', assigned_to: pharmacists[0] });
    expect((await notified(low[0]?.id as string)).map((n) => n.user_id).sort()).toEqual(
      [...pharmacists].sort(),
    );
    const expiring = (await alerts('batch_expiring')).filter((a) => a.subject_key === shortBatch);
    expect(expiring).toHaveLength(1);
    expect(expiring[0]?.message).toMatch(/SHORT-1: 3 on hand, expires on 2031-03-01/);
    // Delivered to the pharmacy's PCs, not to the front desk.
    await counter.ws.drain();
    await desk.ws.drain();
    const on = (st: typeof desk) =>
      localRows(
        st,
        `SELECT kind FROM alerts WHERE subject_key IN (?, ?) ORDER BY kind`,
        item,
        shortBatch,
      ).map((r) => r.kind);
    expect(on(counter)).toEqual(['batch_expiring', 'low_stock']);
    expect(on(desk)).toEqual([]);

    await move(longBatch, 40);
    await q(
      `INSERT INTO stock_movements (stock_batch_id, medication_item_id, movement_type, quantity) VALUES ($1, $2, 'dispense', -3)`,
      [shortBatch, item],
    );
    await watch();
    expect((await alerts('low_stock')).find((a) => a.subject_key === item)?.status).toBe('resolved');
    expect((await alerts('batch_expiring')).find((a) => a.subject_key === shortBatch)?.status).toBe(
      'resolved',
    );
  });

  it('runs through the scheduler as the server runs it, and a second pass raises nothing new', async () => {
    const scheduler = new Scheduler(server.database, createLogger('silent'));
    scheduler.add(watchJob({ now: () => now }));
    expect(await scheduler.run(WATCH_JOB)).toMatchObject({ status: 'ran' });
    expect(await scheduler.run(WATCH_JOB)).toMatchObject({ status: 'ran' });
    expect(scheduler.history()[0]?.runs[0]).toMatchObject({
      status: 'ran',
      detail: { raised: 0, closed: 0 },
    });
  });

  it('a due vaccination goes to the doctor the patient last saw; a hand-resolved alert is not raised again at once', async () => {
    const p = await patient();
    await q(
      `INSERT INTO appointments (patient_id, doctor_id, date, time, status) VALUES ($1, $2, '2031-01-05', '09:00', 'completed')`,
      [p, doctor],
    );
    const dose = uuidv7();
    await q(
      `INSERT INTO vaccinations (id, patient_id, vaccine, dose_number, administered_on, next_due_on)
       VALUES ($1, $2, 'Hepatitis B', 1, '2031-01-10', '2031-02-15')`,
      [dose, p],
    );
    await watch();
    const [alert] = (await alerts('vaccination_due')).filter((a) => a.subject_key === dose);
    expect(alert).toMatchObject({ status: 'open', assigned_to: doctor });
    // The doctor dismisses it by hand; the dose is still due: no second alert the next pass.
    await q(`UPDATE alerts SET status = 'resolved', resolved_by = $2, resolved_at = $3 WHERE id = $1`, [
      alert?.id,
      doctor,
      now.toISOString(),
    ]);
    await watch(new Date(now.getTime() + 3_600_000));
    expect((await alerts('vaccination_due')).filter((a) => a.subject_key === dose)).toHaveLength(1);
    // The second dose is given: the cause is gone for good.
    await q(
      `INSERT INTO vaccinations (patient_id, vaccine, dose_number, administered_on) VALUES ($1, 'Hepatitis B', 2, '2031-02-12')`,
      [p],
    );
    await watch(new Date(now.getTime() + 8 * 86_400_000));
    expect((await alerts('vaccination_due')).filter((a) => a.subject_key === dose)).toHaveLength(1);
  });
});
