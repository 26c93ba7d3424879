/**
 * A TCP proxy a test controls, between workstations and the sync server, on loopback:
 * - `pass`: bytes flow;
 * - `cut`: every connection is reset and new ones are refused at once (cable pulled, server down);
 * - `blackhole`: connections stay open but nothing flows (a switch silently dropping packets);
 * - `delay(ms)`: bytes flow late.
 */
import net from 'node:net';

export type ProxyMode = 'pass' | 'cut' | 'blackhole';

export class TcpProxy {
  private server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private mode: ProxyMode = 'pass';
  private delayMs = 0;
  port = 0;

  constructor(
    private targetPort: number,
    private readonly targetHost = '127.0.0.1',
  ) {
    this.server = net.createServer((client) => this.accept(client));
  }

  async start(port = 0): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return `http://127.0.0.1:${this.port}`;
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Points the proxy at another server port (a restarted server). */
  retarget(port: number) {
    this.targetPort = port;
  }

  private accept(client: net.Socket) {
    if (this.mode === 'cut') {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(this.targetPort, this.targetHost);
    this.sockets.add(client);
    this.sockets.add(upstream);
    const forward = (from: net.Socket, to: net.Socket) => {
      from.on('data', (chunk) => {
        if (this.mode === 'blackhole') return;
        if (this.delayMs > 0) setTimeout(() => to.writable && to.write(chunk), this.delayMs);
        else if (to.writable) to.write(chunk);
      });
    };
    forward(client, upstream);
    forward(upstream, client);
    const close = () => {
      this.sockets.delete(client);
      this.sockets.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', close);
    upstream.on('close', close);
    client.on('error', close);
    upstream.on('error', close);
  }

  pass() {
    this.mode = 'pass';
    this.delayMs = 0;
  }

  cut() {
    this.mode = 'cut';
    for (const s of this.sockets) s.resetAndDestroy();
    this.sockets.clear();
  }

  blackhole() {
    this.mode = 'blackhole';
  }

  delay(ms: number) {
    this.mode = 'pass';
    this.delayMs = ms;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
