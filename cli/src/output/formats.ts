// Human formats for table cells: durations ("3d 4h", "12m"), byte sizes ("12.5 MiB"),
// percentages and timestamps. Pure, with "-" for values that are absent.
export function formatDuration(ms: number): string {
  if (ms < 0) return "-";
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB"];

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

export function formatPercent(value: number): string {
  return `${value.toFixed(1)}%`;
}

/** ISO-8601 in UTC without milliseconds; "-" for 0 (never). */
export function formatTime(epochMs: number): string {
  return epochMs === 0 ? "-" : new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function orDash(value: string | number | undefined): string {
  return value === undefined || value === "" || value === 0 ? "-" : String(value);
}
