// `vigil apply -f services.yaml [--prune] [--dry-run]` and `vigil import supervisord.conf`:
// desired services from a file, applied idempotently; supervisord programs converted to one.
import { readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { type Command } from "commander";
import { type Account, formatFieldErrors, type ListServicesResponse } from "@vigil/shared";
import { cliIo, userPath } from "../io/cli-io.js";
import { type AdminSession } from "../operator/admin-session.js";
import { CliError, usageError } from "../operator/cli-error.js";
import { configureGroup, operatorCommand, runOperator } from "../operator/command-kit.js";
import { progressOn } from "../output/progress.js";
import { chooseApplyAccount } from "./apply-account.js";
import { applyChanges } from "./apply-changes.js";
import { describeChange, planApply } from "./apply-plan.js";
import { parseServicesFile } from "./services-file.js";
import { importSupervisord } from "./supervisord-import.js";

async function readInput(path: string): Promise<string> {
  try {
    return path === "-" ? await readStdin() : await readFile(userPath(path), "utf8");
  } catch (error) {
    throw usageError(`${path}: cannot be read: ${(error as Error).message}`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function ownAccount(session: AdminSession): Promise<string> {
  try {
    return (await session.call<Account>("getAccount", { name: "" })).name;
  } catch (error) {
    if (error instanceof CliError && error.message.startsWith("name: is required")) throw usageError("account: is required with an operator token (use --account or `account:` in the file)");
    throw error;
  }
}

function registerApply(program: Command): void {
  configureGroup(operatorCommand(program, "apply", "make an account's services match a YAML file (idempotent)", { account: true }))
    .requiredOption("-f, --file <path>", "the services file (- for stdin)")
    .option("--prune", "delete the account's services that the file does not list")
    .option("--dry-run", "print the plan and change nothing")
    .action(
      runOperator<{ file: string; prune?: boolean; dryRun?: boolean }>(async (context) => {
        const { options } = context;
        const parsed = parseServicesFile(await readInput(options.file));
        if (!parsed.ok) throw usageError(`${options.file}: ${formatFieldErrors(parsed.errors)}`);
        const chosen = chooseApplyAccount({ file: parsed.value.account, flag: options.account, fallback: context.account });
        if ("conflict" in chosen) throw usageError(chosen.conflict);
        // An account token may leave the account out: the server answers with the token's own.
        const account = chosen.account || (await ownAccount(context.session));
        const { services } = await context.session.call<ListServicesResponse>("listServices", { account });
        const plan = planApply(parsed.value.services, services, { prune: options.prune ?? false });
        // Progress on a terminal only: a script reads the plan's lines on stdout.
        const stderr = cliIo().stderr;
        if (!options.dryRun) await applyChanges(context.session, account, plan.changes, stderr.isTTY === true ? progressOn(stderr) : undefined);
        const lines = plan.changes.map((change) => `${options.dryRun ? "would " : ""}${describeChange(change)}`);
        if (options.json) return context.printJson({ dryRun: options.dryRun ?? false, changes: plan.changes.map(describeChange), unchanged: plan.unchanged, kept: plan.kept });
        if (plan.changes.length === 0) lines.push("no changes");
        if (plan.kept.length > 0) lines.push(`not in the file, kept (use --prune to delete): ${plan.kept.join(", ")}`);
        context.print(lines.join("\n"));
      }),
    );
}

function registerImport(program: Command): void {
  configureGroup(program.command("import <supervisord-conf>"))
    .description("convert supervisord [program:x] sections into a `vigil apply` file; warns about what it cannot convert")
    .option("-o, --output <path>", "write the YAML here instead of stdout")
    .option("--home <dir>", "the account's home, to turn absolute directories into relative ones")
    .option("--account <name>", "write this account into the file")
    .option("--json", "print JSON ({ services, yaml, warnings, output }) instead of the YAML and warnings")
    .action(async (path: string, options: { output?: string; home?: string; account?: string; json?: boolean }) => {
      const io = cliIo();
      const here = path === "-" ? userPath(".") : dirname(userPath(path));
      const result = importSupervisord(await readInput(path), { ...(options.home && { home: options.home }), here });
      const yaml = options.account ? `account: ${options.account}\n${result.yaml}` : result.yaml;
      const output = options.output === undefined ? undefined : userPath(options.output);
      if (output !== undefined) await writeFile(output, yaml);
      if (options.json) {
        io.stdout.write(`${JSON.stringify({ services: result.programs, warnings: result.warnings, ...(output === undefined ? { yaml } : { output }) })}\n`);
        return;
      }
      for (const warning of result.warnings) io.stderr.write(`warning: ${warning}\n`);
      if (output !== undefined) io.stderr.write(`wrote ${result.programs} service(s) to ${output}\n`);
      else io.stdout.write(yaml);
    });
}

export function registerDeclarativeCommands(program: Command): void {
  registerApply(program);
  registerImport(program);
}
