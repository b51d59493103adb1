// Serves a daemon's Prometheus registry as GET /metrics (text exposition format) on its own
// listener, apart from the gRPC port; anything else is 404. No authentication: bind it where only
// the scraper reaches (loopback, a private interface).
import { createServer, type Server } from "node:http";
import { type AddressInfo } from "node:net";
import { type Logger } from "@vigil/shared/logging";
import type { Registry } from "prom-client";

export interface MetricsServer {
  /** host:port actually bound (port 0 picks a free one). */
  readonly address: string;
  close(): Promise<void>;
}

/** `listen` is host:port as the config compiled it; an IPv6 host comes in brackets. */
export async function serveMetrics(registry: Registry, listen: string, logger: Logger): Promise<MetricsServer> {
  const colon = listen.lastIndexOf(":");
  const host = listen.slice(0, colon).replace(/^\[(.*)\]$/, "$1");
  const server = createServer((request, response) => {
    const path = (request.url ?? "").split("?")[0];
    if (path !== "/metrics") return void response.writeHead(404, { "content-type": "text/plain" }).end("not found: Vigil serves /metrics only\n");
    if (request.method !== "GET" && request.method !== "HEAD") return void response.writeHead(405, { allow: "GET, HEAD" }).end();
    registry.metrics().then(
      (text) => response.writeHead(200, { "content-type": registry.contentType }).end(request.method === "HEAD" ? undefined : text),
      (error: unknown) => {
        logger.error({ err: error }, "metrics: collecting failed");
        response.writeHead(500, { "content-type": "text/plain" }).end("collecting the metrics failed\n");
      },
    );
  });
  // A scraper that holds its connection open must not keep the daemon from exiting.
  server.keepAliveTimeout = 5_000;
  await listenOn(server, Number(listen.slice(colon + 1)), host).catch((error: Error) => {
    throw new Error(`metrics_listen: cannot bind ${listen}: ${error.message}`);
  });
  const bound = server.address() as AddressInfo;
  const address = `${bound.family === "IPv6" ? `[${bound.address}]` : bound.address}:${bound.port}`;
  logger.info({ address }, `serving metrics on http://${address}/metrics`);
  return {
    address,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function listenOn(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}
