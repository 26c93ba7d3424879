/**
 * The renderer's one way out (DESIGN §2): `window.hms` as Electron's preload exposes it, or, in
 * browser mode, the same contract over the WebSocket to the process that served this page. The
 * screens import `hms` from here and cannot tell which one carries their calls.
 */
import type { ValidationIssue } from '../../../db/primitives/issue.ts';
import {
  appContract,
  clientOf,
  type Envelope,
  type Hms,
  type PageEventName,
} from '../../../main/common/index.ts';
import {
  BRIDGE_PATH,
  type CallFrame,
  type HostFrame,
  protocolsFor,
  TOKEN_FRAGMENT,
} from '../../../main/common/wire.ts';

declare global {
  interface Window {
    hms?: Hms;
  }
}

const TOKEN_KEY = 'hms.bridge-token';

/** The per-launch token from the address (`#token=…`), kept for reloads of this tab only. */
function takeToken(): string | null {
  const params = new URLSearchParams(location.hash.slice(1));
  const fromUrl = params.get(TOKEN_FRAGMENT);
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    // Out of the address bar, the history and any screenshot.
    history.replaceState(null, '', location.pathname + location.search);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

const lost = (message: string): Envelope<never> => ({ ok: false, error: { code: 'disconnected', message } });

function overWebSocket(): Hms {
  const token = takeToken();
  const listeners = new Map<PageEventName, Set<(payload: unknown) => void>>();
  const pending = new Map<number, (e: Envelope<unknown>) => void>();
  let nextId = 1;
  let socket: WebSocket | null = null;
  let opened: Promise<WebSocket> | null = null;

  const connect = (): Promise<WebSocket> => {
    if (opened) return opened;
    opened = new Promise((resolve, reject) => {
      if (!token) {
        reject(new Error('no token'));
        return;
      }
      const s = new WebSocket(`ws://${location.host}${BRIDGE_PATH}`, protocolsFor(token));
      s.onopen = () => {
        socket = s;
        resolve(s);
      };
      s.onmessage = (m) => {
        const frame = JSON.parse(String(m.data)) as HostFrame;
        if ('id' in frame) {
          pending.get(frame.id)?.(frame.envelope);
          pending.delete(frame.id);
        } else {
          for (const l of listeners.get(frame.event) ?? []) l(frame.payload);
        }
      };
      s.onclose = () => {
        socket = null;
        opened = null;
        for (const done of pending.values())
          done(lost('lost contact with this workstation; nothing was changed by this attempt, try again'));
        pending.clear();
        reject(new Error('closed'));
        // The host restarted or the tab slept: come back (the stores re-read on their own timer).
        setTimeout(() => void connect().catch(() => {}), 1000);
      };
    });
    return opened;
  };

  const send = async (channel: string, args: unknown): Promise<Envelope<unknown>> => {
    let s: WebSocket;
    try {
      s = socket ?? (await connect());
    } catch {
      return lost(
        token
          ? 'cannot reach this workstation; is it still running?'
          : 'this page was opened without its access token: open the address the workstation printed',
      );
    }
    const id = nextId++;
    const frame: CallFrame = { id, channel, args: args ?? {} };
    return new Promise((resolve) => {
      pending.set(id, resolve);
      s.send(JSON.stringify(frame));
    });
  };

  void connect().catch(() => {});
  return {
    ...clientOf(appContract, send),
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (payload: unknown) => void);
    },
  };
}

export const hms: Hms = window.hms ?? overWebSocket();
// In browser mode the bridge takes the place Electron's preload gives it: the page looks the same.
window.hms = hms;

/** The value of a call, or throws its error (for code paths that show errors through a catch). */
export class CallError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly issues: ValidationIssue[] = [],
  ) {
    super(message);
  }
}

export async function unwrap<T>(call: Promise<Envelope<T>>): Promise<T> {
  const r = await call;
  if (r.ok) return r.value;
  throw new CallError(r.error.code, r.error.message, r.error.issues);
}
