import { describe, expect, it } from 'vitest';
import { smtpMaybeDelivered, twilioMaybeDelivered } from './channels.ts';

const err = (fields: Record<string, unknown>) => Object.assign(new Error('x'), fields);

describe('whether a failed send may have been delivered', () => {
  it('SMTP: refused at a stage or answered with a code: no; lost once the data went out: perhaps', () => {
    expect(smtpMaybeDelivered(err({ code: 'ECONNREFUSED', command: 'CONN' }))).toBe(false);
    expect(smtpMaybeDelivered(err({ code: 'EENVELOPE', command: 'RCPT TO', responseCode: 550 }))).toBe(false);
    expect(smtpMaybeDelivered(err({ code: 'EAUTH', command: 'AUTH PLAIN', responseCode: 535 }))).toBe(false);
    expect(smtpMaybeDelivered(err({ code: 'EMESSAGE', command: 'DATA', responseCode: 554 }))).toBe(false);
    expect(smtpMaybeDelivered(err({ code: 'ETIMEDOUT', command: 'DATA' }))).toBe(true);
    expect(smtpMaybeDelivered(err({ code: 'ECONNECTION', command: 'DATA' }))).toBe(true);
  });

  it('Twilio: an HTTP answer means refused; no answer after the request may mean sent', () => {
    expect(twilioMaybeDelivered(err({ status: 400, code: 21211 }))).toBe(false);
    expect(twilioMaybeDelivered(err({ status: 500 }))).toBe(false);
    expect(twilioMaybeDelivered(err({ code: 'ECONNREFUSED' }))).toBe(false);
    expect(twilioMaybeDelivered(err({ code: 'ECONNRESET' }))).toBe(true);
    expect(twilioMaybeDelivered(err({ code: 'ECONNABORTED' }))).toBe(true);
  });
});
