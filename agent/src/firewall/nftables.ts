// The narrow interface to the host's nftables (the real adapter runs `nft`; tests also use a
// recording fake), and what the agent learns about nftables at start.

export interface NftablesSupport {
  /** nft runs and the kernel accepted Vigil's table in a dry run. */
  readonly available: boolean;
  /** nft's version, e.g. "1.0.6"; "" when nft did not run. */
  readonly version: string;
  /** Why not, when unavailable. */
  readonly detail: string;
}

export interface Nftables {
  /** Runs one transaction (`nft -f -`): all of it takes effect, or none. */
  apply(ruleset: string): Promise<void>;
  /** Dry run of a transaction (`nft --check -f -`): the kernel validates it, nothing changes. */
  check(ruleset: string): Promise<void>;
  /** `nft -j list table inet vigil`, parsed; null when the table does not exist. */
  listTable(): Promise<unknown>;
  /** `nft --version`. */
  version(): Promise<string>;
}
