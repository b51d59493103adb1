// Detection at agent start, against fake host commands: no prefix, nothing asked and nothing run;
// a prefix on a host where `ip netns add` fails is reported with the reason and gives no namespaces.
import assert from "node:assert/strict";
import { test } from "node:test";
import { type HostNetworkCommands } from "./host-network-commands.js";
import { startHostAccountNetworks } from "./host-account-networks.js";

function fakeCommands(failing: RegExp | null): HostNetworkCommands & { readonly calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    ip: (args) => {
      calls.push(`ip ${args.join(" ")}`);
      return failing?.test(args.join(" ")) ? Promise.reject(new Error(`ip ${args.join(" ")}: mount --make-shared /run/netns failed: Operation not permitted`)) : Promise.resolve("");
    },
    ipBatch: () => (calls.push("ip -batch"), Promise.resolve()),
    nft: () => (calls.push("nft"), Promise.resolve()),
    sysctl: () => (calls.push("sysctl"), Promise.resolve()),
    listNetns: () => [],
  };
}

test("without account_address_prefix nothing is probed and the Hello says it is not asked for", async () => {
  const commands = fakeCommands(null);
  const started = await startHostAccountNetworks({ prefix: null, instance: "a1", commands, log: () => undefined });
  assert.deepEqual(started.support, { accountAddressPrefix: "", namespaces: false, detail: "account_address_prefix is not set" });
  assert.equal(started.networks, undefined);
  assert.deepEqual(commands.calls, []);
});

test("a prefix on a host that cannot make namespaces is reported with the reason, and no namespace is ever made", async () => {
  const commands = fakeCommands(/^netns add/);
  const lines: string[] = [];
  const started = await startHostAccountNetworks({ prefix: "2001:db8:a::/64", instance: "a1", commands, log: (line) => lines.push(line) });
  assert.equal(started.support.namespaces, false);
  assert.equal(started.support.accountAddressPrefix, "2001:db8:a::/64");
  assert.match(started.support.detail, /netns add vigil-a1-probe-[0-9a-f]{8}: .*Operation not permitted/);
  assert.equal(started.networks, undefined);
  assert.match(lines.join("\n"), /account namespaces from 2001:db8:a::\/64 are asked for but unusable here .* the coordinator places no services on this host/);
});

test("a test or embedded agent without host commands reports the prefix as unusable", async () => {
  const started = await startHostAccountNetworks({ prefix: "2001:db8:a::/64", instance: "a1", commands: undefined, log: () => undefined });
  assert.deepEqual([started.support.namespaces, started.support.detail], [false, "this agent does not manage the host's network (embedded or test agent)"]);
});
