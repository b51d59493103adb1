// Tests of RestartServices on the agent: every named service is restarted at once, and the ones
// that could not be come back in the result with their reason, without failing the others.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type Command } from "@vigil/shared";
import { ServiceNotFound } from "../supervisor/supervisor-errors.js";
import { executeCommand } from "./execute-command.js";
import { type LinkSupervisor } from "./link-supervisor.js";

function supervisorRestarting(known: readonly string[], restarted: string[]): LinkSupervisor {
  const restart = async (key: string) => {
    if (!known.includes(key)) throw new ServiceNotFound(key);
    restarted.push(key);
  };
  return { restart } as unknown as LinkSupervisor;
}

describe("RestartServices", () => {
  test("restarts every known service and reports the unknown one as NOT_FOUND, the command itself succeeding", async () => {
    const restarted: string[] = [];
    const services = [{ account: "acme", name: "web" }, { account: "acme", name: "gone" }, { account: "acme", name: "api" }];
    const command: Command = { requestId: "r1", deadlineMs: 0, action: { $case: "restartServices", value: { services } } };
    const result = await executeCommand(supervisorRestarting(["acme/web", "acme/api"], restarted), command, Date.now());
    assert.equal(result.ok, true);
    assert.deepEqual(restarted.sort(), ["acme/api", "acme/web"]);
    assert.deepEqual(result.result, { $case: "serviceErrors", value: { errors: [{ service: { account: "acme", name: "gone" }, message: "NOT_FOUND: no service acme/gone on this host" }] } });
  });
});
