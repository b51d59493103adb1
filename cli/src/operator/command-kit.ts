// Building blocks of the operator verbs: a command group with one-line usage errors (exit 2),
// leaf commands with --address/--token/--json (and --account), and an action runner that opens
// the Admin session and runs; runVigil turns a failure into one line with the right exit code.
import { type Command, CommanderError, Option } from "commander";
import { cliIo } from "../io/cli-io.js";
import { paletteFor, type Palette } from "../output/colour.js";
import { AdminSession } from "./admin-session.js";
import { EXIT_CODES, usageError } from "./cli-error.js";
import { resolveConnection } from "./connection.js";

export interface OperatorOptions {
  readonly address?: string;
  readonly token?: string;
  readonly json?: boolean;
  readonly account?: string;
}

export interface ActionContext<O> {
  readonly session: AdminSession;
  readonly options: O & OperatorOptions;
  readonly palette: Palette;
  /** The account flag as request field: empty lets an account token default to its own. */
  readonly account: string;
  print(text: string): void;
  printJson(value: unknown): void;
}

/** Usage errors print one line (plus where to find help) and exit 2, as for a bad flag. */
export function configureGroup(command: Command): Command {
  return command
    .showHelpAfterError("(add --help for usage)")
    .configureOutput({ outputError: (text, write) => write(`vigil: ${text.replace(/^error: /, "")}`) })
    .exitOverride((error) => {
      throw new CommanderError(error.exitCode === 0 ? 0 : EXIT_CODES.usage, error.code, error.message);
    });
}

export function operatorCommand(parent: Command, spec: string, description: string, options: { readonly account?: boolean } = {}): Command {
  const command = parent
    .command(spec)
    .description(description)
    .option("--address <host:port>", "coordinator address (env VIGIL_ADDRESS, or the config file)")
    .option("--token-file <path>", "file holding the bearer token, mode 0600 (env VIGIL_TOKEN_FILE; or the token in env VIGIL_TOKEN, or the config file)")
    // Not offered, and refused with the way to do it: a token on the command line is in /proc/<pid>/cmdline.
    .addOption(new Option("--token <token>").hideHelp())
    .option("--ca-file <path>", "the coordinator's CA certificate: connect over TLS and verify it (env VIGIL_CA_FILE, or the config file)")
    .option("--json", "print JSON for scripts instead of text");
  if (options.account) command.option("--account <name>", "the account (operators; account tokens default to their own)");
  return command;
}

/** Runs `body` with a session; positional arguments come first, as commander passes them. */
export function runOperator<O extends object>(body: (context: ActionContext<O>, ...args: string[]) => Promise<void>): (...args: unknown[]) => Promise<void> {
  return async (...args) => {
    const command = args.at(-1) as Command;
    const options = command.opts<O & OperatorOptions>();
    const positional = args.slice(0, -2) as string[];
    refuseTokenOnArgv(options.token);
    const io = cliIo();
    const connection = await resolveConnection(options, io.env);
    const session = new AdminSession(connection);
    const context: ActionContext<O> = {
      session,
      options,
      palette: paletteFor(io.stdout, io.env),
      account: connection.account,
      print: (text) => void io.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
      printJson: (value) => void io.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    };
    try {
      await body(context, ...positional);
    } finally {
      session.close();
    }
  };
}

/** Prints `value` as JSON with --json, otherwise the text `render` makes of it. */
export function show<T>(context: ActionContext<object>, value: T, render: (value: T) => string): void {
  if (context.options.json) context.printJson(value);
  else context.print(render(value));
}

/** A token given as --token is readable by every user of the machine; the refusal says where to put it instead. */
export function refuseTokenOnArgv(token: string | undefined): void {
  if (token !== undefined) {
    throw usageError("--token: a token on the command line is readable by every user of this machine (/proc/<pid>/cmdline); use --token-file <path> (mode 0600) or the VIGIL_TOKEN environment variable");
  }
}
