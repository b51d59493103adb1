// The authorisation matrix: every Admin RPC x every kind of caller, asserting the exact gRPC
// status. Account RPCs name account alpha; beta's token must get NOT_FOUND as for a missing name.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type ClientReadableStream, type Metadata, status } from "@grpc/grpc-js";
import { Account, AdminService, FirewallRule, ServiceInput } from "@vigil/shared";
import { recordServiceEvent } from "../store/repositories/events.js";
import { createFirewallRule } from "../store/repositories/firewall.js";
import { allocatePort } from "../store/repositories/ports.js";
import { registerHost } from "../store/repositories/hosts.js";
import { createToken } from "../store/repositories/tokens.js";
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
  listHosts: { access: "operator", permitted: OK, request: () => Promise.resolve({}) },
  cordonHost: { access: "operator", permitted: OK, request: () => Promise.resolve({ name: TEST_HOST }) },
  uncordonHost: { access: "operator", permitted: OK, request: () => Promise.resolve({ name: TEST_HOST }) },
  addHost: { access: "operator", permitted: OK, request: (_s, n) => Promise.resolve({ name: `added-${n}`, pool: "public" }) },
  getHost: { access: "operator", permitted: OK, request: () => Promise.resolve({ name: TEST_HOST }) },
  removeHost: { access: "operator", permitted: OK, request: async (s, n) => (await registerHost(s.store.db, { name: `gone-${n}`, pool: "public" }), { name: `gone-${n}` }) },
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

function clientFor(server: AdminTestServer, caller: CallerKind) {
  switch (caller) {
    case "none":
      return server.client();
    case "malformed":
      return server.client(undefined, { header: `Basic ${server.tokens.operator}` });
    case "revoked":
      return server.client(server.tokens.revoked);
    case "otherAccount":
      return server.client(server.tokens.beta);
    case "rightAccount":
      return server.client(server.tokens.alpha);
    case "operator":
      return server.client(server.tokens.operator);
    case "host":
      return server.client(server.tokens.host);
  }
}

/** A stream's outcome: its error code, or OK once it delivered an event recorded after it opened. */
async function streamOutcome(server: AdminTestServer, rpc: "followLogs" | "watchEvents", caller: CallerKind, request: object, n: number): Promise<status> {
  const client = clientFor(server, caller);
  const open = client.raw[rpc].bind(client.raw) as (request: object, metadata: Metadata) => ClientReadableStream<unknown>;
  const stream = open(withDefaults(rpc, request), client.metadata);
  return new Promise<status>((resolve) => {
    stream.on("data", () => {
      stream.cancel();
      resolve(OK);
    });
    stream.on("error", (error: { code: status }) => resolve(error.code === status.CANCELLED ? OK : error.code));
    stream.on("end", () => resolve(OK));
    if (rpc === "watchEvents") {
      // Keep recording until the watcher (if it was let in) has started and sees one.
      const timer = setInterval(() => {
        void recordServiceEvent(server.store.db, { id: `matrix-${n}-${Date.now()}`, host: TEST_HOST, account: "alpha", service: "web", kind: "started", state: "running", at: new Date() });
      }, 100);
      stream.on("close", () => clearInterval(timer));
      stream.on("error", () => clearInterval(timer));
      stream.on("data", () => clearInterval(timer));
    }
  });
}

async function outcome(server: AdminTestServer, rpc: Rpc, caller: CallerKind, n: number): Promise<status> {
  const request = await MATRIX[rpc].request(server, n);
  if (rpc === "followLogs" || rpc === "watchEvents") return streamOutcome(server, rpc, caller, request, n);
  try {
    await clientFor(server, caller).call(rpc, request);
    return OK;
  } catch (error) {
    return (error as { code: status }).code;
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
  for (const rpc of Object.keys(MATRIX) as Rpc[]) {
    test(`${rpc}: ${CALLERS.map((caller) => `${caller} -> ${status[expected(MATRIX[rpc], caller)]}`).join(", ")}`, async () => {
      const got: Record<string, string> = {};
      const want: Record<string, string> = {};
      for (const caller of CALLERS) {
        got[caller] = status[await outcome(server, rpc, caller, ++n)];
        want[caller] = status[expected(MATRIX[rpc], caller)];
      }
      assert.deepEqual(got, want);
    });
  }
});
