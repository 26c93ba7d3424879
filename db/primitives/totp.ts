/**
 * Checking a TOTP code (RFC 6238, 30 s steps, 6 digits) with otplib: on the server at sign-in, and on
 * a workstation signing a 2FA user in offline.
 */
import { verify } from 'otplib';

export const TOTP_PERIOD = 30;

/**
 * Checks `otp` at time `now`, allowing one step either side, and refusing any step at or before
 * `lastStep` (a code is accepted once). Returns the matched step, or null.
 */
export async function checkTotp(
  secret: string,
  otp: string,
  now: Date,
  lastStep: number | null,
): Promise<number | null> {
  if (!/^\d{6}$/.test(otp)) return null;
  try {
    const result = await verify({
      secret,
      token: otp,
      period: TOTP_PERIOD,
      epoch: Math.floor(now.getTime() / 1000),
      epochTolerance: TOTP_PERIOD,
      ...(lastStep === null ? {} : { afterTimeStep: lastStep }),
    });
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  } catch {
    return null;
  }
}
