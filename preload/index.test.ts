/**
 * The preload as the page meets it, with Electron's `contextBridge` and `ipcRenderer` replaced at the
 * edge (the binary cannot run here): one object exposed, events relayed by name, and the shell's
 * state events (the updater's) given to a listener that subscribes after the shell said them.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { Hms, UpdateState } from '../main/common/index.ts';
import { IPC_EVENT } from '../main/common/wire.ts';

const electron = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  ipc: null as EventEmitter | null,
}));
vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  const ipc = new Emitter();
  electron.ipc = ipc;
  return {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => electron.exposed.set(key, api) },
    ipcRenderer: Object.assign(ipc, { invoke: async () => ({ ok: true, value: null }) }),
  };
});

/** The shell sends on the one event channel, as `webContents.send(IPC_EVENT, name, payload)`. */
const shellSends = (name: string, payload: unknown) => electron.ipc?.emit(IPC_EVENT, {}, name, payload);

const ready: UpdateState = { kind: 'ready', version: '1.4.0', install: 'on-quit' };

describe('the preload', () => {
  it('exposes window.hms and nothing else', async () => {
    await import('./index.ts');
    expect([...electron.exposed.keys()]).toEqual(['hms']);
    expect(electron.ipc).toBeInstanceOf(EventEmitter);
  });

  it("gives a late 'update' listener the shell's last update state, then each new one until unsubscribed", async () => {
    await import('./index.ts');
    const hms = electron.exposed.get('hms') as Hms;
    // Sent at the page's load, before the status bar subscribed.
    shellSends('update', { kind: 'checking' });
    shellSends('update', ready);
    const heard: UpdateState[] = [];
    const off = hms.on('update', (s) => heard.push(s));
    expect(heard).toEqual([ready]);
    shellSends('update', { kind: 'failed', reason: 'offline', message: 'net::ERR_CONNECTION_REFUSED' });
    off();
    shellSends('update', { kind: 'checking' });
    expect(heard.map((s) => s.kind)).toEqual(['ready', 'failed']);
  });

  it("relays the core's events live only: a change or a status is never replayed", async () => {
    await import('./index.ts');
    const hms = electron.exposed.get('hms') as Hms;
    shellSends('change', ['patients']);
    const changes: string[][] = [];
    hms.on('change', (tables) => changes.push(tables));
    expect(changes).toEqual([]);
    shellSends('change', ['visits']);
    shellSends('update', ready);
    expect(changes).toEqual([['visits']]);
  });
});
