/**
 * A fresh Postgres database per test file on the machine's server (127.0.0.1:5432, user postgres,
 * trust auth by default; override with TEST_PG_URL). Dropped when the file's tests finish.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Postgres refuses to drop a database that still has connections. */
const OBJECT_IN_USE = '55006';

export const ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export async function createTestDatabase(
  prefix = 'hms_test',
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      try {
        // pg's Pool.end() resolves before its sockets have closed. Forcing the drop at once would
        // terminate those closing connections, and the FATAL they then receive has no listener
        // left: an uncaught error that fails the whole run. Wait for them first; force only a
        // connection a test really left open.
        for (let attempt = 0; ; attempt++) {
          const force = attempt >= 40 ? ' WITH (FORCE)' : '';
          try {
            await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)}${force}`);
            break;
          } catch (e) {
            if (force || (e as { code?: string }).code !== OBJECT_IN_USE) throw e;
            await new Promise((r) => setTimeout(r, 50));
          }
        }
      } finally {
        await c.end();
      }
    },
  };
}
