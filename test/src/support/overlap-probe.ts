// A probe for moves between two hosts: reads both hosts' service cgroups back to back, without
// pause, until stopped, and records every service it ever saw with processes on both at once.
import { type AgentHost } from "./system-cluster.js";
import { servicePids } from "./service-processes.js";

export interface OverlapProbe {
  /** Stops probing; `rounds`: how many times every service was looked at on both hosts. */
  stop(): Promise<{ readonly rounds: number; readonly overlaps: readonly string[] }>;
}

export function startOverlapProbe(hostA: AgentHost, hostB: AgentHost, services: readonly (readonly [account: string, name: string])[]): OverlapProbe {
  let stopped = false;
  let rounds = 0;
  const overlaps: string[] = [];
  const done = (async () => {
    while (!stopped) {
      for (const [account, name] of services) {
        if (servicePids(hostA.name, account, name).length > 0 && servicePids(hostB.name, account, name).length > 0) overlaps.push(`${account}/${name}`);
      }
      rounds += 1;
      await new Promise((resolve) => setImmediate(resolve));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await done;
      return { rounds, overlaps };
    },
  };
}
