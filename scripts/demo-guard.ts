/**
 * `npm start` runs a demo with published passwords (`doctor1` / `demo-doctor`…), so it must never
 * face the hospital LAN nor write those accounts into a real database: it listens on loopback only
 * and keeps its own embedded database. Returns why the environment is refused, or null.
 */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export function demoRefusal(env: Record<string, string | undefined>): string | null {
  if (env.HOST !== undefined && !LOOPBACK.has(env.HOST.trim()))
    return `npm start is a demo with published passwords and listens on this machine only: HOST=${env.HOST} is refused (use npm run server for a real server)`;
  if (env.DATABASE_URL)
    return 'npm start keeps its demo accounts in its own embedded database: unset DATABASE_URL (use npm run server against a real Postgres)';
  return null;
}
