// The narrow interface to the host's network that account namespaces need (ip, nft, sysctl,
// /run/netns), and its real adapter: iproute2, nft and sysctl through execa, arguments as argv
// (never a shell), rulesets on stdin; optionally run inside a named namespace (tests' "host").
// Every name it is given comes from account-netns-name.ts.
import { readdirSync } from "node:fs";
import { execa, type ExecaError } from "execa";

export interface HostNetworkCommands {
  /** `ip <args>`; rejects with ip's own message. */
  ip(args: readonly string[]): Promise<string>;
  /** `ip <globalArgs> -batch -`, one command a line: one process for many changes; stops at the first failure. */
  ipBatch(globalArgs: readonly string[], commands: readonly (readonly string[])[]): Promise<void>;
  /** `nft -f -` (or `nft --check -f -`) with `ruleset` on stdin. */
  nft(ruleset: string, check?: boolean): Promise<void>;
  /** Sets a sysctl of the agent's own network namespace, e.g. "net.ipv6.conf.all.forwarding". */
  sysctl(key: string, value: string): Promise<void>;
  /** Names under /run/netns. */
  listNetns(): string[];
}

const TIMEOUT_MS = 10_000;

async function run(command: string, args: readonly string[], input = ""): Promise<string> {
  try {
    return (await execa(command, args, { input, timeout: TIMEOUT_MS })).stdout;
  } catch (error) {
    const failure = error as ExecaError;
    const stderr = typeof failure.stderr === "string" ? failure.stderr.trim() : "";
    throw new Error(`${command} ${args.join(" ")}: ${stderr || failure.shortMessage || String(error)}`, { cause: error });
  }
}

const NETNS_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** The commands, run in the agent's own namespace, or (tests) inside `netns` by nsenter. */
export function hostNetworkCommands(netns?: string): HostNetworkCommands {
  if (netns !== undefined && !NETNS_NAME.test(netns)) throw new Error(`netns: ${JSON.stringify(netns)} is not a namespace name`);
  const inside = (command: string, args: readonly string[], input?: string) =>
    netns === undefined ? run(command, args, input) : run("nsenter", [`--net=/run/netns/${netns}`, "--", command, ...args], input);
  return {
    ip: (args) => inside("ip", args),
    ipBatch: async (globalArgs, commands) => {
      // A batch line is split on blanks: a word holding one would change the command.
      if (commands.some((command) => command.some((word) => word === "" || /\s/.test(word)))) throw new Error("ip -batch: a word is empty or holds a blank");
      await inside("ip", [...globalArgs, "-batch", "-"], commands.map((command) => command.join(" ")).join("\n") + "\n");
    },
    nft: async (ruleset, check = false) => void (await inside("nft", check ? ["--check", "-f", "-"] : ["-f", "-"], ruleset)),
    sysctl: async (key, value) => void (await inside("sysctl", ["-q", "-w", `${key}=${value}`])),
    listNetns: () => {
      try {
        return readdirSync("/run/netns");
      } catch {
        return [];
      }
    },
  };
}

export const realHostNetworkCommands: HostNetworkCommands = hostNetworkCommands();
