// The hosting platform's view of Vigil: /metrics of a real `vigil coordinator` and `vigil agent`
// (Prometheus text format) count a service's restart after its process is killed with SIGKILL, and
// both daemons, writing to a pipe, print nothing but JSON lines with level, time and message.
import assert from "node:assert/strict";
import { randomInt } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { servicePids } from "./support/service-processes.js";
import { type AgentHost, SystemCluster } from "./support/system-cluster.js";
import { type TestProcess } from "./support/test-process.js";
import { waitFor } from "./support/wait-for.js";

const METRICS_LINE = /serving metrics on http:\/\/([^\s"/]+)\/metrics/;

async function scrape(address: string): Promise<string> {
  const response = await fetch(`http://${address}/metrics`, { signal: AbortSignal.timeout(10_000) });
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
  return response.text();
}

/** The value of one sample, e.g. `vigil_agent_services{state="running"}`; undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

function metricsAddress(process: TestProcess): string {
  const match = METRICS_LINE.exec(process.output);
  assert.ok(match, `no metrics address in:\n${process.output.slice(-2_000)}`);
  return match[1]!;
}

describe("metrics and logs of the daemons", () => {
  let cluster: SystemCluster;
  let host: AgentHost;
  let coordinatorMetrics: string;
  let agentMetrics: string;

  before(async () => {
    cluster = await SystemCluster.start(1);
    try {
      await cluster.startCoordinator(["--metrics-listen", "127.0.0.1:0"]);
      host = await cluster.addHost("a");
      // The agent lives in its namespace: it serves on the namespace's own address, which this test reaches through the veth.
      await cluster.startAgent(host, host.token, { args: ["--metrics-listen", `${host.network.address}:0`] });
      await cluster.waitForHostState(host, "up");
      await cluster.addAccount("alpha");
      coordinatorMetrics = metricsAddress(cluster.coordinator);
      agentMetrics = metricsAddress(host.process!);
    } catch (error) {
      await cluster.close();
      throw error;
    }
  });
  after(async () => cluster?.close());

  it("counts a service's restart after SIGKILL on the agent's and the coordinator's /metrics", async () => {
    await cluster.createRunningService("alpha", "web", `exec sleep ${1_000_000 + randomInt(0, 1_000_000)}`);
    const agentBefore = await scrape(agentMetrics);
    const coordinatorBefore = await scrape(coordinatorMetrics);
    assert.equal(sample(agentBefore, 'vigil_agent_services{state="running"}'), 1, agentBefore);
    assert.equal(sample(agentBefore, "vigil_agent_link_connected"), 1);
    assert.ok((sample(agentBefore, "vigil_agent_launch_duration_seconds_count") ?? 0) >= 1, "the launch is in the histogram");
    assert.equal(sample(coordinatorBefore, "vigil_coordinator_agent_link_sessions"), 1, coordinatorBefore);
    assert.equal(sample(coordinatorBefore, 'vigil_coordinator_hosts{state="up"}'), 1);
    assert.equal(sample(coordinatorBefore, 'vigil_coordinator_services{state="running"}'), 1);
    assert.ok((sample(coordinatorBefore, "vigil_coordinator_ingest_lag_seconds_count") ?? 0) >= 1, "the started event's lag is in the histogram");
    assert.ok((sample(coordinatorBefore, 'vigil_coordinator_api_requests_total{api="admin-grpc",method="CreateService",code="OK"}') ?? 0) >= 1, coordinatorBefore);
    const agentRestarts = sample(agentBefore, "vigil_agent_service_restarts_total") ?? NaN;
    const coordinatorRestarts = sample(coordinatorBefore, "vigil_coordinator_service_restarts_total") ?? NaN;

    const [pid] = servicePids(host.name, "alpha", "web");
    assert.ok(pid !== undefined, "the service runs in its cgroup");
    process.kill(pid, "SIGKILL");

    const agentAfter = await waitFor("the agent's restart counter to grow", async () => {
      const text = await scrape(agentMetrics);
      return (sample(text, "vigil_agent_service_restarts_total") ?? 0) > agentRestarts ? text : undefined;
    }, { timeoutMs: 60_000, intervalMs: 200 });
    assert.equal(sample(agentAfter, "vigil_agent_service_restarts_total"), agentRestarts + 1);
    assert.ok((sample(agentAfter, 'vigil_agent_service_events_total{kind="exited"}') ?? 0) >= 1);
    const coordinatorAfter = await waitFor("the coordinator's restart counter to grow", async () => {
      const text = await scrape(coordinatorMetrics);
      return (sample(text, "vigil_coordinator_service_restarts_total") ?? 0) > coordinatorRestarts ? text : undefined;
    }, { timeoutMs: 60_000, intervalMs: 200 });
    assert.equal(sample(coordinatorAfter, "vigil_coordinator_service_restarts_total"), coordinatorRestarts + 1);
    assert.equal(sample(coordinatorAfter, "vigil_coordinator_crash_loop_disables_total"), 0);
  });

  it("serves /metrics only", async () => {
    const response = await fetch(`http://${agentMetrics}/`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(response.status, 404);
  });

  it("prints only JSON lines with level, time and message on a pipe, the coordinator and the agent alike", () => {
    for (const daemon of [cluster.coordinator, host.process!]) {
      const lines = daemon.output.split("\n").filter((line) => line !== "");
      assert.ok(lines.length >= 3, `${daemon.name} logged its start:\n${daemon.output}`);
      for (const line of lines) {
        let record: Record<string, unknown>;
        try {
          record = JSON.parse(line) as Record<string, unknown>;
        } catch {
          assert.fail(`${daemon.name} printed a line that is not JSON: ${line}`);
        }
        assert.match(String(record["level"]), /^(trace|debug|info|warn|error|fatal)$/, line);
        assert.ok(!Number.isNaN(Date.parse(String(record["time"]))), line);
        assert.equal(typeof record["msg"], "string", line);
      }
    }
  });
});
