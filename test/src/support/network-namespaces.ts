// Network namespaces as hosts: each gets a veth pair into the test's namespace with a private /30
// and a default route back, so its agent reaches the coordinator and NATS on the hub address.
import { execFileSync } from "node:child_process";
import { randomBytes, randomInt } from "node:crypto";
import { statSync } from "node:fs";

export interface HostNetwork {
  /** Name under /run/netns. */
  readonly netns: string;
  /** The namespace's own address (the /30's second). */
  readonly address: string;
  /** The host end of its veth pair (the /30's first). */
  readonly gateway: string;
  /** Identity of the namespace, equal to the inode behind /proc/<pid>/ns/net of its processes. */
  readonly inode: number;
}

export interface TestNetwork {
  /** Where the coordinator and NATS listen: reachable from every namespace through its default route. */
  readonly hub: string;
  readonly hosts: readonly HostNetwork[];
  /** Runs `command` inside the namespace; nsenter keeps /sys (and so the cgroup mount) as it is, unlike `ip netns exec`. */
  enter(host: HostNetwork, command: string, args: readonly string[]): { command: string; args: string[] };
  /** Deletes the veth pairs and the namespaces; safe to call twice. */
  remove(): void;
}

function ip(...args: string[]): string {
  return execFileSync("ip", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** A 10.x.y.0/24 that no interface of this namespace uses, so parallel test files do not collide. */
function unusedSubnet(): string {
  const inUse = ip("-o", "-4", "addr", "show");
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const prefix = `10.${randomInt(200, 255)}.${randomInt(0, 256)}.`;
    if (!inUse.includes(` ${prefix}`)) return prefix;
  }
  throw new Error("no unused 10.200-254.x.0/24 subnet found");
}

export function createTestNetwork(count: number): TestNetwork {
  const id = randomBytes(3).toString("hex");
  const prefix = unusedSubnet();
  const hosts: HostNetwork[] = [];
  const created: { netns: string; veth: string }[] = [];
  const remove = () => {
    for (const { netns, veth } of created.splice(0)) {
      // Deleting the host end takes its peer with it; a namespace with no process left then goes.
      tryRun(() => ip("link", "del", veth));
      tryRun(() => ip("netns", "del", netns));
    }
  };
  try {
    for (let index = 0; index < count; index += 1) {
      const netns = `vigil-${id}-${index}`;
      const veth = `vg${id}h${index}`;
      const peer = `vg${id}n${index}`;
      const gateway = `${prefix}${index * 4 + 1}`;
      const address = `${prefix}${index * 4 + 2}`;
      ip("netns", "add", netns);
      created.push({ netns, veth });
      ip("link", "add", veth, "type", "veth", "peer", "name", peer);
      ip("link", "set", peer, "netns", netns);
      ip("addr", "add", `${gateway}/30`, "dev", veth);
      ip("link", "set", veth, "up");
      ip("-n", netns, "addr", "add", `${address}/30`, "dev", peer);
      ip("-n", netns, "link", "set", peer, "up");
      ip("-n", netns, "link", "set", "lo", "up");
      ip("-n", netns, "route", "add", "default", "via", gateway);
      hosts.push({ netns, address, gateway, inode: statSync(`/run/netns/${netns}`).ino });
    }
  } catch (error) {
    remove();
    throw error;
  }
  return {
    hub: hosts[0]!.gateway,
    hosts,
    enter: (host, command, args) => ({ command: "nsenter", args: [`--net=/run/netns/${host.netns}`, "--", command, ...args] }),
    remove,
  };
}

function tryRun(run: () => unknown): void {
  try {
    run();
  } catch {
    // Already gone (removed twice, or taken with its peer).
  }
}
