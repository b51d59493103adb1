// Resolves with the name of the first SIGINT or SIGTERM, so a server command can shut down
// cleanly instead of being killed mid-write; later ones are ignored while it does, and SIGHUP is
// logged and ignored (it would kill Node).
import { type Logger } from "@vigil/shared/logging";

/** The caller has called ignoreHangups first (a SIGHUP before this would otherwise kill the process). */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let first: NodeJS.Signals | undefined;
    const handler = (signal: NodeJS.Signals) => {
      // A terminal's Ctrl-C reaches vigil up and its agent alike, and vigil up also asks the agent to
      // stop: a second signal must not kill a process that is stopping its services (Node's default).
      if (first !== undefined) return;
      first = signal;
      resolve(signal);
    };
    process.on("SIGINT", handler);
    process.on("SIGTERM", handler);
  });
}

let hangupsIgnored = false;

/**
 * Node's default for SIGHUP is to exit, which would orphan every service of an agent whose
 * terminal closed or whose operator sent the customary "reload". The daemons write no log file
 * of their own (stdout and stderr only), so there is nothing to reopen: the signal is only logged.
 */
export function ignoreHangups(logger: Logger): void {
  if (hangupsIgnored) return;
  hangupsIgnored = true;
  process.on("SIGHUP", () => logger.info("SIGHUP received; ignored (no log file to reopen, nothing to reload)"));
}

/** Resolves when standard input ends: the parent that holds its other end (vigil up) is gone. */
export function untilStdinCloses(): Promise<string> {
  return new Promise((resolve) => {
    process.stdin.on("data", () => undefined);
    process.stdin.once("end", () => resolve("standard input closed"));
    process.stdin.once("close", () => resolve("standard input closed"));
    process.stdin.resume();
  });
}

/** The first line of standard input, a JSON object of settings (vigil up's agent: coordinator, token). */
export function readStdinSettings(): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    let text = "";
    const onData = (chunk: Buffer) => {
      text += chunk.toString("utf8");
      const newline = text.indexOf("\n");
      if (newline < 0) return;
      process.stdin.off("data", onData);
      process.stdin.pause();
      try {
        resolve(JSON.parse(text.slice(0, newline)) as Record<string, string>);
      } catch {
        reject(new Error("settings on standard input: the first line must be a JSON object"));
      }
    };
    process.stdin.on("data", onData);
    process.stdin.once("end", () => reject(new Error("settings on standard input: it closed before the first line")));
  });
}
