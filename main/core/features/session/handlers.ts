/** Log-in and log-out at this workstation, as operations (main/common/session.ts). */
import { err, ok } from '../../../../db/primitives/index.ts';
import type { session } from '../../../common/session.ts';
import type { DomainHandlers } from '../../registry.ts';
import type { Session } from '../../session.ts';
import { SYSTEM_SETTING, type SystemSettings } from '../../store/system-settings.ts';

/** Until the hospital's own setting has reached this PC. */
const DEFAULT_LOCK_MINUTES = 10;

export function sessionHandlers(core: {
  session: Session;
  settings: SystemSettings;
}): DomainHandlers<typeof session> {
  return {
    policy: () =>
      ok({ autoLockMinutes: core.settings.positiveInt(SYSTEM_SETTING.lockMinutes, DEFAULT_LOCK_MINUTES) }),
    login: async ({ username, password, otp, newPassword }) => {
      const r = await core.session.login(username, password, otp, newPassword);
      if (r.ok) return ok(r.value);
      const { code, message, retryAfterSeconds } = r.error;
      return err(code, message, retryAfterSeconds ? { detail: { retryAfterSeconds } } : {});
    },
    logout: () => {
      core.session.logout();
      return ok(null);
    },
    lock: () => {
      core.session.lock();
      return ok(null);
    },
    current: (_args, ctx) => ok(ctx.user),
  };
}
