// Checks a service log of numbered lines ("line 0", "line 1", ...), rotated files included: how many
// are there, lost, damaged, repeated or out of order. Vigil's own lines are skipped. And the services
// that write them, on a host of their own.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type AgentHost, SystemCluster } from "./system-cluster.js";

export interface LogCheck {
  readonly lines: number;
  /** The highest line number seen. */
  readonly last: number;
  readonly lost: number;
  readonly damaged: number;
  readonly duplicated: number;
  readonly outOfOrder: number;
}

/** Reads the service's log (with its rotated files, oldest first) and checks the numbered lines after line `after`. */
export function checkLog(home: string, name: string, after = -1): LogCheck {
  const base = join(home, "admin", "logs", "services", `${name}.log`);
  const files = [...Array.from({ length: 10 }, (_, i) => `${base}.${10 - i}`), base].filter((file) => existsSync(file));
  let previous = after;
  let lines = 0;
  let lost = 0;
  let damaged = 0;
  let duplicated = 0;
  let outOfOrder = 0;
  for (const file of files) {
    for (const line of readFileSync(file, "utf8").split("\n")) {
      if (line === "" || line.includes("[vigil]")) continue;
      const match = /^line (\d+)$/.exec(line);
      if (match === null) {
        damaged += 1;
        continue;
      }
      const n = Number(match[1]);
      if (n <= after) continue;
      lines += 1;
      if (n === previous) duplicated += 1;
      else if (n < previous) outOfOrder += 1;
      else if (n > previous + 1) lost += n - previous - 1;
      previous = Math.max(previous, n);
    }
  }
  return { lines, last: previous, lost, damaged, duplicated, outOfOrder };
}

/** 100 numbered lines every 10 ms: 10,000 lines/s, with perl (Debian's essential perl-base). */
export const NUMBERED_WRITER = `exec perl -e '$| = 1; my $i = 0; while (1) { for (1 .. 100) { print "line $i\\n"; $i++ } select(undef, undef, undef, 0.01) }'`;

/** One host whose agent leaves services running when it exits (with `agentArgs`), account alpha, and its services writing numbered lines. */
export async function startWriters(services: readonly string[], agent: { readonly args?: readonly string[]; readonly bundle?: boolean } = {}): Promise<{ cluster: SystemCluster; host: AgentHost; home: string }> {
  const cluster = await SystemCluster.start(1);
  try {
    await cluster.startCoordinator();
    const host = await cluster.addHost("a");
    await cluster.startAgent(host, host.token, { args: ["--on-exit", "leave-running", ...(agent.args ?? [])], ...(agent.bundle !== undefined && { bundle: agent.bundle }) });
    await cluster.waitForHostState(host, "up");
    const home = (await cluster.addAccount("alpha")).home;
    for (const name of services) await cluster.createRunningService("alpha", name, NUMBERED_WRITER);
    return { cluster, host, home };
  } catch (error) {
    await cluster.close();
    throw error;
  }
}
