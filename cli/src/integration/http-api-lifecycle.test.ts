// A service's whole life over the HTTP API of `vigil up`, with nothing but fetch: create, run,
// update, logs (extract and live), processes, restart, signal, stop, start, disable, enable,
// events, delete, and the errors a platform meets on the way (409, 400 naming the field, 401, 404).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { defaultAccountName } from "../run/embedded-setup.js";
import { eventually } from "../testing/control-plane-harness.js";
import { httpJson, readNdjsonUntil } from "../testing/http-json.js";
import { startUpInScratchDir, type UpClient, type UpInstance } from "../testing/up-instance.js";

interface ServiceJson {
  readonly name: string;
  readonly command: string;
  readonly environment: Record<string, string>;
  readonly annotation: string;
  readonly is_disabled: boolean;
  readonly desired_state: string;
  readonly status?: { readonly state: string; readonly main_pid: number; readonly restarts: number };
}

describe("the HTTP API drives a service's life cycle", () => {
  let scratch: ReturnType<typeof startUpInScratchDir>;
  let up: UpInstance;
  let client: UpClient;

  before(async () => {
    scratch = startUpInScratchDir("vigil-http-");
    up = scratch.up;
    client = await up.ready();
  });

  after(async () => {
    client?.close();
    await up?.stop();
    scratch?.remove();
  });

  it("creates, runs, changes, observes, restarts, stops, disables and deletes a service", async () => {
    const account = defaultAccountName();
    const api = httpJson(client.httpUrl, client.token);
    const service = `/v1/accounts/${account}/services/web`;
    const state = (want: string, other?: (s: ServiceJson) => boolean) =>
      eventually(`web ${want}`, async () => {
        const { body } = await api<ServiceJson>("GET", service);
        return body.status?.state === want && (other?.(body) ?? true) ? body : undefined;
      }, 60_000);

    const created = await api<ServiceJson>("POST", `/v1/accounts/${account}/services`, {
      name: "web",
      command: 'echo "web starts as $$ saying $GREETING"; while true; do echo "tick $$"; sleep 0.3; done',
      environment: { GREETING: "hello" },
      annotation: "made over HTTP",
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual([created.body.name, created.body.environment, created.body.annotation, created.body.is_disabled], ["web", { GREETING: "hello" }, "made over HTTP", false]);
    const first = (await state("running", (s) => s.status!.main_pid > 0)).status!.main_pid;

    const again = await api<{ error: { code: string; fields: { field: string }[] } }>("POST", `/v1/accounts/${account}/services`, { name: "web", command: "true" });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, "ALREADY_EXISTS");
    const bad = await api<{ error: { fields: { field: string; rule: string }[] } }>("POST", `/v1/accounts/${account}/services`, { name: "Bad Name", command: "true", stop_timeout_ms: -1 });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.error.fields.map((field) => field.field), ["stop_timeout_ms"], "the schema refuses a negative number before the control plane sees the name");
    const badName = await api<{ error: { fields: { field: string; rule: string }[] } }>("POST", `/v1/accounts/${account}/services`, { name: "Bad Name", command: "true" });
    assert.equal(badName.status, 400);
    assert.deepEqual(badName.body.error.fields.map((field) => field.field), ["name"]);
    assert.equal((await httpJson(client.httpUrl, undefined)("GET", "/v1/services")).status, 401);

    const listed = await api<{ services: ServiceJson[] }>("GET", "/v1/services");
    assert.ok(listed.body.services.some((s) => s.name === "web"));
    const patched = await api<ServiceJson>("PATCH", service, { annotation: "changed over HTTP" });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.annotation, "changed over HTTP");

    await eventually("the first line in the log extract", async () => {
      const { body } = await api<{ lines: string[] }>("GET", `${service}/logs?lines=100`);
      return body.lines.some((line) => line.includes(`web starts as ${first} saying hello`)) ? true : undefined;
    }, 60_000);
    const processes = await api<{ processes: { pid: number }[] }>("GET", `${service}/processes`);
    assert.ok(processes.body.processes.some((p) => p.pid === first), JSON.stringify(processes.body));

    const restarted = await api("POST", `${service}/restart`);
    assert.equal(restarted.status, 200, JSON.stringify(restarted.body));
    const second = (await state("running", (s) => s.status!.main_pid > 0 && s.status!.main_pid !== first)).status!.main_pid;
    const followed = await readNdjsonUntil<{ lines: string[] }>(`${client.httpUrl}${service}/logs/follow?lines=1`, client.token, (chunk) => chunk.lines.some((line) => line === `tick ${second}`));
    assert.ok(followed.length >= 1);

    const signalled = await api("POST", `${service}/signal`, { signal: "SIGKILL", main_process_only: true });
    assert.equal(signalled.status, 200, JSON.stringify(signalled.body));
    await state("running", (s) => s.status!.main_pid !== second && s.status!.main_pid > 0);

    assert.equal((await api<ServiceJson>("POST", `${service}/stop`)).body.desired_state, "stopped");
    await state("stopped");
    assert.equal((await api("POST", `${service}/start`)).status, 200);
    await state("running");
    const disabled = await api<ServiceJson>("POST", `${service}/disable`, { reason: "maintenance" });
    assert.equal(disabled.body.is_disabled, true);
    await state("disabled");
    assert.equal((await api<ServiceJson>("POST", `${service}/enable`)).body.is_disabled, false);
    await state("running");

    const events = await api<{ events: { kind: string; service: { name: string } }[] }>("GET", `/v1/accounts/${account}/events?service=web&limit=200`);
    const kinds = new Set(events.body.events.map((event) => event.kind));
    for (const kind of ["started", "stopped", "disabled", "enabled"]) assert.ok(kinds.has(kind), `${kind} in ${[...kinds].join(", ")}`);

    assert.equal((await api("DELETE", service)).status, 200);
    const gone = await api<{ error: { code: string } }>("GET", service);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.error.code, "NOT_FOUND");
  });
});
