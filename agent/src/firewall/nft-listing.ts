// Reduces `nft -j list table inet vigil` to the canonical table the renderer predicts, and names
// the first difference. Anything Vigil never writes (other expressions, sets, extra chains) reads
// as a difference, so the table is rewritten. Pure.
import { mergeIntervals, parseIpInterval, type PortRange } from "@vigil/shared";
import { type CanonicalTable, canonicalAddresses, canonicalPorts, chainHeader } from "./ruleset-model.js";

type Json = unknown;

function record(value: Json): Record<string, Json> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, Json>) : undefined;
}

function leftKey(left: Json): string | undefined {
  const object = record(left);
  const meta = record(object?.["meta"]);
  const ct = record(object?.["ct"]);
  const payload = record(object?.["payload"]);
  if (typeof meta?.["key"] === "string") return `meta ${meta["key"]}`;
  if (typeof ct?.["key"] === "string") return `ct ${ct["key"]}`;
  if (typeof payload?.["protocol"] === "string" && typeof payload["field"] === "string") return `${payload["protocol"]} ${payload["field"]}`;
  return undefined;
}

function elementsOf(right: Json): Json[] {
  const set = record(right)?.["set"];
  if (Array.isArray(set)) return set;
  return Array.isArray(right) ? right : [right];
}

function addressElement(element: Json): { first: bigint; last: bigint } | undefined {
  if (typeof element === "string") return parseIpInterval(element);
  const object = record(element);
  const prefix = record(object?.["prefix"]);
  if (prefix !== undefined) return parseIpInterval(`${String(prefix["addr"])}/${String(prefix["len"])}`);
  const range = object?.["range"];
  if (Array.isArray(range) && range.length === 2) {
    const [first, last] = range.map((end: Json) => parseIpInterval(String(end)));
    return first && last ? { first: first.first, last: last.last } : undefined;
  }
  return undefined;
}

function portElement(element: Json): PortRange | undefined {
  if (typeof element === "number") return { first: element, last: element };
  const range = record(element)?.["range"];
  if (Array.isArray(range) && range.length === 2 && range.every((end) => typeof end === "number")) return { first: range[0] as number, last: range[1] as number };
  return undefined;
}

function canonicalValues(key: string, right: Json): string | undefined {
  const items = elementsOf(right);
  if (/^ip6? [sd]addr$/.test(key)) {
    const intervals = items.map(addressElement);
    return intervals.every((interval) => interval !== undefined) ? canonicalAddresses(mergeIntervals(intervals)) : undefined;
  }
  if (/^(tcp|udp) dport$/.test(key)) {
    const ranges = items.map(portElement);
    if (!ranges.every((range) => range !== undefined)) return undefined;
    return canonicalPorts(mergeIntervals(ranges.map((range) => ({ first: BigInt(range.first), last: BigInt(range.last) }))).map(({ first, last }) => ({ first: Number(first), last: Number(last) })));
  }
  return items.every((item) => typeof item === "string") ? [...(items as string[])].sort().join(",") : undefined;
}

function canonicalExpression(expression: Json): string {
  const object = record(expression);
  if (object !== undefined && "accept" in object) return "accept";
  if (object !== undefined && "drop" in object) return "drop";
  const match = record(object?.["match"]);
  const key = leftKey(match?.["left"]);
  const values = key === undefined ? undefined : canonicalValues(key, match?.["right"]);
  if (match === undefined || (match["op"] !== "==" && match["op"] !== "in") || values === undefined) return `unknown:${JSON.stringify(expression)}`;
  return `${key}=${values}`;
}

/** The listing as a canonical table, or a sentence saying what in it Vigil did not write. */
export function canonicalListing(listing: Json): CanonicalTable | string {
  const entries = record(listing)?.["nftables"];
  if (!Array.isArray(entries)) return "the listing has no nftables array";
  const chains: Record<string, { header: string; rules: string[] }> = {};
  for (const entry of entries) {
    const object = record(entry) ?? {};
    const [kind] = Object.keys(object);
    const body = record(object[kind ?? ""]) ?? {};
    if (kind === "metainfo" || kind === "table") continue;
    if (kind === "chain") chains[String(body["name"])] = { header: chainHeader(String(body["hook"]), Number(body["prio"]), String(body["policy"])), rules: [] };
    else if (kind === "rule") {
      const chain = chains[String(body["chain"])];
      if (chain === undefined) return `a rule in unknown chain ${JSON.stringify(body["chain"])}`;
      const expressions = Array.isArray(body["expr"]) ? body["expr"].map(canonicalExpression) : ["unknown:no expr"];
      chain.rules.push([...expressions, ...(typeof body["comment"] === "string" ? [`#${body["comment"]}`] : [])].join(" "));
    } else return `an object Vigil does not write: ${kind ?? "?"}`;
  }
  return { chains };
}

/** null when the listing shows exactly the expected table, else its first difference. */
export function tableDifference(expected: CanonicalTable, listing: Json): string | null {
  const actual = canonicalListing(listing);
  if (typeof actual === "string") return actual;
  const names = new Set([...Object.keys(expected.chains), ...Object.keys(actual.chains)]);
  for (const name of [...names].sort()) {
    const want = expected.chains[name];
    const have = actual.chains[name];
    if (want === undefined) return `chain ${name} is not Vigil's`;
    if (have === undefined) return `chain ${name} is missing`;
    if (want.header !== have.header) return `chain ${name} is ${have.header}, not ${want.header}`;
    if (want.rules.length !== have.rules.length) return `chain ${name} has ${have.rules.length} rules, not ${want.rules.length}`;
    const index = want.rules.findIndex((rule, position) => rule !== have.rules[position]);
    if (index >= 0) return `chain ${name} rule ${index + 1} is "${have.rules[index]}", not "${want.rules[index]}"`;
  }
  return null;
}
