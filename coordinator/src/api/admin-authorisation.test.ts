// The authorisation matrix: every Admin RPC x every kind of caller x both transports (gRPC, HTTP),
// asserting the exact status (over HTTP: its name and the HTTP status of the one table). Account
// RPCs name account alpha; beta's token must get NOT_FOUND as for a missing name.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type ClientReadableStream, type Metadata, status } from "@grpc/grpc-js";
import { Account, AdminService, FirewallRule, ServiceInput } from "@vigil/shared";
import { recordServiceEvent } from "../store/repositories/events.js";
import { createFirewallRule } from "../store/repositories/firewall.js";
import { allocatePort } from "../store/repositories/ports.js";
import { registerHost } from "../store/repositories/hosts.js";
import { createToken } from "../store/repositories/tokens.js";
import { httpOutcome } from "../http/testing/http-admin-client.js";
import { ADMIN_RPC_ACCESS } from "./rpc-policy.js";
import { type AdminTestServer, startAdminTestServer, TEST_HOST, withDefaults } from "./testing/admin-test-server.js";

type Rpc = keyof typeof AdminService;
type CallerKind = "none" | "malformed" | "revoked" | "otherAccount" | "rightAccount" | "operator" | "host";
const CALLERS: readonly CallerKind[] = ["none", "malformed", "revoked", "otherAccount", "rightAccount", "operator", "host"];

interface MatrixRow {
  /** operator: only operator tokens; account: operator or alpha's own token. */
  readonly access: "operator" | "account";
  /**
   * What a permitted caller gets. UNAVAILABLE for the RPCs that need the service's agent: no
   * agent is connected in this test, so even the right token cannot go further.
   */
  readonly permitted: status;
  /** A fresh, valid request (unique names, so every cell can succeed on its own). */
  readonly request: (server: AdminTestServer, n: number) => Promise<object>;
}

const service = (name = "web") => () => Promise.resolve({ account: "alpha", name });
const alpha = () => Promise.resolve({ account: "alpha" });
const OK = status.OK;

