/**
 * Browser mode: the workstation as a plain Node process that serves the built renderer on loopback and
 * carries `window.hms` over one WebSocket (DESIGN §2). This is how this machine, the end-to-end tests
 * and `npm start` run the app; Electron carries the very same calls over IPC.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify from 'fastify';
import type { WebSocket } from 'ws';
import { err } from '../../db/primitives/index.ts';
import { HMS_EVENTS } from '../common/index.ts';
import { BRIDGE_PATH, CallFrame, type HostFrame, MAX_FRAME_BYTES, TOKEN_FRAGMENT } from '../common/wire.ts';
import type { WorkstationHost } from '../core/host.ts';
import { type Logger, silentLogger } from '../core/logger.ts';
import { isOwnHost, isOwnOrigin, offersToken, PROTOCOL, pagePolicy } from './guards.ts';

export interface BrowserModeOptions {
  host: WorkstationHost;
  /** The built renderer (`renderer/dist`). */
  staticDir: string;
  /** 0 picks a free port. */
  port: number;
  /** The per-launch token; a fresh random one by default. */
  token?: string;
  log?: Logger;
}

export interface BrowserMode {
  /** The address to open, token in the fragment (never sent over HTTP, never in a server log). */
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startBrowserMode(opts: BrowserModeOptions): Promise<BrowserMode> {
  if (!existsSync(join(opts.staticDir, 'index.html')))
    throw new Error(
      `the renderer is not built (no ${opts.staticDir}/index.html): run npm run build:renderer`,
    );
  const token = opts.token ?? randomBytes(32).toString('hex');
  const log = opts.log ?? silentLogger;
  const app = Fastify({ logger: false, bodyLimit: 1024 });
  let port = opts.port;

  // A page of ours under someone else's host name is a DNS-rebinding attempt: answer nothing.
  app.addHook('onRequest', async (req, reply) => {
    if (!isOwnHost(req.headers.host, port)) return reply.code(421).send('wrong host');
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('content-security-policy', pagePolicy(port));
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cache-control', 'no-store');
    return payload;
  });

  await app.register(fastifyWebsocket, {
    options: {
      maxPayload: MAX_FRAME_BYTES,
      handleProtocols: (offered) => (offered.has(PROTOCOL) ? PROTOCOL : false),
    },
  });
  await app.register(fastifyStatic, { root: opts.staticDir, index: 'index.html', wildcard: false });
  app.setNotFoundHandler((_req, reply) => reply.sendFile('index.html'));

  app.register(async (scope) => {
    scope.get(
      BRIDGE_PATH,
      {
        websocket: true,
        preValidation: async (req, reply) => {
          if (!isOwnOrigin(req.headers.origin, port)) return reply.code(403).send('origin refused');
          if (!offersToken(req.headers['sec-websocket-protocol'], token))
            return reply.code(401).send('token refused');
        },
      },
      (socket) => bridge(socket, opts.host, log),
    );
  });

  await app.listen({ host: '127.0.0.1', port: opts.port });
  const address = app.server.address();
  port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    url: `http://127.0.0.1:${port}/#${TOKEN_FRAGMENT}=${token}`,
    port,
    close: () => app.close(),
  };
}

/** One page's connection: calls in, answers and events out. */
function bridge(socket: WebSocket, host: WorkstationHost, log: Logger) {
  const send = (frame: HostFrame) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
  };
  const unsubscribe = HMS_EVENTS.map((event) =>
    host.on(event, (payload) => send({ event, payload } as HostFrame)),
  );
  socket.on('close', () => {
    for (const off of unsubscribe) off();
  });
  socket.on('message', (data, isBinary) => {
    let frame: CallFrame;
    try {
      if (isBinary) throw new Error('binary');
      const parsed = CallFrame.safeParse(JSON.parse(data.toString()));
      if (!parsed.success) throw new Error('shape');
      frame = parsed.data;
    } catch {
      // Not a call of ours: nothing ran, and the page learns why. 1007: invalid frame payload data.
      log.warn('bridge frame refused');
      socket.close(1007, 'not a call');
      return;
    }
    host.call(frame.channel, frame.args).then(
      (envelope) => send({ id: frame.id, envelope }),
      () => send({ id: frame.id, envelope: err('internal', 'something went wrong on this workstation') }),
    );
  });
}
