// UpdateService as a read-modify-write: concurrent partial updates are all kept, and an expected
// revision that the service has moved past is FAILED_PRECONDITION with nothing changed.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { status } from "@grpc/grpc-js";
import { type Service, ServiceInput } from "@vigil/shared";
import { type AdminTestServer, failure, startAdminTestServer } from "./testing/admin-test-server.js";

for (const backend of ["postgres", "pglite"] as const) {
  describe(`UpdateService revisions (${backend})`, () => {
    let server: AdminTestServer;
    before(async () => {
      server = await startAdminTestServer({ backend });
      await server.client(server.tokens.alpha).call("createService", { service: ServiceInput.fromPartial({ name: "web", command: "exec sleep 1000" }) });
    });
    after(() => server.close());
    const alpha = () => server.client(server.tokens.alpha);
    const read = () => alpha().call<Service>("getService", { name: "web" });

    test("20 concurrent partial updates, each adding its own environment variable, all survive", async () => {
      const keys = Array.from({ length: 20 }, (_, index) => `KEY_${index}`);
      const start = await read();
      await Promise.all(keys.map((key) => alpha().call("updateService", { name: "web", environment: { [key]: "set" } })));
      const end = await read();
      assert.deepEqual(Object.keys(end.environment).sort(), [...keys].sort());
      assert.ok(end.revision > start.revision);
    });

    test("an update at the revision the caller read applies; one at an older revision is refused and changes nothing", async () => {
      const current = await read();
      const applied = await alpha().call<Service>("updateService", { name: "web", annotation: "first", expectedRevision: current.revision });
      assert.equal(applied.annotation, "first");
      assert.ok(applied.revision > current.revision);
      const stale = await failure(alpha().call("updateService", { name: "web", annotation: "second", expectedRevision: current.revision }));
      assert.equal(stale.code, status.FAILED_PRECONDITION);
      assert.match(stale.details, new RegExp(`^expected_revision: service alpha/web is at revision ${applied.revision}, not ${current.revision}`));
      const after = await read();
      assert.equal(after.annotation, "first");
      assert.equal(after.revision, applied.revision);
    });

    test("of two writers that read the same revision, exactly one wins", async () => {
      const current = await read();
      const outcomes = await Promise.allSettled(["left", "right"].map((annotation) => alpha().call<Service>("updateService", { name: "web", annotation, expectedRevision: current.revision })));
      const won = outcomes.filter((outcome) => outcome.status === "fulfilled");
      assert.equal(won.length, 1);
      const winner = (won[0] as PromiseFulfilledResult<Service>).value;
      const lost = outcomes.find((outcome) => outcome.status === "rejected");
      assert.equal((lost?.reason as { code?: number } | undefined)?.code, status.FAILED_PRECONDITION);
      const final = await read();
      assert.equal(final.annotation, winner.annotation);
      assert.equal(final.revision, winner.revision);
    });
  });
}
