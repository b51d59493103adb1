// `vigil host add|show|rm`: registers a host in its pool (a private host with its owner) with a
// one-time bootstrap token that its agent exchanges for a client certificate, shows it, removes it.
import { writeFileSync } from "node:fs";
import { type Command } from "commander";
import { type AddedHost, type Host } from "@vigil/shared";
import { formatTime, orDash } from "../output/formats.js";
import { usageError } from "./cli-error.js";
import { operatorCommand, runOperator, show } from "./command-kit.js";
import { describeLimits, describeLimitsMode } from "../output/limits-view.js";
import { registerHostDrainCommand } from "./host-drain-command.js";

interface AddOptions {
  readonly pool: string;
  readonly owner?: string;
  readonly capacity?: string;
  readonly tokenOut?: string;
  readonly caOut?: string;
}

export function registerHostLifecycleCommands(group: Command): void {
  operatorCommand(group, "add <name>", "register a host and issue its one-time bootstrap token (operators)")
    .option("--pool <pool>", "public (shared by public-cloud accounts) or private (one account's)", "public")
    .option("--owner <account>", "the owning account of a private host")
    .option("--capacity <n>", "services the host takes at most (0: no limit)")
    .option("--token-out <file>", "write the bootstrap token to this file (mode 0600) instead of printing it")
    .option("--ca-out <file>", "write the coordinator's CA certificate to this file, for the agent's --ca-file")
    .action(
      runOperator<AddOptions>(async (context, name = "") => {
        const { options } = context;
        const capacity = options.capacity === undefined ? 0 : Number(options.capacity);
        if (!Number.isSafeInteger(capacity) || capacity < 0) throw usageError(`--capacity: must be a whole number (got ${JSON.stringify(options.capacity)})`);
        const added = await context.session.call<AddedHost>("addHost", { name, pool: options.pool, ownerAccount: options.owner ?? "", capacity });
        if (options.tokenOut) writeFileSync(options.tokenOut, `${added.bootstrapToken}\n`, { mode: 0o600, flag: "wx" });
        if (options.caOut && added.caPem !== "") writeFileSync(options.caOut, added.caPem, { mode: 0o644 });
        const printed = options.tokenOut ? { ...added, bootstrapToken: `(written to ${options.tokenOut})` } : added;
        show(context, printed, (value) => renderAdded(value));
      }),
    );
  operatorCommand(group, "show <name>", "show one host (operators)").action(
    runOperator(async (context, name = "") => {
      const host = await context.session.call<Host>("getHost", { name });
      show(context, host, renderHost);
    }),
  );
  registerHostDrainCommand(group);
  operatorCommand(group, "rm <name>", "remove a host that holds no services; its tokens and certificate are revoked (operators)").action(
    runOperator(async (context, name = "") => {
      await context.session.call("removeHost", { name });
      show(context, { removed: name }, () => `removed ${name}`);
    }),
  );
}

function renderAdded(added: AddedHost): string {
  const host = added.host!;
  const lines = [
    `added host ${host.name} (${host.ownerAccount ? `private, owned by ${host.ownerAccount}` : host.pool})`,
    `bootstrap token (one use; id ${added.tokenId}): ${added.bootstrapToken}`,
  ];
  if (added.caSha256 !== "") {
    lines.push(`coordinator CA sha256: ${added.caSha256}`);
    lines.push(`start its agent with the token in a 0600 file: vigil agent --host-name ${host.name} --token-file <file> --ca-pin sha256:${added.caSha256} --coordinator <address>`);
  } else {
    lines.push("this coordinator is plaintext: the token is the agent's host token (--token-file)");
  }
  return lines.join("\n");
}

function renderHost(host: Host): string {
  return [
    `name:      ${host.name}`,
    `pool:      ${host.pool}${host.ownerAccount ? ` (owned by ${host.ownerAccount})` : ""}`,
    `state:     ${host.state}`,
    `capacity:  ${host.capacity === 0 ? "no limit" : host.capacity}`,
    `services:  ${host.serviceCount}`,
    `last seen: ${formatTime(host.lastSeenMs)}`,
    `agent:     ${orDash(host.agentVersion)}`,
    `limits:    ${describeLimitsMode(host.limitsMode, host.limitsDetail)}`,
    `account ceiling: ${describeLimits(host.accountCeiling)}`,
    ...(host.drainMessage === "" ? [] : [`drain:     ${host.draining ? "under way: " : ""}${host.drainMessage}`]),
  ].join("\n");
}
