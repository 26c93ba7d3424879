/**
 * Local stand-ins for the outside world's messaging, for tests: a real SMTP server (`smtp-server`)
 * that keeps every message it receives, and an HTTP server answering Twilio's Messages API so the
 * real `twilio` client can be pointed at it. Nothing leaves loopback.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The raw message, soft line breaks of quoted-printable undone. */
  raw: string;
}

/**
 * `replyDelayMs`: how long the server waits, once a message's data has all arrived, before saying it
 * accepted it (a slow relay: a sender killed in that window does not know the message got through).
 */
export async function startSmtp(
  opts: { replyDelayMs?: number } = {},
): Promise<{ url: string; mails: ReceivedMail[]; close(): Promise<void> }> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks)
            .toString('utf8')
            .replace(/=\r?\n/g, ''),
        });
        setTimeout(() => callback(), opts.replyDelayMs ?? 0);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface ReceivedSms {
  accountSid: string;
  to: string;
  from: string;
  body: string;
}

/**
 * Answers `POST /2010-04-01/Accounts/{sid}/Messages.json`. `failing.on` answers 500 (refused);
 * `failing.hangUp` takes the message, then drops the connection without an answer.
 */
export async function startTwilioStandIn(): Promise<{
  url: string;
  sms: ReceivedSms[];
  failing: { on: boolean; hangUp: boolean };
  close(): Promise<void>;
}> {
  const sms: ReceivedSms[] = [];
  const failing = { on: false, hangUp: false };
  let serial = 0;
  const server: Server = createServer((req, res) => {
    const m = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(req.url ?? '');
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      if (!m || req.method !== 'POST') {
        res
          .writeHead(404, { 'content-type': 'application/json' })
          .end('{"code":20404,"message":"not found"}');
        return;
      }
      if (failing.on) {
        res
          .writeHead(500, { 'content-type': 'application/json' })
          .end('{"code":20500,"message":"Internal Server Error","status":500}');
        return;
      }
      const form = new URLSearchParams(body);
      const sid = `SM${String(++serial).padStart(32, '0')}`;
      sms.push({
        accountSid: m[1] as string,
        to: form.get('To') ?? '',
        from: form.get('From') ?? '',
        body: form.get('Body') ?? '',
      });
      if (failing.hangUp) {
        req.socket.destroy();
        return;
      }
      res.writeHead(201, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          sid,
          account_sid: m[1],
          to: form.get('To'),
          from: form.get('From'),
          body: form.get('Body'),
          status: 'queued',
          num_segments: '1',
          direction: 'outbound-api',
          api_version: '2010-04-01',
          uri: `/2010-04-01/Accounts/${m[1]}/Messages/${sid}.json`,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sms,
    failing,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // The client keeps its connections alive: end them, or closing waits for their timeout.
        server.closeAllConnections();
      }),
  };
}
