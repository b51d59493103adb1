// Test helper: a loopback TCP relay in front of the real PostgreSQL that a test can take down (every
// connection cut, new ones dropped at once) and bring back, as a database outage looks to a client.
import { createConnection, createServer, type Server, type Socket } from "node:net";

export class PostgresOutageProxy {
  readonly #sockets = new Set<Socket>();
  #down = false;

  private constructor(
    readonly server: Server,
    readonly port: number,
    readonly target: URL,
  ) {}

  /** A relay to the server of `databaseUrl` on a free loopback port. */
  static async start(databaseUrl: string): Promise<PostgresOutageProxy> {
    const target = new URL(databaseUrl);
    const server = createServer();
    const port = await new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port));
    });
    const proxy = new PostgresOutageProxy(server, port, target);
    server.on("connection", (client: Socket) => proxy.relay(client));
    return proxy;
  }

  /** `databaseUrl` with its host and port replaced by the relay's. */
  get url(): string {
    const url = new URL(this.target);
    url.hostname = "127.0.0.1";
    url.port = String(this.port);
    return url.toString();
  }

  /** Cuts every open connection; until restore(), new ones are closed as soon as they arrive. */
  cut(): void {
    this.#down = true;
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
  }

  restore(): void {
    this.#down = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket): void {
    if (this.#down) return void client.destroy();
    const upstream = createConnection({ host: this.target.hostname, port: Number(this.target.port || 5432) });
    for (const socket of [client, upstream]) {
      this.#sockets.add(socket);
      socket.on("error", () => undefined);
      socket.on("close", () => {
        this.#sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
