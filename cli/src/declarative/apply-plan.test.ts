// Table tests of the apply plan: create, update with the differing fields, unchanged, and
// delete only with prune.
import assert from "node:assert/strict";
import { test } from "node:test";
import { type CompiledServiceSpec, compileServiceSpec, DEFAULT_STOP_SIGNAL, DEFAULT_STOP_TIMEOUT_MS, Service } from "@vigil/shared";
import { describeChange, planApply } from "./apply-plan.js";

function spec(input: Record<string, unknown>): CompiledServiceSpec {
  const compiled = compileServiceSpec(input);
  assert.ok(compiled.ok);
  return compiled.value;
}

function current(input: Partial<Service>): Service {
  return Service.fromPartial({ account: "alpha", desiredState: "running", stopSignal: DEFAULT_STOP_SIGNAL, stopTimeoutMs: DEFAULT_STOP_TIMEOUT_MS, ...input });
}

const web = current({ name: "web", command: "node server.js", environment: { NODE_ENV: "production" } });
const worker = current({ name: "worker", command: "php worker.php" });

const cases: { name: string; existing?: Service[]; desired: CompiledServiceSpec[]; prune: boolean; plan: string[]; unchanged: string[]; kept: string[] }[] = [
  { name: "an empty account gets every service created", existing: [], desired: [spec({ name: "web", command: "node server.js" })], prune: false, plan: ["create web"], unchanged: [], kept: [] },
  {
    name: "a matching service is unchanged; one absent from the file is kept without prune",
    desired: [spec({ name: "web", command: "node server.js", environment: { NODE_ENV: "production" } })],
    prune: false,
    plan: [],
    unchanged: ["web"],
    kept: ["worker"],
  },
  {
    name: "prune deletes what the file does not list",
    desired: [spec({ name: "web", command: "node server.js", environment: { NODE_ENV: "production" } })],
    prune: true,
    plan: ["delete worker"],
    unchanged: ["web"],
    kept: [],
  },
  {
    name: "an update lists exactly the fields that differ",
    desired: [spec({ name: "web", command: "node server.js --cluster", environment: {}, is_disabled: true }), spec({ name: "worker", command: "php worker.php", annotation: "queue" })],
    prune: false,
    plan: ["update web (command, environment, is_disabled)", "update worker (annotation)"],
    unchanged: [],
    kept: [],
  },
  {
    name: "stop settings and the health check's grace period are compared too",
    existing: [web, current({ name: "worker", command: "php worker.php", checkHealthCommand: "true", healthCheckIntervalMs: 30_000, healthCheckTimeoutMs: 10_000, healthCheckGraceMs: 30_000 })],
    desired: [
      spec({ name: "web", command: "node server.js", environment: { NODE_ENV: "production" }, stop_signal: "INT", stop_timeout: 3_000 }),
      spec({ name: "worker", command: "php worker.php", check_health_command: "true", health_check_grace_period: 5_000 }),
    ],
    prune: false,
    plan: ["update web (stop_signal, stop_timeout)", "update worker (health_check_grace_period)"],
    unchanged: [],
    kept: [],
  },
  {
    name: "limits are compared in bytes: a filed limit the service lacks, one it has and one the file drops",
    existing: [web, current({ name: "worker", command: "php worker.php", limits: { memoryMaxBytes: 512 * 1024 * 1024, tasksMax: 64 } })],
    desired: [
      spec({ name: "web", command: "node server.js", environment: { NODE_ENV: "production" }, cpu_max: 0.5 }),
      spec({ name: "worker", command: "php worker.php", memory_max: "512M" }),
    ],
    prune: false,
    plan: ["update web (cpu_max)", "update worker (tasks_max)"],
    unchanged: [],
    kept: [],
  },
];

for (const { name, existing = [web, worker], desired, prune, plan, unchanged, kept } of cases) {
  test(name, () => {
    const result = planApply(desired, existing, { prune });
    assert.deepEqual(result.changes.map(describeChange), plan);
    assert.deepEqual(result.unchanged, unchanged);
    assert.deepEqual(result.kept, kept);
  });
}
