/**
 * The admin's operations (main/common/admin.ts) as calls to the server, made as the signed-in user:
 * the server owns accounts, workstations and the audit trail, and decides who may. An answer it
 * refuses comes back with its reason and the fields at fault; no network, or an offline sign-in,
 * says so in words (admin work cannot wait in the outbox: a user must exist before they sign in).
 */
import { err, ok } from '../../../../db/primitives/index.ts';
import { errorBodyOf } from '../../../../db/sync-contract.ts';
import type { admin } from '../../../common/admin.ts';
import type { Envelope } from '../../../common/index.ts';
import type { DomainHandlers } from '../../registry.ts';
import type { Session } from '../../session.ts';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT';

/** The server's answer as an envelope: its value (picked by `pick`) or its refusal. */
export async function callServer<T>(
  session: Pick<Session, 'requestAsUser'>,
  method: Method,
  path: string,
  body: unknown,
  pick: (body: Record<string, unknown>) => unknown,
): Promise<Envelope<T>> {
  const answer = await session.requestAsUser(method, path, body);
  if (answer.kind === 'offline')
    return err(
      'offline',
      'the server cannot be reached; admin work needs it: try again when the status bar says Online',
    );
  if (answer.kind === 'no_session')
    return err(
      'needs_online_sign_in',
      'sign in again while the server can be reached: admin work is done on the server',
    );
  if (answer.status >= 400) {
    const e = errorBodyOf(answer.body);
    if (answer.status === 403) return err('forbidden', 'only an administrator may do this');
    return err(e?.error ?? 'refused', e?.message ?? `the server refused (HTTP ${answer.status})`, {
      ...(e?.issues ? { issues: e.issues } : {}),
    });
  }
  return ok(pick((answer.body ?? {}) as Record<string, unknown>) as T);
}

const query = (params: Record<string, string | number | undefined>) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const text = q.toString();
  return text ? `?${text}` : '';
};

export function adminHandlers(core: {
  session: Pick<Session, 'requestAsUser'>;
}): DomainHandlers<typeof admin> {
  const call = <T>(
    method: Method,
    path: string,
    body: unknown,
    pick: (b: Record<string, unknown>) => unknown,
  ) => callServer<T>(core.session, method, path, body, pick);
  return {
    users: ({ query: q }) => call('GET', `/api/users${query({ q, limit: 500 })}`, undefined, (b) => b.users),
    createUser: (args) => call('POST', '/api/users', args, (b) => b.user),
    updateUser: ({ id, ...changes }) => call('PATCH', `/api/users/${id}`, changes, (b) => b.user),
    roleRequests: ({ status }) =>
      call('GET', `/api/role-change-requests${query({ status })}`, undefined, (b) => b.requests),
    reviewRoleRequest: ({ id, decision, note }) =>
      call(
        'POST',
        `/api/role-change-requests/${id}/${decision}`,
        note ? { review_notes: note } : {},
        (b) => b.request,
      ),
    workstations: () => call('GET', '/api/workstations', undefined, (b) => b.workstations),
    registerWorkstation: (args) => call('POST', '/api/workstations', args, (b) => b),
    newEnrolmentCode: ({ id }) => call('POST', `/api/workstations/${id}/enrollment-code`, {}, (b) => b),
    rescopeWorkstation: ({ id, ...changes }) => call('PATCH', `/api/workstations/${id}`, changes, (b) => b),
    revokeWorkstation: ({ id }) => call('POST', `/api/workstations/${id}/revoke`, {}, (b) => b),
    updateRings: () => call('GET', '/api/update-rings', undefined, (b) => b),
    releases: () => call('GET', '/api/update-releases', undefined, (b) => b.releases),
    // The contract keeps a ring name to [a-z0-9_-], so it needs no escaping in the path.
    pointUpdateRing: ({ ring, release }) => call('PUT', `/api/update-rings/${ring}`, { release }, (b) => b),
    moveToUpdateRing: ({ id, ring }) =>
      call('PUT', `/api/workstations/${id}/update-ring`, { ring }, (b) => b),
    audit: ({ action, objectType, limit, offset }) =>
      call(
        'GET',
        `/api/audit${query({ action, object_type: objectType, limit, offset })}`,
        undefined,
        (b) => b.entries,
      ),
    verifyAudit: () => call('GET', '/api/audit/verify', undefined, (b) => b),
    loginActivity: ({ username, status, limit }) =>
      call('GET', `/api/login-activity${query({ username, status, limit })}`, undefined, (b) => b.activities),
  };
}
