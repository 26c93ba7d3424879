/**
 * Before a PC is enrolled there is no workstation core yet, only its host (the Electron main process,
 * or the browser mode's server). These two operations are all the first-run screen needs: where this
 * PC stands, and enrolment with the server's address and the one-time code an admin gave.
 */
import { z } from 'zod';
import { op } from './contract.ts';

export interface SetupState {
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

export const setup = {
  state: op(z.strictObject({}), 'public').returns<SetupState>(),
  enroll: op(Enroll, 'public').returns<SetupState>(),
};
