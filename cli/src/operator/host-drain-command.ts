// `vigil host drain NAME`: cordons the host and moves its accounts to other hosts of their pool, one
// at a time (stopped here before they start there); follows the drain until it ends, showing progress.
import { type Command } from "commander";
import { type Host } from "@vigil/shared";
import { cliIo } from "../io/cli-io.js";
import { progressOn } from "../output/progress.js";
import { parseTimeout } from "./bulk-service-commands.js";
import { CliError } from "./cli-error.js";
import { operatorCommand, runOperator, show } from "./command-kit.js";

interface DrainFlags {
  readonly wait: boolean;
  readonly timeout?: string;
}

const POLL_MS = 250;

export function registerHostDrainCommand(group: Command): void {
  operatorCommand(group, "drain <name>", "cordon a host and move every account on it to other hosts of its pool, one at a time; the host ends empty (operators)")
    .option("--no-wait", "return once the drain has started (follow it with `vigil host show`)")
    .option("--timeout <seconds>", "how long to follow the drain (default 120); it goes on after that")
    .action(
      runOperator<DrainFlags>(async (context, name = "") => {
        const timeoutMs = parseTimeout(context.options.timeout);
        let host = await context.session.call<Host>("drainHost", { name });
        if (context.options.wait) {
          const progress = progressOn(cliIo().stderr);
          const deadline = Date.now() + timeoutMs;
          while (host.draining) {
            if (Date.now() >= deadline) {
              progress.done(host.drainMessage);
              throw new CliError(`host ${name} is still draining after ${timeoutMs / 1000} s (it goes on): ${host.drainMessage}`);
            }
            progress.update(host.drainMessage);
            await new Promise((resolve) => setTimeout(resolve, POLL_MS));
            host = await context.session.call<Host>("getHost", { name });
          }
          progress.done(host.drainMessage);
        }
        show(context, host, (value) => (value.draining ? `draining ${name}: ${value.drainMessage}` : `${name}: ${value.drainMessage}`));
        if (!host.draining && host.serviceCount > 0) throw new CliError(`host ${name} still holds ${host.serviceCount} service(s): ${host.drainMessage}`);
      }),
    );
}
