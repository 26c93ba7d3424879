import { describe, expect, it } from 'vitest';
import {
  authHeaders,
  classifyFailure,
  feedOptions,
  IDLE_BEFORE_INSTALL_MS,
  installDecision,
  type PolicyStatus,
  quitQuestion,
} from './update-policy.ts';

const now = Date.parse('2026-11-25T12:00:00Z');
const nurse = { id: 'u1', username: 'nurse', role: 'nurse', offline: false };
const sent: PolicyStatus = { outboxPending: 0, oldestPendingAt: null, user: nurse };
const unsent: PolicyStatus = { outboxPending: 3, oldestPendingAt: '2026-11-25T11:50:00Z', user: nurse };

describe('the update feed', () => {
  it('is the enrolled server’s /api/updates/, ranges one at a time, with the device token', () => {
    expect(feedOptions('https://sync.hospital.lan:8443')).toEqual({
      provider: 'generic',
      url: 'https://sync.hospital.lan:8443/api/updates/',
      useMultipleRangeRequest: false,
    });
    expect(feedOptions('https://sync.hospital.lan/hms/').url).toBe(
      'https://sync.hospital.lan/hms/api/updates/',
    );
    expect(authHeaders('abc')).toEqual({ authorization: 'Bearer abc' });
  });
});

describe('when a downloaded update is installed', () => {
  const decide = (status: PolicyStatus | null, more: { agreed?: boolean; idleMs?: number } = {}) =>
    installDecision({ status, agreed: more.agreed ?? false, idleMs: more.idleMs ?? 0, now });

  it('waits for the user to quit while someone works on the PC', () => {
    expect(decide(sent)).toEqual({ kind: 'on-quit' });
    // A locked screen keeps its user signed in: still not "nobody is using it".
    expect(decide(sent, { idleMs: 10 * IDLE_BEFORE_INSTALL_MS })).toEqual({ kind: 'on-quit' });
  });

  it('keeps the update while changes are unsent, saying how many, unless the user agrees', () => {
    const waiting = decide(unsent, { idleMs: 10 * IDLE_BEFORE_INSTALL_MS });
    expect(waiting.kind).toBe('wait');
    expect(waiting.kind === 'wait' && waiting.warning).toMatch(
      /^3 changes .* not reached the server .*10 min ago/,
    );
    expect(decide(unsent, { agreed: true })).toEqual({ kind: 'on-quit' });
  });

  it('keeps it too while the core has not said what it holds', () => {
    expect(decide(null).kind).toBe('wait');
    expect(decide(null, { agreed: true })).toEqual({ kind: 'on-quit' });
  });

  it('installs now only on a PC nobody is using: no one signed in, nothing unsent, idle long enough', () => {
    const nobody = { ...sent, user: null };
    expect(decide(nobody, { idleMs: IDLE_BEFORE_INSTALL_MS })).toEqual({ kind: 'now' });
    expect(decide(nobody, { idleMs: IDLE_BEFORE_INSTALL_MS - 1 })).toEqual({ kind: 'on-quit' });
    expect(decide({ ...unsent, user: null }, { idleMs: IDLE_BEFORE_INSTALL_MS }).kind).toBe('wait');
  });
});

describe('the question at quit', () => {
  it('asks nothing when every change has reached the server', () => {
    expect(quitQuestion({ status: sent, update: '1.1.0', now })).toBeNull();
    expect(quitQuestion({ status: null, update: null, now })).toBeNull();
  });

  it('warns of unsent changes, and offers to install a ready update only as an explicit choice', () => {
    const plain = quitQuestion({ status: unsent, update: null, now });
    expect(plain?.answers).toEqual(['keep-working', 'quit']);
    expect(plain?.detail).toMatch(/^3 changes/);
    const withUpdate = quitQuestion({ status: unsent, update: '1.1.0', now });
    expect(withUpdate?.answers).toEqual(['keep-working', 'quit', 'quit-and-install']);
    expect(withUpdate?.buttons).toHaveLength(3);
    expect(withUpdate?.detail).toMatch(/^3 changes[\s\S]*Version 1\.1\.0 .* is ready/);
    expect(withUpdate?.defaultId).toBe(0);
    expect(withUpdate?.cancelId).toBe(0);
  });
});

describe('what an updater failure means', () => {
  const error = (message: string, props: Record<string, unknown> = {}) =>
    Object.assign(new Error(message), props);

  it('tells a halted ring, a refused token, a corrupt download and an unreachable server apart', () => {
    expect(
      classifyFailure(
        error('Cannot find channel "latest.yml" update info: HttpError: 404 \n"no_release"', {
          code: 'ERR_UPDATER_CHANNEL_FILE_NOT_FOUND',
        }),
      ),
    ).toEqual({
      reason: 'not-offered',
      message: 'Cannot find channel "latest.yml" update info: HttpError: 404 ',
    });
    expect(
      classifyFailure(error('HttpError: 401 Unauthorized\nHeaders: {}', { statusCode: 401 })).reason,
    ).toBe('refused');
    expect(classifyFailure(error('sha512 checksum mismatch', { code: 'ERR_CHECKSUM_MISMATCH' })).reason).toBe(
      'corrupt',
    );
    expect(classifyFailure(error('connect ECONNREFUSED 127.0.0.1:9', { code: 'ECONNREFUSED' })).reason).toBe(
      'offline',
    );
    expect(classifyFailure(error('net::ERR_CONNECTION_REFUSED')).reason).toBe('offline');
    expect(classifyFailure(error('Request timed out')).reason).toBe('offline');
    expect(classifyFailure('something odd')).toEqual({ reason: 'error', message: 'something odd' });
  });

  it('keeps only the first line of a message, which is all a log needs', () => {
    const { message } = classifyFailure(
      error(`HttpError: 500\nHeaders: {"set-cookie":"x"}${'y'.repeat(500)}`),
    );
    expect(message).toBe('HttpError: 500');
  });
});
