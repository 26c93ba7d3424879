/**
 * The preload (DESIGN §2): one object, `window.hms`, typed as the contract's client, and nothing else.
 * Every call goes through the shell's one IPC door; events come back on one channel.
 */
import { contextBridge, type IpcRendererEvent, ipcRenderer } from 'electron';
import { appContract, clientOf, type Hms, type HmsEventName } from '../main/common/index.ts';
import { IPC_CALL, IPC_EVENT } from '../main/common/wire.ts';

const hms = {
  ...clientOf(appContract, (channel, args) => ipcRenderer.invoke(IPC_CALL, channel, args)),
  on(event: HmsEventName, listener: (payload: never) => void) {
    const relay = (_e: IpcRendererEvent, name: string, payload: unknown) => {
      if (name === event) listener(payload as never);
    };
    ipcRenderer.on(IPC_EVENT, relay);
    return () => void ipcRenderer.off(IPC_EVENT, relay);
  },
} satisfies Hms;

contextBridge.exposeInMainWorld('hms', hms);
