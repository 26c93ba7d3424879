/** Log-in and log-out at this workstation, as operations (main/common/session.ts). */
import { err, ok } from '../../../../db/primitives/index.ts';
import type { session } from '../../../common/session.ts';
import type { DomainHandlers } from '../../registry.ts';
import type { Session } from '../../session.ts';

export function sessionHandlers(core: { session: Session }): DomainHandlers<typeof session> {
  return {
    login: async ({ username, password, otp }) => {
      const r = await core.session.login(username, password, otp);
      if (r.ok) return ok(r.value);
      const { code, message, retryAfterSeconds } = r.error;
      return err(code, message, retryAfterSeconds ? { detail: { retryAfterSeconds } } : {});
    },
    logout: () => {
      core.session.logout();
      return ok(null);
    },
    current: (_args, ctx) => ok(ctx.user),
  };
}
