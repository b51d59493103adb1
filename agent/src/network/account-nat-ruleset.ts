// Vigil's nftables table for account namespaces, `inet vigil_accounts`, separate from a private
// host's firewall table: IPv4 leaves an account's namespace masqueraded (its 100.64/10 address is
// private), and no new IPv4 connection is ever forwarded into one: inbound is IPv6 only. Pure.
import { EGRESS_V4_RANGE } from "@vigil/shared";

export const ACCOUNT_NAT_TABLE = "inet vigil_accounts";
/**
 * Every host end of an account veth is put in this interface group, and the rules match the group:
 * a name pattern would also match an unrelated interface that happens to start the same way.
 */
export const ACCOUNT_VETH_GROUP = 8300;

/** One transaction: creates the table if missing, deletes it and writes it whole (idempotent). */
export function accountNatRuleset(): string {
  const veths = String(ACCOUNT_VETH_GROUP);
  return [
    `table ${ACCOUNT_NAT_TABLE} {}`,
    `delete table ${ACCOUNT_NAT_TABLE}`,
    `table ${ACCOUNT_NAT_TABLE} {`,
    "\tchain forward {",
    "\t\ttype filter hook forward priority filter; policy accept;",
    `\t\toifgroup ${veths} meta nfproto ipv4 ct state established,related accept`,
    `\t\toifgroup ${veths} meta nfproto ipv4 drop`,
    "\t}",
    "\tchain postrouting {",
    "\t\ttype nat hook postrouting priority srcnat; policy accept;",
    `\t\tip saddr ${EGRESS_V4_RANGE} oifgroup != ${veths} masquerade`,
    "\t}",
    "}",
    "",
  ].join("\n");
}

export const DELETE_ACCOUNT_NAT_TABLE = `table ${ACCOUNT_NAT_TABLE} {}\ndelete table ${ACCOUNT_NAT_TABLE}\n`;
