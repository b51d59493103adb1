// Renders the host's firewall (the account's rules and the defaults) into one nft transaction that
// replaces only Vigil's table, plus the canonical table the kernel must list afterwards. Pure.
//
// Order, per chain, first match decides:
//   input:  loopback accepted; established/related accepted; the account's "in" rules in the order
//           given (the API lists them oldest first); then TCP and UDP to the closed ports dropped;
//           anything else accepted (policy accept: other ports may be used).
//   output: loopback accepted; established/related accepted; the "out" rules in order; accept.
// Every value in the text is printed from numbers or closed words, never copied from the input.
import { compileFirewallRule, type Compiled, type CompiledFirewallRule, FIREWALL_MAX_RULES, type FieldError, type FirewallRuleFields, formatInterval, type IpFamily, type PortRange } from "@vigil/shared";
import { type AddressKey, type CanonicalTable, canonicalRule, chainHeader, type ModelChain, type ModelRule, NFT_TABLE, type RuleMatch } from "./ruleset-model.js";

export interface FirewallDefaults {
  /** Inbound TCP and UDP to these ports is dropped unless a rule accepted it first. */
  readonly closedPorts: PortRange;
}

export interface RenderedRuleset {
  /** The whole transaction for `nft -f -`. */
  readonly text: string;
  readonly expected: CanonicalTable;
  /** How many account rules it holds (for log lines). */
  readonly ruleCount: number;
}

const FULL: Record<IpFamily, bigint> = { 4: (1n << 32n) - 1n, 6: (1n << 128n) - 1n };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const HOOK_PRIORITY = 0;

const LOOPBACK_AND_REPLIES = (direction: "in" | "out"): ModelRule[] => [
  { matches: [{ kind: "words", key: direction === "in" ? "meta iifname" : "meta oifname", values: ["lo"] }], verdict: "accept" },
  { matches: [{ kind: "words", key: "ct state", values: ["established", "related"] }], verdict: "accept" },
];

function familiesOf(rule: CompiledFirewallRule): IpFamily[] {
  return rule.ipVersion === "ipv4" ? [4] : rule.ipVersion === "ipv6" ? [6] : [4, 6];
}

function protocolMatch(rule: CompiledFirewallRule): RuleMatch {
  if (rule.portRanges.length === 0) return { kind: "words", key: "meta l4proto", values: [rule.protocol] };
  return { kind: "ports", key: `${rule.protocol} dport`, ranges: rule.portRanges };
}

/** One nft rule per IP family the rule reaches (an address set holds one family). */
export function modelRules(rule: CompiledFirewallRule): ModelRule[] {
  const comment = UUID.test(rule.id) ? `vigil rule ${rule.id}` : undefined;
  const base = { verdict: rule.action, ...(comment !== undefined && { comment }) };
  const field = rule.direction === "in" ? "saddr" : "daddr";
  if (rule.addresses.length === 0) {
    const family: RuleMatch[] = rule.ipVersion === "both" ? [] : [{ kind: "words", key: "meta nfproto", values: [rule.ipVersion] }];
    return [{ ...base, matches: [...family, protocolMatch(rule)] }];
  }
  return familiesOf(rule).flatMap((family): ModelRule[] => {
    const intervals = rule.addresses.filter((interval) => interval.family === family);
    if (intervals.length === 0) return [];
    // 0.0.0.0/0 or ::/0: nft would drop the address match; say "this family" instead.
    const whole = intervals.length === 1 && intervals[0]!.first === 0n && intervals[0]!.last === FULL[family];
    const key: AddressKey = `${family === 4 ? "ip" : "ip6"} ${field}`;
    const address: RuleMatch = whole ? { kind: "words", key: "meta nfproto", values: [`ipv${family}`] } : { kind: "addresses", key, family, intervals };
    return [{ ...base, matches: [address, protocolMatch(rule)] }];
  });
}

function elements(items: readonly string[]): string {
  return items.length === 1 ? items[0]! : `{ ${items.join(", ")} }`;
}

function matchText(match: RuleMatch): string {
  if (match.kind === "addresses") return `${match.key} ${elements(match.intervals.map(formatInterval))}`;
  if (match.kind === "ports") return `${match.key} ${elements(match.ranges.map(({ first, last }) => (first === last ? String(first) : `${first}-${last}`)))}`;
  if (match.key === "meta iifname" || match.key === "meta oifname") return `${match.key} "${match.values[0]}"`;
  return `${match.key} ${match.values.join(",")}`;
}

function ruleText(rule: ModelRule): string {
  return [...rule.matches.map(matchText), rule.verdict, ...(rule.comment === undefined ? [] : [`comment "${rule.comment}"`])].join(" ");
}

function checkDefaults(defaults: FirewallDefaults, errors: FieldError[]): void {
  const { first, last } = defaults.closedPorts;
  if (!Number.isInteger(first) || !Number.isInteger(last) || first < 1 || last > 65535 || last < first) errors.push({ field: "closed_ports", rule: `must be an ascending range within 1-65535 (got ${String(first)}-${String(last)})` });
}

export function renderRuleset(rules: readonly FirewallRuleFields[], defaults: FirewallDefaults): Compiled<RenderedRuleset> {
  const errors: FieldError[] = [];
  checkDefaults(defaults, errors);
  if (rules.length > FIREWALL_MAX_RULES) return { ok: false, errors: [...errors, { field: "rules", rule: `must hold at most ${FIREWALL_MAX_RULES} rules (got ${rules.length})` }] };
  const compiled = rules.flatMap((rule, index) => {
    const result = compileFirewallRule(rule);
    if (!result.ok) errors.push(...result.errors.map((error) => ({ field: `rules[${index}].${error.field}`, rule: error.rule })));
    return result.ok ? [result.value] : [];
  });
  if (errors.length > 0) return { ok: false, errors };
  const closed = [defaults.closedPorts];
  const chains: ModelChain[] = [
    {
      name: "input",
      rules: [
        ...LOOPBACK_AND_REPLIES("in"),
        ...compiled.filter((rule) => rule.direction === "in").flatMap(modelRules),
        { matches: [{ kind: "ports", key: "tcp dport", ranges: closed }], verdict: "drop" },
        { matches: [{ kind: "ports", key: "udp dport", ranges: closed }], verdict: "drop" },
      ],
    },
    { name: "output", rules: [...LOOPBACK_AND_REPLIES("out"), ...compiled.filter((rule) => rule.direction === "out").flatMap(modelRules)] },
  ];
  const body = chains.map((chain) =>
    [`\tchain ${chain.name} {`, `\t\ttype filter hook ${chain.name} priority ${HOOK_PRIORITY}; policy accept;`, ...chain.rules.map((rule) => `\t\t${ruleText(rule)}`), "\t}"].join("\n"),
  );
  // Creating the table first makes the delete valid when it does not exist yet; all of it is one
  // transaction, so the old table stays until the new one replaces it, and no other table is touched.
  const text = ["# Vigil's firewall, generated by the agent: it replaces this table as a whole.", `table ${NFT_TABLE} {}`, `delete table ${NFT_TABLE}`, `table ${NFT_TABLE} {`, ...body, "}", ""].join("\n");
  const expected: CanonicalTable = {
    chains: Object.fromEntries(chains.map((chain) => [chain.name, { header: chainHeader(chain.name, HOOK_PRIORITY, "accept"), rules: chain.rules.map(canonicalRule) }])),
  };
  return { ok: true, value: { text, expected, ruleCount: compiled.length } };
}