const MATRIX: Readonly<Record<Rpc, MatrixRow>> = {
  createAccount: { access: "operator", permitted: OK, request: (_s, n) => Promise.resolve({ account: Account.fromPartial({ name: `acct-${n}`, cloud: "public", unixUser: `acct${n}`, uid: 20_000 + n, gid: 20_000 + n, home: `/home/acct-${n}` }) }) },
  getAccount: { access: "account", permitted: OK, request: () => Promise.resolve({ name: "alpha" }) },
  listAccounts: { access: "operator", permitted: OK, request: () => Promise.resolve({}) },
  updateAccount: { access: "operator", permitted: OK, request: () => Promise.resolve({ name: "alpha", limits: { tasksMax: 500 } }) },
  listHosts: { access: "operator", permitted: OK, request: () => Promise.resolve({}) },
  cordonHost: { access: "operator", permitted: OK, request: () => Promise.resolve({ name: TEST_HOST }) },
  uncordonHost: { access: "operator", permitted: OK, request: () => Promise.resolve({ name: TEST_HOST }) },
  addHost: { access: "operator", permitted: OK, request: (_s, n) => Promise.resolve({ name: `added-${n}`, pool: "public" }) },
  getHost: { access: "operator", permitted: OK, request: () => Promise.resolve({ name: TEST_HOST }) },
  removeHost: { access: "operator", permitted: OK, request: async (s, n) => (await registerHost(s.store.db, { name: `gone-${n}`, pool: "public" }), { name: `gone-${n}` }) },
  drainHost: { access: "operator", permitted: OK, request: async (s, n) => (await registerHost(s.store.db, { name: `drained-${n}`, pool: "public" }), { name: `drained-${n}` }) },
  createService: { access: "account", permitted: OK, request: (_s, n) => Promise.resolve({ account: "alpha", service: ServiceInput.fromPartial({ name: `svc-${n}`, command: "sleep 1000" }) }) },
  createServices: {
    access: "account",
    permitted: OK,
    request: (_s, n) => Promise.resolve({ account: "alpha", services: [ServiceInput.fromPartial({ name: `batch-${n}-a`, command: "sleep 1000" }), ServiceInput.fromPartial({ name: `batch-${n}-b`, command: "sleep 1000" })] }),
  },
  getService: { access: "account", permitted: OK, request: service() },
  listServices: { access: "account", permitted: OK, request: alpha },
  updateService: { access: "account", permitted: OK, request: () => Promise.resolve({ account: "alpha", name: "web", annotation: "updated" }) },
  deleteService: { access: "account", permitted: OK, request: (s, n) => withService(s, `del-${n}`) },
  startService: { access: "account", permitted: OK, request: service() },
  stopService: { access: "account", permitted: OK, request: service() },
  restartService: { access: "account", permitted: status.UNAVAILABLE, request: service() },
  signalService: { access: "account", permitted: status.UNAVAILABLE, request: () => Promise.resolve({ account: "alpha", name: "web", signal: "SIGUSR1" }) },
  enableService: { access: "account", permitted: OK, request: service() },
  disableService: { access: "account", permitted: OK, request: () => Promise.resolve({ account: "alpha", name: "web", reason: "maintenance" }) },
  controlServices: { access: "account", permitted: OK, request: () => Promise.resolve({ account: "alpha", nameGlob: "web*", action: "stop" }) },
  tailLogs: { access: "account", permitted: status.UNAVAILABLE, request: () => Promise.resolve({ account: "alpha", name: "web", lines: 10 }) },
  followLogs: { access: "account", permitted: status.UNAVAILABLE, request: () => Promise.resolve({ account: "alpha", name: "web", lines: 10 }) },
  listProcesses: { access: "account", permitted: status.UNAVAILABLE, request: service() },
  listEvents: { access: "account", permitted: OK, request: alpha },
  watchEvents: { access: "account", permitted: OK, request: alpha },
  listPorts: { access: "account", permitted: OK, request: alpha },
  allocatePort: { access: "account", permitted: OK, request: alpha },
  releasePort: { access: "account", permitted: OK, request: async (s) => ({ account: "alpha", port: (await allocatePort(s.store.db, "alpha")).port }) },
  createFirewallRule: {
    access: "account",
    // Authorised, then refused: alpha is a public-cloud account, whose hosts are unfiltered by design.
    permitted: status.FAILED_PRECONDITION,
    request: () => Promise.resolve({ rule: FirewallRule.fromPartial({ account: "alpha", protocol: "tcp", action: "accept", direction: "in", hosts: ["2001:db8::/32"], ports: ["8300"], ipVersion: "ipv6" }) }),
  },
  listFirewallRules: { access: "account", permitted: OK, request: alpha },
  deleteFirewallRule: {
    access: "account",
    permitted: OK,
    request: async (s) => ({ account: "alpha", id: (await createFirewallRule(s.store.db, "alpha", { protocol: "udp", action: "drop", direction: "in", hosts: [], ports: [], ipVersion: "both" })).id }),
  },
  issueToken: { access: "operator", permitted: OK, request: () => Promise.resolve({ scope: "account", subject: "alpha", description: "matrix" }) },
  revokeToken: { access: "operator", permitted: OK, request: async (s) => ({ id: (await createToken(s.store.db, { scope: "account", subject: "alpha" })).record.id }) },
  listTokens: { access: "operator", permitted: OK, request: () => Promise.resolve({}) },
};

async function withService(server: AdminTestServer, name: string): Promise<object> {
  await server.control.createService({ account: "alpha", spec: { name, command: "sleep 1000" } });
  return { account: "alpha", name };
}

function expected(row: MatrixRow, caller: CallerKind): status {
  if (caller === "none" || caller === "malformed" || caller === "revoked") return status.UNAUTHENTICATED;
  if (caller === "host") return status.PERMISSION_DENIED;
  if (caller === "operator") return row.permitted;
  if (row.access === "operator") return status.PERMISSION_DENIED;
  return caller === "rightAccount" ? row.permitted : status.NOT_FOUND;
}

