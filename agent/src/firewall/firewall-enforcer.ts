// Keeps Vigil's nftables table equal to the host's desired firewall: renders each new one, applies
// it as one transaction, reads the table back and compares, and every ~2 s checks for drift (a rule
// changed or the table flushed by hand) and applies again; an unfiltered host is checked only when told. Until the first desired firewall
// arrives, whatever the table holds stays: an agent restart never opens a window.
import { type FirewallRuleFields, formatFieldErrors } from "@vigil/shared";
import { type Logger } from "@vigil/shared/logging";
import { type Nftables } from "./nftables.js";
import { tableDifference } from "./nft-listing.js";
import { type FirewallDefaults, type RenderedRuleset, renderRuleset } from "./render-ruleset.js";
import { NFT_TABLE } from "./ruleset-model.js";

export interface DesiredFirewall {
  readonly account: string;
  readonly revision: number;
  readonly rules: readonly FirewallRuleFields[];
  readonly defaults: FirewallDefaults;
}

export interface FirewallEnforcerOptions {
  readonly nft: Nftables;
  readonly logger: Logger;
  /** How often the table is compared with what was applied; default 2 s. */
  readonly driftCheckMs?: number;
}

/** undefined: not told yet (leave the table alone); "none": this host is not filtered. */
type Target = { readonly desired: DesiredFirewall; readonly rendered: RenderedRuleset } | "none" | undefined;

export const DEFAULT_DRIFT_CHECK_MS = 2_000;
const DELETE_TABLE = `table ${NFT_TABLE} {}\ndelete table ${NFT_TABLE}\n`;

export class FirewallEnforcer {
  readonly #nft: Nftables;
  readonly #log: (line: string, level?: "info" | "warn" | "error") => void;
  readonly #driftCheckMs: number;
  #target: Target;
  /** The ruleset last applied (or found in place) by this agent. */
  #appliedText: string | undefined;
  #running: Promise<void> = Promise.resolve();
  #again = false;
  #busy = false;
  #timer: NodeJS.Timeout | undefined;
  /** The host is not filtered and its table was found absent (or removed) since it was told so. */
  #absenceConfirmed = false;

  constructor(options: FirewallEnforcerOptions) {
    this.#nft = options.nft;
    this.#log = (line, level = "info") => options.logger[level](`firewall: ${line}`);
    this.#driftCheckMs = options.driftCheckMs ?? DEFAULT_DRIFT_CHECK_MS;
  }

  start(): void {
    this.#timer ??= setInterval(() => this.#driftCheck(), this.#driftCheckMs);
    this.#timer.unref();
  }

  /** Stops checking; the table stays as it is (services keep their protection while no agent runs). */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.idle();
  }

  /**
   * A new desired firewall (null: none, the host is not filtered). A firewall that does not render
   * is refused as a whole and the table keeps what it holds; the error is returned and logged.
   */
  setDesired(firewall: DesiredFirewall | null): string | null {
    if (firewall === null) {
      this.#target = "none";
    } else {
      const rendered = renderRuleset(firewall.rules, firewall.defaults);
      if (!rendered.ok) {
        const message = `revision ${firewall.revision} refused, the table keeps what it holds: ${formatFieldErrors(rendered.errors)}`;
        this.#log(message, "error");
        return message;
      }
      this.#target = { desired: firewall, rendered: rendered.value };
    }
    this.#kick();
    return null;
  }

  /** Resolves once no check or apply is running or queued (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.#busy) await this.#running;
  }

  /**
   * A host that is not filtered is checked when it is told so, not on every tick: nothing of
   * Vigil's can drift there, and listing the table costs an `nft` process every 2 s on every
   * public host (a third of an idle agent's CPU).
   */
  #driftCheck(): void {
    if (this.#target === "none" && this.#appliedText === undefined && this.#absenceConfirmed) return;
    this.#kick();
  }

  #kick(): void {
    if (this.#busy) {
      this.#again = true;
      return;
    }
    this.#busy = true;
    this.#running = (async () => {
      do {
        this.#again = false;
        await this.#reconcile().catch((error: unknown) => this.#log(`${error instanceof Error ? error.message : String(error)} (tried again in ${this.#driftCheckMs} ms)`, "error"));
      } while (this.#again);
      this.#busy = false;
    })();
  }

  async #reconcile(): Promise<void> {
    const target = this.#target;
    if (target === undefined) return;
    if (target === "none") {
      this.#absenceConfirmed = false;
      if ((await this.#nft.listTable()) === null) return void (this.#absenceConfirmed = true);
      await this.#nft.apply(DELETE_TABLE);
      this.#appliedText = undefined;
      this.#absenceConfirmed = true;
      this.#log(`this host is not filtered (no firewall in its desired state): table ${NFT_TABLE} removed`);
      return;
    }
    // A firewall other than the one applied last is applied at once; otherwise the table is read
    // first (drift check, or an agent that just started and may find it already in place).
    const changed = this.#appliedText !== undefined && this.#appliedText !== target.rendered.text;
    const listing = changed ? undefined : await this.#nft.listTable();
    const difference = changed ? "changed" : listing === null ? `table ${NFT_TABLE} is missing` : tableDifference(target.rendered.expected, listing);
    if (difference === null) {
      this.#appliedText = target.rendered.text;
      return;
    }
    const drifted = !changed && this.#appliedText === target.rendered.text;
    const started = performance.now();
    await this.#nft.apply(target.rendered.text);
    this.#appliedText = target.rendered.text;
    const after = tableDifference(target.rendered.expected, await this.#nft.listTable());
    const took = Math.round(performance.now() - started);
    if (after !== null) throw new Error(`applied revision ${target.desired.revision}, but the kernel lists something else: ${after}`);
    const what = `${target.rendered.ruleCount} rule(s) of account ${target.desired.account || "?"} (revision ${target.desired.revision}), read back and verified, in ${took} ms`;
    this.#log(drifted ? `table ${NFT_TABLE} had drifted (${difference}); applied ${what} again` : `applied ${what}`);
  }
}
