// Detects at agent start whether this host can enforce a firewall: nft runs, and the kernel takes
// Vigil's table (inet family, conntrack, interface names) in a dry run that changes nothing.
import { type Nftables, type NftablesSupport } from "./nftables.js";
import { renderRuleset } from "./render-ruleset.js";

export async function detectNftables(nft: Nftables): Promise<NftablesSupport> {
  let version = "";
  try {
    version = await nft.version();
    const probe = renderRuleset([], { closedPorts: { first: 8300, last: 8499 } });
    if (!probe.ok) throw new Error("the probe ruleset did not render");
    await nft.check(probe.value.text);
    return { available: true, version, detail: "" };
  } catch (error) {
    return { available: false, version, detail: error instanceof Error ? error.message : String(error) };
  }
}