/** The authorization header each kind of caller sends, on either transport. */
function authorizationOf(server: AdminTestServer, caller: CallerKind): string | undefined {
  switch (caller) {
    case "none":
      return undefined;
    case "malformed":
      return `Basic ${server.tokens.operator}`;
    case "revoked":
      return `Bearer ${server.tokens.revoked}`;
    case "otherAccount":
      return `Bearer ${server.tokens.beta}`;
    case "rightAccount":
      return `Bearer ${server.tokens.alpha}`;
    case "operator":
      return `Bearer ${server.tokens.operator}`;
    case "host":
      return `Bearer ${server.tokens.host}`;
  }
}

/** One transport: the status a call ends with; a stream is OK once it delivered a message. */
interface Transport {
  readonly name: string;
  outcome(server: AdminTestServer, rpc: Rpc, authorization: string | undefined, request: object): Promise<status>;
}

const GRPC: Transport = {
  name: "gRPC",
  async outcome(server, rpc, authorization, request) {
    const client = server.client(undefined, authorization === undefined ? {} : { header: authorization });
    if (!AdminService[rpc].responseStream) {
      try {
        await client.call(rpc, request);
        return OK;
      } catch (error) {
        return (error as { code: status }).code;
      }
    }
    const open = client.raw[rpc as "watchEvents"].bind(client.raw) as (request: object, metadata: Metadata) => ClientReadableStream<unknown>;
    const stream = open(withDefaults(rpc, request), client.metadata);
    return new Promise<status>((resolve) => {
      stream.on("data", () => {
        stream.cancel();
        resolve(OK);
      });
      stream.on("error", (error: { code: status }) => resolve(error.code === status.CANCELLED ? OK : error.code));
      stream.on("end", () => resolve(OK));
    });
  },
};

const HTTP: Transport = {
  name: "HTTP",
  outcome: (server, rpc, authorization, request) =>
    httpOutcome(server.httpUrl, rpc, withDefaults(rpc, request), { ...(authorization !== undefined && { authorization }), stream: AdminService[rpc].responseStream }),
};

async function outcome(transport: Transport, server: AdminTestServer, rpc: Rpc, caller: CallerKind, n: number): Promise<status> {
  const request = await MATRIX[rpc].request(server, n);
  // A watcher that was let in sees only events recorded after it opened: keep recording until it has one.
  const timer =
    rpc === "watchEvents"
      ? setInterval(() => {
          void recordServiceEvent(server.store.db, { id: `matrix-${n}-${Date.now()}`, host: TEST_HOST, account: "alpha", service: "web", kind: "started", state: "running", at: new Date() });
        }, 100)
      : undefined;
  try {
    return await transport.outcome(server, rpc, authorizationOf(server, caller), request);
  } finally {
    clearInterval(timer);
  }
}

describe("Admin authorisation matrix", () => {
  let server: AdminTestServer;
  before(async () => {
    server = await startAdminTestServer();
    await server.control.createService({ account: "alpha", spec: { name: "web", command: "sleep 1000" } });
  });
  after(() => server.close());

  test("the matrix and the access table cover every Admin RPC", () => {
    const rpcs = Object.keys(AdminService).sort();
    assert.deepEqual(Object.keys(MATRIX).sort(), rpcs);
    assert.deepEqual(Object.keys(ADMIN_RPC_ACCESS).sort(), rpcs);
    for (const rpc of rpcs as Rpc[]) assert.equal(ADMIN_RPC_ACCESS[rpc].scope === "operator", MATRIX[rpc].access === "operator", rpc);
  });

  let n = 0;
  for (const transport of [GRPC, HTTP]) {
    for (const rpc of Object.keys(MATRIX) as Rpc[]) {
      test(`${transport.name} ${rpc}: ${CALLERS.map((caller) => `${caller} -> ${status[expected(MATRIX[rpc], caller)]}`).join(", ")}`, async () => {
        const got: Record<string, string> = {};
        const want: Record<string, string> = {};
        for (const caller of CALLERS) {
          got[caller] = status[await outcome(transport, server, rpc, caller, ++n)];
          want[caller] = status[expected(MATRIX[rpc], caller)];
        }
        assert.deepEqual(got, want);
      });
    }
  }
});
