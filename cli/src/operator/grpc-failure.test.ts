// Tests of the one-line message for a failed call: an unreachable coordinator is named with its
// address and the reason, never grpc-js's dangling "Resolution note: ".
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { describe, it } from "node:test";
import { AdminSession } from "./admin-session.js";
import { unreachableReason } from "./grpc-failure.js";

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("a coordinator that cannot be reached", () => {
  it("is reported as one line with its address and 'connection refused'", async () => {
    const address = `127.0.0.1:${await closedPort()}`;
    const session = new AdminSession({ address, token: "vigil_x" });
    try {
      await assert.rejects(session.call("listServices"), (error: Error) => {
        assert.equal(error.message, `cannot reach the coordinator at ${address}: connection refused`);
        return true;
      });
    } finally {
      session.close();
    }
  });

  it("words grpc-js's UNAVAILABLE details without the empty resolution note", () => {
    assert.equal(unreachableReason("No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:1. Resolution note: "), "connection refused");
    assert.equal(unreachableReason("No connection established. Last error: Error: connect ETIMEDOUT 10.0.0.1:7465. Resolution note: "), "connection timed out");
    assert.equal(unreachableReason("Name resolution failed for target dns:nohost.invalid:1"), "the host name does not resolve");
    assert.equal(unreachableReason("No connection established. Last error: something odd. Resolution note: "), "something odd");
    assert.equal(unreachableReason("the service is draining"), undefined);
  });
});
