/**
 * First start: the six roles exist, and there is an admin. The admin's password comes from
 * `HMS_ADMIN_PASSWORD`, or is generated and handed back to the caller to print once.
 */
import { randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { ROLE_NAMES, type RoleName } from '../../db/schema/accounts.ts';
import * as s from '../../db/schema/pg.ts';
import { appendAudit } from '../auth/audit.ts';
import { hashPassword } from '../auth/passwords.ts';
import { loadServerKeys } from '../auth/secrets.ts';
import type { Config } from '../config.ts';
import type { Database } from '../platform/database.ts';
import { takeLock } from '../platform/locks.ts';

const ROLE_DESCRIPTIONS: Record<RoleName, string> = {
  admin: 'Administers users, roles, workstations, settings and the sync-conflict queue',
  doctor: 'Examines patients, records encounters, prescribes, orders labs',
  nurse: 'Records vitals and nursing notes, works the ward',
  receptionist: 'Registers patients, books appointments, bills and takes payment',
  pharmacist: 'Dispenses prescriptions, manages stock',
  lab_technician: 'Works lab orders and enters results',
};

export interface BootstrapResult {
  /** Set when this call created the admin user. */
  adminCreated: boolean;
  /** The generated password when `HMS_ADMIN_PASSWORD` was not set (print it once; it is not stored). */
  generatedAdminPassword?: string;
}

export async function bootstrap(
  database: Database,
  config: Pick<Config, 'adminPassword' | 'keyDir' | 'jwtSecret'>,
): Promise<BootstrapResult> {
  const db = database.db;
  // The first admin's creation is audited, sealed with the audit key.
  await loadServerKeys(db, config);
  await db
    .insert(s.roles)
    .values(ROLE_NAMES.map((name) => ({ name, description: ROLE_DESCRIPTIONS[name] })))
    .onConflictDoNothing();

  return db.transaction(async (tx) => {
    // Serialises two servers starting on one database at once.
    await takeLock(tx, 'bootstrap');
    const [adminRole] = await tx.select().from(s.roles).where(eq(s.roles.name, 'admin'));
    if (!adminRole) throw new Error('the admin role is missing');
    const admins = await tx
      .select({ id: s.users.id })
      .from(s.users)
      .where(and(eq(s.users.role_id, adminRole.id), isNull(s.users.deleted_at)))
      .limit(1);
    if (admins.length > 0) return { adminCreated: false };
    const taken = await tx.select({ id: s.users.id }).from(s.users).where(eq(s.users.username, 'admin'));
    if (taken.length > 0) return { adminCreated: false };

    const generated = config.adminPassword ? undefined : randomBytes(15).toString('base64url');
    const password = config.adminPassword ?? generated ?? '';
    const [user] = await tx
      .insert(s.users)
      .values({ username: 'admin', first_name: 'System', last_name: 'Administrator', role_id: adminRole.id })
      .returning({ id: s.users.id });
    if (!user) throw new Error('could not create the admin user');
    await tx.insert(s.user_credentials).values({
      user_id: user.id,
      password_hash: await hashPassword(password),
      password_changed_at: new Date().toISOString(),
    });
    await appendAudit(tx, {
      action: 'create',
      object_type: 'users',
      object_id: user.id,
      description: 'first start: created the admin user',
      details: {
        username: 'admin',
        role: 'admin',
        password_source: generated ? 'generated' : 'HMS_ADMIN_PASSWORD',
      },
    });
    return generated ? { adminCreated: true, generatedAdminPassword: generated } : { adminCreated: true };
  });
}
