// Binds the HTTP Admin API to host:port (HTTPS with the coordinator's certificate when it has TLS,
// plain HTTP on loopback otherwise) and closes it.
import { type FastifyInstance } from "fastify";
import { type AdminCalls } from "../api/admin-calls.js";
import { buildHttpApi } from "./http-api.js";

export interface RunningHttpApi {
  /** e.g. http://127.0.0.1:7466 */
  readonly url: string;
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

export interface HttpApiListenOptions {
  readonly calls: AdminCalls;
  readonly listen: string;
  /** The coordinator's server certificate and key: the API is served over HTTPS. */
  readonly tls?: { readonly certPem: string; readonly keyPem: string };
  /** Told of each answered API request: the route's RPC and the HTTP status (metrics). */
  readonly onRequestEnded?: (rpc: string, statusCode: number) => void;
}

export async function startHttpApi(options: HttpApiListenOptions): Promise<RunningHttpApi> {
  const separator = options.listen.lastIndexOf(":");
  const host = options.listen.slice(0, separator).replace(/^\[(.*)\]$/, "$1");
  const port = Number(options.listen.slice(separator + 1));
  const app = await buildHttpApi({ calls: options.calls, ...(options.tls && { https: { cert: options.tls.certPem, key: options.tls.keyPem } }), ...(options.onRequestEnded && { onRequestEnded: options.onRequestEnded }) });
  try {
    await app.listen({ host, port });
  } catch (error) {
    await app.close();
    throw new Error(`http_listen: cannot bind ${options.listen}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const address = app.server.address();
  const bound = typeof address === "object" && address !== null ? address.port : port;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return { url: `${options.tls ? "https" : "http"}://${shownHost}:${bound}`, app, close: () => app.close() };
}
