/**
 * The preload (DESIGN §2): one object, `window.hms`, typed as the contract's client, and nothing else.
 * Every call goes through the shell's one IPC door; events come back on one channel.
 */
import { contextBridge, type IpcRendererEvent, ipcRenderer } from 'electron';
import {
  appContract,
  clientOf,
  type Hms,
  type PageEventName,
  SHELL_EVENTS,
  type ShellEventName,
} from '../main/common/index.ts';
import { IPC_CALL, IPC_EVENT } from '../main/common/wire.ts';

const isShellEvent = (name: unknown): name is ShellEventName => SHELL_EVENTS.includes(name as ShellEventName);

/**
 * The shell's last state events (the updater's state), heard from before the page's scripts run: the
 * shell says its state once the page has loaded, which may come before the screens subscribe.
 */
const lastShellEvent = new Map<ShellEventName, unknown>();
ipcRenderer.on(IPC_EVENT, (_e: IpcRendererEvent, name: unknown, payload: unknown) => {
  if (isShellEvent(name)) lastShellEvent.set(name, payload);
});

const hms = {
  ...clientOf(appContract, (channel, args) => ipcRenderer.invoke(IPC_CALL, channel, args)),
  on(event: PageEventName, listener: (payload: never) => void) {
    const relay = (_e: IpcRendererEvent, name: string, payload: unknown) => {
      if (name === event) listener(payload as never);
    };
    ipcRenderer.on(IPC_EVENT, relay);
    // A state, not a happening: a late listener starts from the last one.
    if (isShellEvent(event) && lastShellEvent.has(event)) listener(lastShellEvent.get(event) as never);
    return () => void ipcRenderer.off(IPC_EVENT, relay);
  },
} satisfies Hms;

contextBridge.exposeInMainWorld('hms', hms);
