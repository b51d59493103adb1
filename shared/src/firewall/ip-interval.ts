// Addresses and CIDRs as numeric intervals: a strict parser (dotted quads, RFC 4291 text, no zone
// ids, no leading zeros), merging, and formatting back from numbers only. Pure.

export type IpFamily = 4 | 6;

/** An inclusive range of addresses of one family, as unsigned integers. */
export interface IpInterval {
  readonly family: IpFamily;
  readonly first: bigint;
  readonly last: bigint;
}

const BITS: Record<IpFamily, number> = { 4: 32, 6: 128 };
const OCTET = /^(?:0|[1-9]\d{0,2})$/;
const HEXTET = /^[0-9a-fA-F]{1,4}$/;
const PREFIX = /^(?:0|[1-9]\d{0,2})$/;

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((part) => OCTET.test(part) && Number(part) <= 255)) return undefined;
  return parts.reduce((value, part) => (value << 8n) | BigInt(part), 0n);
}

function hextets(text: string): bigint[] | undefined {
  if (text === "") return [];
  const parts = text.split(":");
  const values: bigint[] = [];
  for (const [index, part] of parts.entries()) {
    if (index === parts.length - 1 && part.includes(".")) {
      const v4 = parseIpv4(part);
      if (v4 === undefined) return undefined;
      values.push(v4 >> 16n, v4 & 0xffffn);
    } else if (HEXTET.test(part)) values.push(BigInt(`0x${part}`));
    else return undefined;
  }
  return values;
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const head = hextets(halves[0]!);
  const tail = halves.length === 2 ? hextets(halves[1]!) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  return [...head, ...Array<bigint>(missing).fill(0n), ...tail].reduce((value, part) => (value << 16n) | part, 0n);
}

/** Parses "1.2.3.4", "10.0.0.0/8", "2001:db8::1" or "2001:db8::/32"; host bits of a CIDR are masked off. */
export function parseIpInterval(entry: string): IpInterval | undefined {
  const [address = "", prefix, ...rest] = entry.split("/");
  if (rest.length > 0) return undefined;
  const v4 = parseIpv4(address);
  const family: IpFamily | undefined = v4 !== undefined ? 4 : address.includes(":") ? 6 : undefined;
  const value = v4 ?? (family === 6 ? parseIpv6(address) : undefined);
  if (family === undefined || value === undefined) return undefined;
  const bits = BITS[family];
  const length = prefix === undefined ? bits : PREFIX.test(prefix) ? Number(prefix) : -1;
  if (length < 0 || length > bits) return undefined;
  const hostMask = (1n << BigInt(bits - length)) - 1n;
  return { family, first: value & ~hostMask, last: (value & ~hostMask) | hostMask };
}

/** Sorted, with overlapping and adjacent intervals joined (nft refuses overlapping set elements). */
export function mergeIntervals<T extends { readonly first: bigint; readonly last: bigint }>(intervals: readonly T[]): { first: bigint; last: bigint }[] {
  const sorted = [...intervals].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  const merged: { first: bigint; last: bigint }[] = [];
  for (const { first, last } of sorted) {
    const previous = merged.at(-1);
    if (previous !== undefined && first <= previous.last + 1n) previous.last = last > previous.last ? last : previous.last;
    else merged.push({ first, last });
  }
  return merged;
}

export function formatIp(family: IpFamily, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join(".");
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((shift) => ((value >> shift) & 0xffffn).toString(16));
  // RFC 5952: the longest run of two or more zero groups (the first of equals) becomes "::".
  let best = { start: -1, length: 1 };
  for (let start = 0; start < 8; start += 1) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === "0") length += 1;
    if (length > best.length) best = { start, length };
  }
  if (best.start < 0) return groups.join(":");
  return `${groups.slice(0, best.start).join(":")}::${groups.slice(best.start + best.length).join(":")}`;
}

/** "10.0.0.0/8", "192.0.2.1" or "192.0.2.1-192.0.2.9": a prefix where the interval is one, else a range. */
export function formatInterval(interval: IpInterval): string {
  const bits = BITS[interval.family];
  const size = interval.last - interval.first + 1n;
  const hostBits = size.toString(2).length - 1;
  const isPrefix = size === 1n << BigInt(hostBits) && (interval.first & (size - 1n)) === 0n;
  if (size === 1n) return formatIp(interval.family, interval.first);
  if (isPrefix) return `${formatIp(interval.family, interval.first)}/${bits - hostBits}`;
  return `${formatIp(interval.family, interval.first)}-${formatIp(interval.family, interval.last)}`;
}
