// Test harness: the Admin service on loopback over a fresh store, with two public-cloud accounts
// (alpha, beta), one public host that is up, and tokens of every kind, plus a typed client.
import { credentials, Metadata, Server, ServerCredentials, type ServiceError, type status } from "@grpc/grpc-js";
import { AdminClient, AdminService } from "@vigil/shared";
import { recordingLogger } from "@vigil/shared/logging";
import { ControlPlane } from "../../control/control-plane.js";
import { type TokenSessionLimits, TokenSessions } from "../../sessions/token-sessions.js";
import { type Store } from "../../store/open-store.js";
import { createAccount } from "../../store/repositories/accounts.js";
import { upsertHostOnHello } from "../../store/repositories/hosts.js";
import { createToken, revokeToken } from "../../store/repositories/tokens.js";
import { sampleAccount } from "../../store/testing/fixtures.js";
import { testStoreBackends } from "../../store/testing/test-stores.js";
import { buildHttpApi } from "../../http/http-api.js";
import { adminCalls } from "../admin-calls.js";
import { registerAdminService } from "../admin-server.js";
import { ScriptedAgents } from "./scripted-agents.js";

export const TEST_HOST = "host-a";

export interface AdminTestTokens {
  readonly operator: string;
  readonly alpha: string;
  readonly beta: string;
  readonly host: string;
  readonly revoked: string;
}

export interface AdminTestServer {
  readonly address: string;
  /** The same Admin API over HTTP, e.g. http://127.0.0.1:40123 */
  readonly httpUrl: string;
  readonly store: Store;
  readonly control: ControlPlane;
  readonly agents: ScriptedAgents;
  readonly tokens: AdminTestTokens;
  /** Every token's open streams and calls, as the server counts them. */
  readonly sessions: TokenSessions;
  /** A client sending `authorization: Bearer <token>` (raw header value with `header`). */
  client(token?: string, options?: { readonly header?: string }): AdminTestClient;
  close(): Promise<void>;
}

export interface AdminTestClient {
  readonly raw: AdminClient;
  readonly metadata: Metadata;
  /** Calls a unary RPC; resolves with the response or rejects with the ServiceError. */
  call<T = unknown>(rpc: keyof typeof AdminService, request: object): Promise<T>;
}

/**
 * The request with every top-level field the caller left out at its proto3 default, as the
 * generated encoders expect. Nested messages must be complete (use X.fromPartial for them).
 */
export function withDefaults(rpc: keyof typeof AdminService, request: object): object {
  return { ...(AdminService[rpc].requestDeserialize(Buffer.alloc(0)) as object), ...request };
}

/** The gRPC status and details of a call that must fail; throws if it succeeds. */
export async function failure(promise: Promise<unknown>): Promise<{ code: status; details: string }> {
  try {
    await promise;
  } catch (error) {
    const { code, details } = error as { code: status; details: string };
    return { code, details };
  }
  throw new Error("the call succeeded");
}

export interface AdminTestServerOptions {
  readonly backend?: "pglite" | "postgres";
  /** A migrated, empty store to use instead (closed with the server). */
  readonly store?: Store;
  /** Limits of each token's streams and calls (default the coordinator's). */
  readonly sessionLimits?: Partial<TokenSessionLimits>;
}

export async function startAdminTestServer(options: AdminTestServerOptions = {}): Promise<AdminTestServer> {
  const backend = testStoreBackends.find((candidate) => candidate.name === (options.backend ?? "pglite"))!;
  const store = options.store ?? (await backend.open());
  const agents = new ScriptedAgents();
  const control = new ControlPlane({ store, agents, notifier: agents, commandTimeoutMs: 2_000 });
  await createAccount(store.db, sampleAccount("alpha", { uid: 10_001, gid: 10_001 }));
  await createAccount(store.db, sampleAccount("beta", { uid: 10_002, gid: 10_002 }));
  await upsertHostOnHello(store.db, { name: TEST_HOST, agentVersion: "test", capacity: 100, now: new Date() });
  const revoked = await createToken(store.db, { scope: "account", subject: "alpha", description: "revoked" });
  await revokeToken(store.db, revoked.record.id);
  const tokens: AdminTestTokens = {
    operator: (await createToken(store.db, { scope: "operator" })).token,
    alpha: (await createToken(store.db, { scope: "account", subject: "alpha" })).token,
    beta: (await createToken(store.db, { scope: "account", subject: "beta" })).token,
    host: (await createToken(store.db, { scope: "host", subject: TEST_HOST })).token,
    revoked: revoked.token,
  };
  const server = new Server();
  const sessions = new TokenSessions({ store, logger: recordingLogger().logger, ...(options.sessionLimits && { limits: options.sessionLimits }) });
  const deps = { store, control, eventPollMs: 50, logPollMs: 50, sessions };
  const calls = adminCalls(deps);
  const registration = registerAdminService(server, deps, calls);
  const http = await buildHttpApi({ calls });
  const httpUrl = await http.listen({ host: "127.0.0.1", port: 0 });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
  const address = `127.0.0.1:${port}`;
  const clients: AdminClient[] = [];
  return {
    address,
    httpUrl,
    store,
    control,
    agents,
    tokens,
    sessions,
    client(token, clientOptions = {}) {
      const raw = new AdminClient(address, credentials.createInsecure());
      clients.push(raw);
      const metadata = new Metadata();
      const header = clientOptions.header ?? (token === undefined ? undefined : `Bearer ${token}`);
      if (header !== undefined) metadata.set("authorization", header);
      return {
        raw,
        metadata,
        call: <T>(rpc: keyof typeof AdminService, request: object) =>
          new Promise<T>((resolve, reject) => {
            const method = (raw as unknown as Record<string, (request: object, metadata: Metadata, callback: (error: ServiceError | null, response: T) => void) => void>)[rpc];
            if (!method) throw new Error(`no RPC ${rpc}`);
            method.call(raw, withDefaults(rpc, request), metadata, (error, response) => (error ? reject(error) : resolve(response)));
          }),
      };
    },
    async close() {
      for (const client of clients) client.close();
      registration.closeStreams();
      await http.close();
      sessions.close();
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
      await store.close();
    },
  };
}
