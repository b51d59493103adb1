// `vigil service start|stop|restart --all` and `--match <glob>`: every selected service in one
// ControlServices call (one desired-state change or one command per host), with what it did.
import { type Command } from "commander";
import { type ControlServicesResponse } from "@vigil/shared";
import { cliIo } from "../io/cli-io.js";
import { progressOn } from "../output/progress.js";
import { waitUntilSettled } from "./bulk-wait.js";
import { CliError, usageError } from "./cli-error.js";
import { type ActionContext } from "./command-kit.js";

export interface BulkFlags {
  readonly all?: boolean;
  readonly match?: string;
  readonly wait?: boolean;
  readonly timeout?: string;
}

export const BULK_VERBS = ["start", "stop", "restart"] as const;
type BulkVerb = (typeof BULK_VERBS)[number];

const DONE: Readonly<Record<BulkVerb, string>> = { start: "started", stop: "stopped", restart: "restarted" };
const UNCHANGED: Readonly<Record<BulkVerb, string>> = { start: "already running", stop: "already stopped", restart: "stopped or disabled, left alone" };

export function isBulkVerb(verb: string): verb is BulkVerb {
  return (BULK_VERBS as readonly string[]).includes(verb);
}

export function bulkFlags(command: Command): Command {
  return command
    .option("--all", "every service of the account (operators without --account: of every account)")
    .option("--match <glob>", "the services whose name matches, e.g. 'web-*' (* any text, ? one character)")
    .option("--wait", "start and stop: wait until every selected service runs (or is disabled) / has stopped, showing progress")
    .option("--timeout <seconds>", "how long --wait waits (default 120)");
}

/** The name glob a bulk call selects, or null when the command names one service. */
export function bulkSelection(name: string, flags: BulkFlags): string | null {
  const bulk = flags.all === true || flags.match !== undefined;
  if (bulk && name !== "") throw usageError("name: give a service name or --all/--match, not both");
  if (flags.all === true && flags.match !== undefined) throw usageError("--all and --match select differently: give one");
  if (!bulk && name === "") throw usageError("name: is required (or --all, or --match <glob>)");
  if (!bulk && (flags.wait === true || flags.timeout !== undefined)) throw usageError("--wait and --timeout go with --all or --match");
  if (!bulk) return null;
  return flags.all === true ? "*" : flags.match!;
}

export async function runBulk(context: ActionContext<BulkFlags>, verb: BulkVerb, nameGlob: string): Promise<void> {
  if (context.options.wait === true && verb === "restart") throw usageError("--wait: restart does not wait; use stop --wait then start --wait");
  const timeoutMs = parseTimeout(context.options.timeout);
  const result = await context.session.call<ControlServicesResponse>("controlServices", { account: context.account, nameGlob, action: verb });
  if (context.options.json) context.printJson(result);
  else {
    const matched = result.services.length;
    const lines = [`${DONE[verb]} ${result.changed} of ${matched} service(s)${matched > result.changed + result.failures.length ? ` (the others ${UNCHANGED[verb]})` : ""}`];
    for (const failure of result.failures) lines.push(`${failure.service?.account}/${failure.service?.name}: ${failure.error}`);
    context.print(lines.join("\n"));
  }
  if (result.failures.length > 0) throw new CliError(`${result.failures.length} service(s) could not be ${DONE[verb]}`);
  if (context.options.wait === true && verb !== "restart") {
    await waitUntilSettled(context.session, { account: context.account, goal: verb === "stop" ? "stopped" : "running", services: result.services, timeoutMs, progress: progressOn(cliIo().stderr) });
  }
}

/** --timeout in seconds (default 120). */
export function parseTimeout(text: string | undefined): number {
  if (text === undefined) return 120_000;
  if (!/^[1-9][0-9]{0,5}$/.test(text)) throw usageError(`--timeout: must be a whole number of seconds from 1 (got ${JSON.stringify(text)})`);
  return Number(text) * 1_000;
}
