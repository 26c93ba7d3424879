/**
 * Before a PC is enrolled there is no workstation core yet, only its host (the Electron main process,
 * or the browser mode's server). These operations are all the first screens need: where this PC
 * stands, the passphrase that opens its database where no OS secret store keeps the key, and
 * enrolment with the server's address and the one-time code an admin gave.
 */
import { z } from 'zod';
import { op } from './contract.ts';

export interface SetupState {
  /** The database key comes from a passphrase not yet typed since the app started: ask for it. */
  locked: boolean;
  /** No passphrase chosen on this PC yet: the screen asks for a new one, twice. */
  firstPassphrase: boolean;
  enrolled: boolean;
  /** The sync server this PC talks to (remembered at enrolment). */
  server: string | null;
  /** The code the admin gave this PC when registering it (e.g. `WARD-A-01`). */
  workstationCode: string | null;
  kind: string | null;
}

const Enroll = z.strictObject({
  server: z
    .string()
    .trim()
    .min(1, 'enter the sync server address')
    .max(500)
    .refine((s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol), {
      message: 'the address starts with http:// or https://',
    }),
  code: z.string().trim().min(4, 'enter the enrolment code the admin gave you').max(200),
});

const Unlock = z.strictObject({
  passphrase: z.string().min(12, 'at least 12 characters').max(1000),
});

export const setup = {
  state: op(z.strictObject({}), 'public').returns<SetupState>(),
  unlock: op(Unlock, 'public').returns<SetupState>(),
  enroll: op(Enroll, 'public').returns<SetupState>(),
};
