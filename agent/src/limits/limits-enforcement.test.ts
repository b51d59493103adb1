// Limits enforced on real processes of real test users, through the driver, in the cgroup mode this
// host offers (here: the v1 memory, pids and cpu hierarchies): a contained fork bomb, OOM kills of a
// service and of an account's sum, and a CPU cap that a live update raises. Figures go to the test log.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { NO_LIMITS, type ResourceLimits } from "@vigil/shared";
import { createDriverKit, type DriverKit, shellRequest } from "../driver/driver-test-kit.js";
import { type LaunchedProcess, type LaunchRequest, StartFailure } from "../driver/process-driver.js";
import { pollUntil } from "../driver/signal-pids.js";
import { createTestUser, type TestUser } from "../system/test-user.js";
import { probeLatencies, percentile, reserveLoopbackPort, waitForListener } from "./limits-test-probe.js";

const MIB = 1024 * 1024;
let kit: DriverKit;
let alice: TestUser;
let bob: TestUser;

before(() => {
  kit = createDriverKit();
  alice = createTestUser();
  bob = createTestUser();
});

after(async () => {
  await kit.cleanup();
  alice.remove();
  bob.remove();
});

function request(user: TestUser, service: string, command: string, serviceLimits: Partial<ResourceLimits> = {}, accountLimits: Partial<ResourceLimits> = {}): LaunchRequest {
  return {
    unit: `${user.name}/${service}`,
    command,
    cwd: user.home,
    env: { PATH: "/usr/bin:/bin", HOME: user.home },
    user: { name: user.name, uid: user.uid, gid: user.gid },
    limits: { account: user.name, accountLimits: { ...NO_LIMITS, ...accountLimits }, serviceLimits: { ...NO_LIMITS, ...serviceLimits } },
  };
}

/** Ends the unit by its cgroup and releases it, as the supervisor's stop does. */
async function stop(launched: LaunchedProcess): Promise<void> {
  await kit.driver.killAll(launched.tracking);
  assert.ok(await kit.driver.waitEmpty(launched.tracking, 30_000), "the unit did not empty after SIGKILL");
  await kit.driver.release(launched.tracking);
}

/** Launches and drains the output, so a chatty service (a fork bomb's "retry" lines) never blocks on a full pipe. */
async function launch(launchRequest: LaunchRequest): Promise<LaunchedProcess> {
  const launched = await kit.driver.launch(launchRequest);
  launched.output.resume();
  return launched;
}

const LISTENER = (port: number): string => `exec node -e "require('net').createServer((s) => s.end('ok')).listen(${port}, '127.0.0.1')"`;

void test("the host enforces limits with the v1 hierarchies here, and says so", () => {
  assert.equal(kit.driver.limitsMode.mode, "cgroup-v1", kit.driver.limitsMode.detail);
});

void test("a host whose configuration requires limits it cannot enforce takes no service, and says why", async (t) => {
  const strict = createDriverKit({ limitsMode: { mode: "none", detail: "cgroup v2 lacks memory; cgroup v1 lacks pids" }, requireLimits: true });
  t.after(() => strict.cleanup());
  await assert.rejects(strict.driver.launch(shellRequest("acme/web", "sleep 100")), (error: unknown) => {
    assert.ok(error instanceof StartFailure);
    assert.equal(error.message, "unit acme/web was not started: this host cannot enforce resource limits (cgroup v2 lacks memory; cgroup v1 lacks pids) and its configuration requires them");
    return true;
  });
});

