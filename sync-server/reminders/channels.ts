/**
 * The two ways a message leaves the hospital: e-mail over SMTP (nodemailer) and SMS through Twilio
 * (its official client). Each is configured from the environment; a channel left unconfigured is
 * `null`, and the sender marks its messages failed with that reason rather than skipping them.
 */
import nodemailer from 'nodemailer';
import twilio from 'twilio';

export interface OutgoingMessage {
  to: string;
  subject: string;
  text: string;
}

/**
 * A send that failed in a way that leaves open whether the provider took the message: the request
 * or the message data went out, and no answer came back (a timeout, a dropped connection). Sending
 * it again could give the patient two; the sender fails it instead, saying so.
 */
export class MaybeDelivered extends Error {
  constructor(cause: unknown) {
    super(`no answer after the message was handed over, so it may have been delivered: ${errorText(cause)}`);
    this.name = 'MaybeDelivered';
  }
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e)).slice(0, 300);

/** SMTP stages before the message itself goes out: a failure there sent nothing. */
const SMTP_BEFORE_DATA = new Set([
  'CONN',
  'EHLO',
  'HELO',
  'LHLO',
  'STARTTLS',
  'AUTH PLAIN',
  'AUTH LOGIN',
  'MAIL FROM',
  'RCPT TO',
]);
/** Network failures that mean the request never reached the provider. */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** nodemailer's error: refused at a stage, answered with a code, or lost after the data went out. */
export function smtpMaybeDelivered(e: unknown): boolean {
  const { command, responseCode, code } = (e ?? {}) as {
    command?: string;
    responseCode?: number;
    code?: string;
  };
  if (typeof responseCode === 'number') return false; // the relay answered: it did not take it
  if (code && NEVER_CONNECTED.has(code)) return false;
  if (command && SMTP_BEFORE_DATA.has(command.toUpperCase())) return false;
  return command !== undefined || code === 'ETIMEDOUT' || code === 'ESOCKET';
}

/** Twilio's client: an HTTP answer (a RestException has a status) means refused; no answer may not. */
export function twilioMaybeDelivered(e: unknown): boolean {
  const { status, code } = (e ?? {}) as { status?: number; code?: string | number };
  if (typeof status === 'number') return false;
  if (typeof code === 'string' && NEVER_CONNECTED.has(code)) return false;
  return true;
}

/** Sends one message; resolves with the provider's id for it, rejects when it was not accepted. */
export interface Sender {
  send(message: OutgoingMessage): Promise<{ messageId: string }>;
  /** Lets go of held connections (server shutdown). */
  close?(): void;
}

export interface Channels {
  sms: Sender | null;
  email: Sender | null;
}

export interface ChannelConfig {
  smtpUrl: string | undefined;
  fromEmail: string | undefined;
  twilio: { accountSid: string; authToken: string; from: string; apiBase: string | undefined } | undefined;
}

/**
 * One pooled connection to the relay, reused from message to message: a new SMTP session for each
 * cost ~100 ms on loopback (greeting, EHLO), which held a morning's reminders to ~10 a second.
 */
export function emailSender(smtpUrl: string, from: string): Sender {
  const url = new URL(smtpUrl);
  if (!url.searchParams.has('pool')) url.searchParams.set('pool', 'true');
  const transport = nodemailer.createTransport(url.href);
  return {
    async send(m) {
      try {
        const info = await transport.sendMail({ from, to: m.to, subject: m.subject, text: m.text });
        return { messageId: String(info.messageId) };
      } catch (e) {
        throw smtpMaybeDelivered(e) ? new MaybeDelivered(e) : e;
      }
    },
    close: () => transport.close(),
  };
}

/**
 * `apiBase` points the client at another address than api.twilio.com (a relay inside the hospital,
 * or the tests' local stand-in): requests keep their paths, only the origin changes.
 */
export function smsSender(c: NonNullable<ChannelConfig['twilio']>): Sender {
  const httpClient = new twilio.RequestClient();
  if (c.apiBase) {
    const base = new URL(c.apiBase);
    const request = httpClient.request.bind(httpClient);
    httpClient.request = (opts) => {
      const uri = new URL(opts.uri);
      uri.protocol = base.protocol;
      uri.host = base.host;
      return request({ ...opts, uri: uri.href });
    };
  }
  const client = twilio(c.accountSid, c.authToken, { httpClient });
  return {
    async send(m) {
      try {
        const sent = await client.messages.create({ to: m.to, from: c.from, body: m.text });
        return { messageId: sent.sid };
      } catch (e) {
        throw twilioMaybeDelivered(e) ? new MaybeDelivered(e) : e;
      }
    },
  };
}

export function channelsFrom(c: ChannelConfig): Channels {
  return {
    email: c.smtpUrl && c.fromEmail ? emailSender(c.smtpUrl, c.fromEmail) : null,
    sms: c.twilio ? smsSender(c.twilio) : null,
  };
}

/** Why a channel cannot send, in the words kept on the message row. */
export const NOT_CONFIGURED: Record<keyof Channels, string> = {
  email: 'e-mail is not configured on the server (SMTP_URL and DEFAULT_FROM_EMAIL)',
  sms: 'SMS is not configured on the server (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_PHONE_NUMBER)',
};
