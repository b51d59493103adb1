// Reports of service log writes that failed, throttled: a full disk fails every batch of every
// service, and one line per log file and minute is enough for the operator.

const LOG_ERROR_REPORT_INTERVAL_MS = 60_000;

export const LOG_NOT_WRITTEN = "service log not written (lines of that write were dropped; repeats within a minute are not reported)";

/** Calls `report` for the first error of each path, then at most once a minute per path. */
export function throttleLogErrors(report: (error: Error, path: string) => void, now: () => number = Date.now): (error: Error, path: string) => void {
  const lastReported = new Map<string, number>();
  return (error, path) => {
    const at = now();
    if (at - (lastReported.get(path) ?? -Infinity) < LOG_ERROR_REPORT_INTERVAL_MS) return;
    lastReported.set(path, at);
    report(error, path);
  };
}
