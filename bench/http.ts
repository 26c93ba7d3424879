/** Admin helpers over HTTP against a bench server (the same calls as test/support/server.ts). */
export const ADMIN_PASSWORD = 'admin-password-for-bench';

export class BenchClient {
  private adminToken: string | null = null;

  constructor(readonly url: string) {}

  async request<T>(method: string, path: string, token: string | null, body?: unknown): Promise<T> {
    const res = await fetch(this.url + path, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  }

  async login(username: string, password: string): Promise<string> {
    return (await this.request<{ access: string }>('POST', '/api/auth/login', null, { username, password }))
      .access;
  }

  private async admin(): Promise<string> {
    this.adminToken ??= await this.login('admin', ADMIN_PASSWORD);
    return this.adminToken;
  }

  /** Creates a user (password `password-<username>`) and returns its id. */
  async createUser(username: string, role: string): Promise<string> {
    const user = await this.request<{ user?: { id: string }; id?: string }>(
      'POST',
      '/api/users',
      await this.admin(),
      { username, first_name: username, last_name: 'Bench', role, password: `password-${username}` },
    );
    return (user.user?.id ?? user.id) as string;
  }

  /** Registers a workstation; returns its one-time enrolment code. */
  async createWorkstation(name: string, kind: string, wardId?: string): Promise<string> {
    const ws = await this.request<{ id: string; enrollment_code: string }>(
      'POST',
      '/api/workstations',
      await this.admin(),
      { name, kind, ...(wardId ? { ward_id: wardId } : {}) },
    );
    return ws.enrollment_code;
  }

  /** Registers and enrols a workstation; returns its device token. */
  async enrol(name: string, kind: string, wardId?: string): Promise<{ token: string }> {
    const code = await this.createWorkstation(name, kind, wardId);
    return this.request<{ token: string }>('POST', '/api/workstations/enroll', null, { code });
  }

  /** The authoring grant of `username` on the workstation holding `wsToken`. */
  async grant(username: string, password: string, wsToken: string): Promise<string> {
    const access = await this.login(username, password);
    const res = await fetch(`${this.url}/api/sync/grants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${access}`, 'x-workstation-token': wsToken },
    });
    if (!res.ok) throw new Error(`grant → ${res.status} ${await res.text()}`);
    return ((await res.json()) as { grant: string }).grant;
  }
}