void test("a fork bomb under a task limit of 256 is contained: another service of the account and one of another account keep answering", async () => {
  const [alicePort, bobPort] = [await reserveLoopbackPort(), await reserveLoopbackPort()];
  const aliceWeb = await launch(request(alice, "web", LISTENER(alicePort)));
  const bobWeb = await launch(request(bob, "web", LISTENER(bobPort)));
  await Promise.all([waitForListener(alicePort), waitForListener(bobPort)]);
  const baseline = await probeLatencies([alicePort, bobPort], 3_000);

  const bomb = await launch(request(alice, "bomb", "bash -c 'b() { b | b & }; b; wait'", { tasksMax: 256 }));
  assert.ok(await pollUntil(() => (kit.driver.limitCountersNow(bomb.tracking)?.taskLimitHits ?? 0) > 0, 30_000, 50), "the bomb never reached its task limit");
  const during = await probeLatencies([alicePort, bobPort], 10_000);
  const bombTasks = (await kit.driver.listPids(bomb.tracking)).length;
  const hits = (await kit.driver.limitCounters(bomb.tracking))?.taskLimitHits ?? 0;
  await stop(bomb);

  const p99 = percentile(during.latenciesMs, 99);
  console.log(
    `fork bomb: ${bombTasks} tasks in the bomb's cgroup (limit 256), ${hits} forks refused; probes of alice/web and bob/web: ` +
      `before p50 ${percentile(baseline.latenciesMs, 50).toFixed(2)} ms p99 ${percentile(baseline.latenciesMs, 99).toFixed(2)} ms; ` +
      `during ${during.latenciesMs.length} probes, ${during.failures} failed, p50 ${percentile(during.latenciesMs, 50).toFixed(2)} ms p99 ${p99.toFixed(2)} ms max ${Math.max(...during.latenciesMs).toFixed(2)} ms`,
  );
  assert.ok(bombTasks <= 256, `${bombTasks} tasks`);
  assert.equal(during.failures, 0);
  // The criterion is p99 < 50 ms. When other suites saturate this shared machine even the baseline
  // can miss it, and its p99 (a few slow probes) moves by 2x between two 3 s windows; then the bomb
  // must not make it worse than three times the baseline. An uncontained bomb stalls probes for seconds.
  const baselineP99 = percentile(baseline.latenciesMs, 99);
  assert.ok(p99 < 50 || p99 <= baselineP99 * 3, `probe p99 ${p99.toFixed(2)} ms during the bomb (baseline ${baselineP99.toFixed(2)} ms)`);
  assert.deepEqual(await kit.driver.listPids(bomb.tracking), [], "the bomb left processes behind");
  await stop(aliceWeb);
  await stop(bobWeb);
});

const ALLOCATE = (mib: number, thenHold: boolean): string =>
  `exec node -e "const kept = []; ${thenHold ? `kept.push(Buffer.alloc(${mib} * 1048576).fill(1)); setInterval(() => {}, 1000)` : "setInterval(() => kept.push(Buffer.alloc(8 * 1048576).fill(1)), 5)"}"`;

void test("a service that allocates past its memory maximum is OOM-killed, and its counter says so", async () => {
  const leak = await launch(request(alice, "leak", ALLOCATE(0, false), { memoryMaxBytes: 96 * MIB }));
  const exit = await Promise.race([leak.exited, timeout(60_000, "the leak was not OOM-killed within 60 s")]);
  const counters = await kit.driver.limitCounters(leak.tracking);
  console.log(`memory maximum 96 MiB: main process ended by ${exit.signal ?? `code ${exit.code}`}, ${counters?.oomKills} OOM kill(s), ${exit.at - leak.startedAt} ms after the start`);
  assert.equal(exit.signal, "SIGKILL");
  assert.ok((counters?.oomKills ?? 0) >= 1);
  await stop(leak);
});

function timeout(ms: number, message: string): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(message)), ms).unref());
}

