// `vigil service ...`: ls, show, create, update, rm, start, stop, restart, enable, disable and
// signal, each with --json, --account for operators, and one-line errors.
import { type Command } from "commander";
import { type ListServicesResponse, type Service } from "@vigil/shared";
import { serviceDetails, serviceTable } from "../output/service-views.js";
import { type BulkFlags, bulkFlags, bulkSelection, isBulkVerb, runBulk } from "./bulk-service-commands.js";
import { type ActionContext, configureGroup, operatorCommand, runOperator, show } from "./command-kit.js";
import { usageError } from "./cli-error.js";
import { limitOptions } from "./limit-flags.js";
import { collect, isEmptyUpdate, type ServiceFlags, serviceInputFromFlags, serviceUpdateFromFlags } from "./service-input-flags.js";

function describeService(service: Service): string {
  return `${service.account}/${service.name}`;
}

function serviceFlags(command: Command): Command {
  return command
    .option("--env <NAME=value>", "environment variable (repeatable)", collect)
    .option("--env-string <text>", "environment in the REST form: 'FOO=bar LOREM=\"ipsum dolor\"'")
    .option("--workdir <dir>", "working directory, relative to the account's home")
    .option("--health-cmd <command>", "monitoring command: non-zero exit or timeout restarts the service")
    .option("--health-interval <ms>", "how often the health check runs")
    .option("--health-timeout <ms>", "how long a health check may take")
    .option("--health-grace <ms>", "how long after a start the first health check waits")
    .option("--stop-signal <signal>", "the signal stop sends first (default SIGTERM; SIGKILL follows after the stop timeout)")
    .option("--stop-timeout <ms>", "how long stop waits before SIGKILL")
    .option("--annotation <text>", "free text");
}

const SIMPLE_ACTIONS = [
  ["start", "startService", "started", "start a stopped service"],
  ["stop", "stopService", "stopped", "stop a service (SIGTERM, then SIGKILL after its stop timeout)"],
  ["restart", "restartService", "restarted", "restart a service (SIGHUP to its processes, then a fresh start)"],
  ["enable", "enableService", "enabled", "enable a disabled service (also after a crash loop)"],
] as const;

export function registerServiceCommands(program: Command): void {
  const group = configureGroup(program.command("service").description("list, create, change and control services"));

  operatorCommand(group, "ls", "list services with live state, like `pm2 ls`", { account: true }).action(
    runOperator(async (context) => {
      const { services } = await context.session.call<ListServicesResponse>("listServices", { account: context.account });
      show(context, services, (list) => serviceTable(list, context.palette));
    }),
  );

  operatorCommand(group, "show <name>", "show a service's definition and status", { account: true }).action(
    runOperator(async (context, name = "") => {
      const service = await context.session.call<Service>("getService", { account: context.account, name });
      show(context, service, (value) => serviceDetails(value, context.palette));
    }),
  );

  limitOptions(serviceFlags(operatorCommand(group, "create <name> <command>", "create a service (started unless --disabled)", { account: true })))
    .option("--port <port>", "a port of the account's range to give it (repeatable; default: the lowest free one)", collect)
    .option("--ports <count>", "how many ports to allocate (lowest free)")
    .option("--disabled", "create it disabled")
    .action(
      runOperator<ServiceFlags>(async (context, name = "", command = "") => {
        const service = await context.session.call<Service>("createService", { account: context.account, service: serviceInputFromFlags(name, command, context.options) });
        show(context, service, (value) => `created ${describeService(value)} on ${value.host || "no host"} (ports ${value.ports.join(", ") || "none"})`);
      }),
    );

  limitOptions(serviceFlags(operatorCommand(group, "update <name>", "change some fields of a service (the others stay); limits apply to the running service without a restart", { account: true })), true)
    .option("--command <command>", "the new command")
    .option("--replace-env", "replace the environment with the --env/--env-string given instead of merging")
    .option("--if-revision <revision>", "change it only if it is still at this revision (as `service show` printed it); otherwise nothing changes")
    .action(
      runOperator<ServiceFlags & { ifRevision?: string }>(async (context, name = "") => {
        const fields = serviceUpdateFromFlags(context.account, name, context.options);
        if (isEmptyUpdate(fields)) throw usageError("nothing to change: give at least one field to change (see vigil service update --help)");
        const update = { ...fields, ...(context.options.ifRevision !== undefined && { expectedRevision: parseRevision(context.options.ifRevision) }) };
        const before = await context.session.call<Service>("getService", { account: context.account, name });
        const service = await context.session.call<Service>("updateService", update);
        const verb = service.revision === before.revision ? "no change to" : "updated";
        const effect = service.revision === before.revision ? "" : service.restartRequired ? "; the service restarts to apply it" : "; applied without a restart";
        show(context, service, (value) => `${verb} ${describeService(value)} (revision ${value.revision})${effect}`);
      }),
    );

  operatorCommand(group, "rm <name>", "delete a service (stops it and frees its ports)", { account: true }).action(
    runOperator(async (context, name = "") => {
      await context.session.call("deleteService", { account: context.account, name });
      show(context, { deleted: name }, () => `deleted ${name}`);
    }),
  );

  for (const [verb, rpc, done, description] of SIMPLE_ACTIONS) {
    const one = async (context: ActionContext<object>, name: string) => {
      const service = await context.session.call<Service>(rpc, { account: context.account, name });
      show(context, service, (value) => `${done} ${describeService(value)}`);
    };
    if (!isBulkVerb(verb)) {
      operatorCommand(group, `${verb} <name>`, description, { account: true }).action(runOperator((context, name = "") => one(context, name)));
      continue;
    }
    bulkFlags(operatorCommand(group, `${verb} [name]`, `${description}; --all or --match: many at once`, { account: true })).action(
      runOperator<BulkFlags>(async (context, name = "") => {
        const glob = bulkSelection(name, context.options);
        return glob === null ? one(context, name) : runBulk(context, verb, glob);
      }),
    );
  }

  operatorCommand(group, "disable <name>", "disable a service: it is stopped and stays stopped", { account: true })
    .option("--reason <text>", "why (shown in status and events)")
    .action(
      runOperator<{ reason?: string }>(async (context, name = "") => {
        const service = await context.session.call<Service>("disableService", { account: context.account, name, reason: context.options.reason ?? "" });
        show(context, service, (value) => `disabled ${describeService(value)}`);
      }),
    );

  operatorCommand(group, "signal <name> <signal>", "send a signal (e.g. SIGUSR1 or USR1) to a service's processes", { account: true })
    .option("--main-only", "signal only the main process, not the whole tree")
    .action(
      runOperator<{ mainOnly?: boolean }>(async (context, name = "", signal = "") => {
        const normalised = signal.toUpperCase().startsWith("SIG") ? signal.toUpperCase() : `SIG${signal.toUpperCase()}`;
        const service = await context.session.call<Service>("signalService", { account: context.account, name, signal: normalised, mainProcessOnly: context.options.mainOnly ?? false });
        show(context, service, (value) => `sent ${normalised} to ${describeService(value)}`);
      }),
    );
}

function parseRevision(text: string): number {
  if (!/^[1-9][0-9]{0,15}$/.test(text)) throw usageError(`--if-revision: must be a revision number such as 42 (got ${JSON.stringify(text)})`);
  return Number(text);
}
