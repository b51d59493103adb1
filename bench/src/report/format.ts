// How figures print: a value with its unit at a sensible precision, and its ratio to the best peer.
import type { Unit } from "./figures.js";

export function formatValue(value: number | null, unit: Unit): string {
  if (value === null) return "—";
  switch (unit) {
    case "ms":
      return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ms`;
    case "s":
      return `${value.toFixed(2)} s`;
    case "MiB":
      return `${value.toFixed(1)} MiB`;
    case "% of a core":
      return `${value.toFixed(2)} %`;
    case "count":
    case "lines":
      return `${Math.round(value)}`;
  }
}

export function formatRatio(ratio: number | null): string {
  if (ratio === null) return "";
  return ` (${ratio < 0.1 ? ratio.toPrecision(2) : ratio.toFixed(2)}×)`;
}