void test("an account's memory maximum caps the sum of its services, each under its own maximum", async () => {
  const account = { memoryMaxBytes: 200 * MIB };
  // node's own pages are mostly shared file pages charged elsewhere: each service is its buffer and ~15 MiB.
  const first = await launch(request(bob, "one", ALLOCATE(120, true), { memoryMaxBytes: 160 * MIB }, account));
  // The second starts once the first holds its buffer: two allocating at once can both be chosen by
  // the kernel's OOM killer before the first victim's memory is freed (seen on a loaded CI).
  const holding = async () => (await kit.driver.inspect(first.tracking)).reduce((sum, process) => sum + process.rssBytes, 0) >= 120 * MIB;
  for (const deadline = Date.now() + 30_000; !(await holding()); await delay(50)) assert.ok(Date.now() < deadline, "the first service never held its 120 MiB");
  const second = await launch(request(bob, "two", ALLOCATE(120, true), { memoryMaxBytes: 160 * MIB }, account));
  const ended = await Promise.race([first.exited.then(() => first), second.exited.then(() => second), timeout(60_000, "neither service was OOM-killed within 60 s")]);
  const survivor = ended === first ? second : first;
  const killed = await kit.driver.limitCounters(ended.tracking);
  const exit = await ended.exited;
  const survivorPids = await kit.driver.listPids(survivor.tracking);
  console.log(`account maximum 200 MiB, two services of ~120 MiB each under their own 160 MiB: one ended by ${exit.signal}, ${killed?.oomKills} OOM kill(s); the other runs on (${survivorPids.length} process)`);
  assert.equal(exit.signal, "SIGKILL");
  assert.ok((killed?.oomKills ?? 0) >= 1);
  if (survivorPids.length === 0) {
    // Seen 1 time in 3 on this kernel (v1 memory): the first victim's pages are not yet uncharged when
    // the other's next allocation fails, so the OOM killer takes it too. Both then ended by the cap.
    const other = await survivor.exited;
    assert.equal(other.signal, "SIGKILL", "the other service ended, but not by the account's cap");
    assert.ok(((await kit.driver.limitCounters(survivor.tracking))?.oomKills ?? 0) >= 1, "the other service ended without an OOM kill");
  }
  await stop(first);
  await stop(second);
});

/** The unit's CPU use over the window, in cores, and the periods its CPU maximum held it back. */
async function coresUsed(launched: LaunchedProcess, windowMs: number): Promise<{ cores: number; throttled: number }> {
  const start = kit.driver.cpuUsageNs(launched.tracking);
  const throttledBefore = kit.driver.cpuThrottledPeriods(launched.tracking) ?? 0;
  const startedAt = process.hrtime.bigint();
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  const end = kit.driver.cpuUsageNs(launched.tracking);
  const elapsedNs = Number(process.hrtime.bigint() - startedAt);
  assert.ok(start !== null && end !== null, "no CPU accounting for the unit");
  return { cores: (end - start) / elapsedNs, throttled: (kit.driver.cpuThrottledPeriods(launched.tracking) ?? 0) - throttledBefore };
}

void test("a CPU maximum of 0.2 core holds a busy loop, and raising it on the running service takes effect without a restart", async () => {
  const limits = { account: alice.name, accountLimits: NO_LIMITS, serviceLimits: { ...NO_LIMITS, cpuMaxCores: 0.2 } };
  const busy = await launch({ ...request(alice, "busy", "while :; do :; done"), limits });
  const capped = await coresUsed(busy, 10_000);
  await kit.driver.updateLimits(busy.tracking, { ...limits, serviceLimits: { ...NO_LIMITS, cpuMaxCores: 0.5 } });
  const raised = await coresUsed(busy, 10_000);
  const stillSamePid = (await kit.driver.listPids(busy.tracking)).includes(busy.pid);
  console.log(
    `busy loop: ${capped.cores.toFixed(3)} core under a 0.2 maximum (10 s, throttled in ${capped.throttled} periods); ` +
      `${raised.cores.toFixed(3)} core after raising it to 0.5 live (10 s, throttled in ${raised.throttled} periods, same pid: ${stillSamePid})`,
  );
  assert.ok(capped.cores <= 0.22, `${capped.cores.toFixed(3)} core under a 0.2 maximum`);
  // On a saturated machine the loop may not find 0.25 core at all; then the raised maximum must at
  // least no longer be what holds it (hardly a throttled period), which a 0.2 cap could not show.
  assert.ok(raised.cores > 0.25 || raised.throttled < capped.throttled / 4, `${raised.cores.toFixed(3)} core and ${raised.throttled} throttled periods after raising the maximum to 0.5`);
  assert.ok(stillSamePid);
  await stop(busy);
});
