/**
 * `npm run reminders -- [--hours 24]`: one reminder pass by hand, as the seeds'
 * `send_appointment_reminders --hours 24` did: plans the messages of every appointment (reminders
 * `--hours` before, default the hospital's setting) and sends those due now, through the configured
 * SMTP relay and Twilio account. Prints the counts; exits 2 when it cannot run. The server does the
 * same by itself every minute; running both at once sends nothing twice.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.ts';
import { openDatabase } from './platform/database.ts';
import { channelsFrom } from './reminders/channels.ts';
import { planReminders } from './reminders/planner.ts';
import { sendDue } from './reminders/sender.ts';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { hours: { type: 'string' } }, strict: true });
  const hours = values.hours === undefined ? undefined : Number(values.hours);
  if (hours !== undefined && !(Number.isFinite(hours) && hours >= 0 && hours <= 24 * 60))
    throw new ConfigError(['--hours: a number of hours between 0 and 1440']);
  const config = loadConfig();
  const database = await openDatabase(
    config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.embeddedDbDir },
  );
  try {
    const now = new Date();
    const planned = await planReminders(
      database.query.bind(database),
      now,
      hours === undefined ? {} : { hoursBefore: hours },
    );
    console.log(
      `planned: ${planned.appointments} appointments, ${planned.created} messages added, ${planned.moved} moved, ${planned.cancelled} cancelled`,
    );
    const sent = await sendDue({ database, channels: channelsFrom(config.messaging), now });
    console.log(
      `sent: ${sent.sent}, to retry: ${sent.retrying}, failed: ${sent.failed}, abandoned mid-send earlier: ${sent.abandoned}`,
    );
    return 0;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(
      e instanceof ConfigError ? e.message : `reminders could not run: ${e instanceof Error ? e.message : e}`,
    );
    process.exit(2);
  },
);
