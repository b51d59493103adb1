// Two network namespaces for firewall tests: "host" (where Vigil's table goes) and "outside", joined
// by a veth pair created directly inside them, with IPv4 and IPv6 addresses (two sources outside).
// Nothing is added to the test's own namespace; remove() deletes both by name.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";

export interface FirewallNetwork {
  readonly host: string;
  readonly outside: string;
  readonly hostV4: string;
  readonly hostV6: string;
  /** Two source addresses outside, per family: rules accept one and must still drop the other. */
  readonly outsideV4: readonly [string, string];
  readonly outsideV6: readonly [string, string];
  remove(): void;
}

function ip(...args: string[]): void {
  execFileSync("ip", args, { stdio: ["ignore", "ignore", "pipe"] });
}

export function createFirewallNetwork(): FirewallNetwork {
  const id = randomBytes(3).toString("hex");
  const host = `vfw-${id}-h`;
  const outside = `vfw-${id}-o`;
  const created: string[] = [];
  const remove = () => {
    for (const netns of created.splice(0)) {
      try {
        ip("netns", "del", netns);
      } catch {
        // Already gone.
      }
    }
  };
  try {
    for (const netns of [host, outside]) {
      ip("netns", "add", netns);
      created.push(netns);
      ip("-n", netns, "link", "set", "lo", "up");
    }
    ip("link", "add", `vfw${id}h`, "netns", host, "type", "veth", "peer", "name", `vfw${id}o`, "netns", outside);
    ip("-n", host, "addr", "add", "192.0.2.1/24", "dev", `vfw${id}h`);
    ip("-n", host, "addr", "add", "2001:db8:f::1/64", "dev", `vfw${id}h`, "nodad");
    for (const address of ["192.0.2.2/24", "192.0.2.3/24"]) ip("-n", outside, "addr", "add", address, "dev", `vfw${id}o`);
    for (const address of ["2001:db8:f::2/64", "2001:db8:f::3/64"]) ip("-n", outside, "addr", "add", address, "dev", `vfw${id}o`, "nodad");
    ip("-n", host, "link", "set", `vfw${id}h`, "up");
    ip("-n", outside, "link", "set", `vfw${id}o`, "up");
  } catch (error) {
    remove();
    throw error;
  }
  return { host, outside, hostV4: "192.0.2.1", hostV6: "2001:db8:f::1", outsideV4: ["192.0.2.2", "192.0.2.3"], outsideV6: ["2001:db8:f::2", "2001:db8:f::3"], remove };
}
