/**
 * The one IPC door (DESIGN §2): every call from the page arrives on one channel, is refused unless it
 * comes from the app's own top frame, and goes to the core, which validates it against the contract.
 */
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { err } from '../../db/primitives/index.ts';
import type { Envelope } from '../common/index.ts';
import { IPC_CALL } from '../common/wire.ts';
import { isTrustedSender } from './security.ts';

export function openIpcDoor(
  ipcMain: Pick<IpcMain, 'handle'>,
  call: (channel: unknown, args: unknown) => Promise<Envelope<unknown>>,
): void {
  ipcMain.handle(
    IPC_CALL,
    (event: Pick<IpcMainInvokeEvent, 'senderFrame'>, channel: unknown, args: unknown) => {
      if (!isTrustedSender(event.senderFrame))
        return err('forbidden', 'this window may not call the workstation');
      return call(channel, args);
    },
  );
}
