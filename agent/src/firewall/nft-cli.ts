// The real nftables adapter: runs `nft` through execa (optionally inside a named network namespace,
// via `ip netns exec`, for tests), feeding rulesets on stdin so no rule text is ever an argument.
import { execa, type ExecaError } from "execa";
import { type Nftables } from "./nftables.js";
import { NFT_TABLE_FAMILY, NFT_TABLE_NAME } from "./ruleset-model.js";

export interface NftCliOptions {
  /** Run nft inside this network namespace (a name under /run/netns). Default: the agent's own. */
  readonly netns?: string;
  /** Default 10 s: a wedged nft must not stall the firewall loop forever. */
  readonly timeoutMs?: number;
}

const NETNS_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export class NftCli implements Nftables {
  readonly #prefix: readonly string[];
  readonly #timeoutMs: number;

  constructor(options: NftCliOptions = {}) {
    if (options.netns !== undefined && !NETNS_NAME.test(options.netns)) throw new Error(`netns: ${JSON.stringify(options.netns)} is not a namespace name`);
    this.#prefix = options.netns === undefined ? ["nft"] : ["ip", "netns", "exec", options.netns, "nft"];
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  async apply(ruleset: string): Promise<void> {
    await this.#run(["-f", "-"], ruleset);
  }

  async check(ruleset: string): Promise<void> {
    await this.#run(["--check", "-f", "-"], ruleset);
  }

  async listTable(): Promise<unknown> {
    try {
      return JSON.parse(await this.#run(["-j", "list", "table", NFT_TABLE_FAMILY, NFT_TABLE_NAME])) as unknown;
    } catch (error) {
      // nft says "No such file or directory" for a table that does not exist.
      if (error instanceof Error && /No such file or directory/.test(error.message)) return null;
      throw error;
    }
  }

  async version(): Promise<string> {
    const output = await this.#run(["--version"]);
    return /v(\d+(?:\.\d+)*)/.exec(output)?.[1] ?? output.trim();
  }

  async #run(args: readonly string[], input?: string): Promise<string> {
    const [command, ...prefix] = this.#prefix;
    try {
      const result = await execa(command!, [...prefix, ...args], { input: input ?? "", timeout: this.#timeoutMs, stripFinalNewline: false });
      return result.stdout;
    } catch (error) {
      const failure = error as ExecaError;
      const stderr = typeof failure.stderr === "string" ? failure.stderr.trim() : "";
      throw new Error(`nft ${args.join(" ")}: ${stderr || failure.shortMessage || String(error)}`, { cause: error });
    }
  }
}
