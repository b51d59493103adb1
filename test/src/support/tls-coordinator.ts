// A coordinator for the tenant-boundary attack tests: its own PostgreSQL database, TLS with a CA
// created on first start in a temporary state directory, listening on loopback as a real peer would.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { credentials } from "@grpc/grpc-js";
import { createTestDatabase, createToken, type CoordinatorTls, defaultServerNames, loadOrCreateCoordinatorTls, type RunningCoordinator, startCoordinator, type Store, openStore } from "@vigil/coordinator";
import { type AddedHost, type EventSource } from "@vigil/shared";
import { AdminApi } from "./admin-api.js";
import { recordingLogger } from "@vigil/shared/logging";

export interface TlsCoordinator {
  readonly coordinator: RunningCoordinator;
  readonly store: Store;
  readonly tls: CoordinatorTls;
  readonly admin: AdminApi;
  readonly stateDir: string;
  readonly log: string[];
  addHost(name: string): Promise<AddedHost>;
  close(): Promise<void>;
}

export async function startTlsCoordinator(events: EventSource): Promise<TlsCoordinator> {
  const database = await createTestDatabase();
  const store = await openStore({ url: database.url });
  const stateDir = mkdtempSync(join(tmpdir(), "vigil-tls-coordinator-"));
  const tls = await loadOrCreateCoordinatorTls(join(stateDir, "tls"), defaultServerNames([]));
  const log: string[] = [];
  const coordinator = await startCoordinator({ store, events, listen: "127.0.0.1:0", tls, revocationCheckMs: 100, logger: recordingLogger(log).logger });
  const operator = await createToken(store.db, { scope: "operator" });
  const admin = new AdminApi(coordinator.address, operator.token, credentials.createSsl(Buffer.from(tls.caPem)));
  return {
    coordinator,
    store,
    tls,
    admin,
    stateDir,
    log,
    addHost: (name) => admin.call<AddedHost>("addHost", { name, pool: "public" }),
    async close() {
      admin.close();
      await coordinator.close();
      await store.close();
      await database.drop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
