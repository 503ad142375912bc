import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';

/** A loopback TCP proxy in front of the database, so a test can cut, stall or restore traffic. */
export class TcpProxy {
  private mode: 'forward' | 'stall' = 'forward';
  private readonly sockets = new Set<Socket>();
  private server: Server | null = null;
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(): Promise<void> {
    const server = createServer((client) => this.accept(client));
    server.listen(this.port, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    if (address && typeof address === 'object') this.port = address.port;
    this.server = server;
  }

  /** Connections are refused and open ones are cut, as when the database host goes down. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.cutAll();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Connections are accepted but nothing ever answers, as with a network black hole. */
  stall(): void {
    this.mode = 'stall';
    this.cutAll();
  }

  /** Open connections stay open but nothing passes any more, as when packets are dropped silently. */
  swallow(): void {
    this.mode = 'stall';
    for (const socket of this.sockets) {
      socket.unpipe();
      socket.pause();
    }
  }

  forward(): void {
    this.mode = 'forward';
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  }

  private accept(client: Socket): void {
    this.track(client);
    if (this.mode === 'stall') return;
    const upstream = createConnection(this.targetPort, this.targetHost);
    this.track(upstream);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream).pipe(client);
  }

  private cutAll(): void {
    for (const socket of this.sockets) socket.destroy();
  }
}
