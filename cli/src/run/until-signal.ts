// Resolves with the name of the first SIGINT or SIGTERM, so a server command can shut down
// cleanly instead of being killed mid-write; SIGHUP is logged and ignored (it would kill Node).
export function untilSignal(): Promise<NodeJS.Signals> {
  ignoreHangups("vigil");
  return new Promise((resolve) => {
    const handler = (signal: NodeJS.Signals) => {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
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
export function ignoreHangups(name: string): void {
  if (hangupsIgnored) return;
  hangupsIgnored = true;
  process.on("SIGHUP", () => process.stderr.write(`${name}: SIGHUP received; ignored (no log file to reopen, nothing to reload)\n`));
}
