// The agent's registry counts what supervision did: restarts, a crash-loop disable, services by
// state, and reads the outbox and the link at scrape time; two agents in one process keep apart.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { testDesired } from "../testing/desired-fixtures.js";
import { fakeHost } from "../testing/fake-host.js";
import { createAgentMetrics } from "./agent-metrics.js";

const KEY = "alice/web";

async function value(metrics: ReturnType<typeof createAgentMetrics>, series: string): Promise<number | undefined> {
  const line = (await metrics.registry.metrics()).split("\n").find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

void describe("agent metrics", () => {
  void it("count a crash loop's restarts and its disable, and services by state", async () => {
    const fake = fakeHost({ restart_policy: { max_failures: 4, failure_window_ms: 60_000, jitter_fraction: 0 } });
    const metrics = createAgentMetrics();
    metrics.watch({ supervisor: fake.host, outbox: { pending: () => 3 }, linkConnected: () => true });
    fake.driver.behave(KEY, { exitAfterMs: 100, exitCode: 1 });
    await fake.host.apply([testDesired()]);
    await fake.clock.advance(120_000);
    assert.equal(await value(metrics, "vigil_agent_service_restarts_total"), 3, "four starts: three restarts");
    assert.equal(await value(metrics, "vigil_agent_crash_loop_disables_total"), 1);
    assert.equal(await value(metrics, 'vigil_agent_service_events_total{kind="exited"}'), 4);
    assert.equal(await value(metrics, 'vigil_agent_services{state="disabled"}'), 1);
    assert.equal(await value(metrics, 'vigil_agent_services{state="running"}'), 0);
    assert.equal(await value(metrics, "vigil_agent_outbox_depth"), 3);
    assert.equal(await value(metrics, "vigil_agent_link_connected"), 1);
  });

  void it("keeps each agent's figures in its own registry", async () => {
    const first = createAgentMetrics();
    const second = createAgentMetrics();
    first.launched(20);
    assert.equal(await value(first, "vigil_agent_launch_duration_seconds_count"), 1);
    assert.equal(await value(first, 'vigil_agent_launch_duration_seconds_bucket{le="0.025"}'), 1);
    assert.equal(await value(second, "vigil_agent_launch_duration_seconds_count"), 0);
  });
});
