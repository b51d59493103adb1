// `vigil host|account|port|firewall|token ...`: the platform's inventory. Hosts, accounts and
// tokens need an operator token; ports and firewall rules belong to an account.
import { type Command } from "commander";
import { Account, FIREWALL_MAX_ENTRIES, FIREWALL_MAX_RULES, FirewallRule, type IssuedToken, type ListAccountsResponse, type ListFirewallRulesResponse, type ListHostsResponse, type ListPortsResponse, type ListTokensResponse, type PortAllocation, PORT_RANGE } from "@vigil/shared";
import { formatTime, orDash } from "../output/formats.js";
import { renderTable } from "../output/table.js";
import { usageError } from "./cli-error.js";
import { configureGroup, operatorCommand, runOperator, show } from "./command-kit.js";
import { registerHostLifecycleCommands } from "./host-commands.js";
import { describeLimits } from "../output/limits-view.js";
import { type LimitFlags, limitOptions, limitsFromFlags } from "./limit-flags.js";
import { collect, parseEnvFlags } from "./service-input-flags.js";

function id(value: string, flag: string): number {
  if (!/^\d+$/.test(value)) throw usageError(`${flag}: must be a whole number (got ${JSON.stringify(value)})`);
  return Number(value);
}

function registerHostCommands(program: Command): void {
  const group = configureGroup(program.command("host").description("add, list, show, cordon, drain and remove hosts (operators)"));
  registerHostLifecycleCommands(group);
  operatorCommand(group, "ls", "list hosts with state, service count, last seen, agent version, limits and account network").action(
    runOperator(async (context) => {
      const { hosts } = await context.session.call<ListHostsResponse>("listHosts");
      show(context, hosts, (list) =>
        renderTable(
          [
            { header: "NAME", cell: (host: (typeof list)[number]) => host.name },
            { header: "POOL", cell: (host) => (host.ownerAccount ? `${host.pool} (${host.ownerAccount})` : host.pool) },
            { header: "STATE", cell: (host) => (host.state === "up" ? context.palette.green(host.state) : context.palette.red(host.state)) },
            { header: "SERVICES", cell: (host) => String(host.serviceCount), align: "right" },
            { header: "LAST SEEN", cell: (host) => formatTime(host.lastSeenMs) },
            { header: "AGENT", cell: (host) => orDash(host.agentVersion) },
            { header: "LIMITS", cell: (host) => (host.limitsMode === "" ? "-" : host.limitsMode) },
            // Public hosts that give each account a namespace and an address of its own; or why one cannot.
            { header: "ACCOUNT NETWORK", cell: (host) => (host.networkProblem ? context.palette.red(host.networkProblem) : orDash(host.accountAddressPrefix)) },
          ],
          list,
          context.palette.bold,
        ),
      );
    }),
  );
  for (const [verb, rpc] of [["cordon", "cordonHost"], ["uncordon", "uncordonHost"]] as const) {
    operatorCommand(group, `${verb} <name>`, verb === "cordon" ? "place no new account on a host (accounts already on it keep their services together there)" : "let a host receive new accounts again").action(
      runOperator(async (context, name = "") => {
        const host = await context.session.call(rpc, { name });
        show(context, host, () => `${verb}ed ${name}`);
      }),
    );
  }
}

function registerAccountCommands(program: Command): void {
  const group = configureGroup(program.command("account").description("create, show and change the limits of accounts"));
  const create = operatorCommand(group, "create <name>", "create an account (operators); the limits cap the sum of its services on each host")
    .requiredOption("--uid <uid>", "the Unix user id")
    .option("--gid <gid>", "the Unix group id (default: the uid)")
    .option("--cloud <cloud>", "public or private", "public")
    .option("--unix-user <user>", "the Unix user name (default: the account name)")
    .option("--home <dir>", "home directory (default: /home/<user>)")
    .option("--env <NAME=value>", "account-wide environment variable (repeatable)", collect)
    .option("--language <NAME=version>", "default language version, e.g. NODEJS_VERSION=20 (repeatable)", collect);
  limitOptions(create).action(
      runOperator<{ uid: string; gid?: string; cloud: string; unixUser?: string; home?: string; env?: string[]; language?: string[] } & LimitFlags>(async (context, name = "") => {
        const { options } = context;
        const unixUser = options.unixUser ?? name;
        const account = Account.fromPartial({
          name,
          cloud: options.cloud,
          unixUser,
          uid: id(options.uid, "--uid"),
          gid: id(options.gid ?? options.uid, "--gid"),
          home: options.home ?? `/home/${unixUser}`,
          environment: parseEnvFlags(options.env),
          languageVersions: parseEnvFlags(options.language),
          limits: limitsFromFlags(options).limits,
        });
        const created = await context.session.call<Account>("createAccount", { account });
        show(context, created, (value) => `created account ${value.name} (${value.cloud} cloud, ${value.unixUser} ${value.uid}:${value.gid}, ${value.home})`);
      }),
    );
  const update = operatorCommand(group, "update <name>", "change an account's limits (operators); its hosts apply them live, services keep running");
  limitOptions(update, true).action(
    runOperator<LimitFlags>(async (context, name = "") => {
      const { limits, remove } = limitsFromFlags(context.options, true);
      if (Object.keys(limits).length === 0 && remove.length === 0) throw usageError("give at least one of --memory-max, --memory-high, --tasks-max, --cpu-weight, --cpu-max");
      const updated = await context.session.call<Account>("updateAccount", { name, limits, removeLimits: remove });
      show(context, updated, (value) => `updated account ${value.name}: limits ${describeLimits(value.limits)}`);
    }),
  );
  operatorCommand(group, "show [name]", "show an account (account tokens: their own)").action(
    runOperator(async (context, name = "") => {
      const account = await context.session.call<Account>("getAccount", { name });
      show(context, account, (value) =>
        [`account:  ${value.name}`, `cloud:    ${value.cloud}`, `user:     ${value.unixUser} (${value.uid}:${value.gid})`, `home:     ${value.home}`, `created:  ${formatTime(value.createdAtMs)}`, `limits:   ${describeLimits(value.limits)}`,
          ...Object.entries({ ...value.languageVersions, ...value.environment }).map(([key, val]) => `  ${key}=${val}`)].join("\n"),
      );
    }),
  );
  operatorCommand(group, "ls", "list accounts (operators)").action(
    runOperator(async (context) => {
      const { accounts } = await context.session.call<ListAccountsResponse>("listAccounts");
      show(context, accounts, (list) =>
        renderTable([{ header: "NAME", cell: (a: (typeof list)[number]) => a.name }, { header: "CLOUD", cell: (a) => a.cloud }, { header: "USER", cell: (a) => `${a.unixUser} (${a.uid})` }, { header: "HOME", cell: (a) => a.home }], list, context.palette.bold),
      );
    }),
  );
}

function registerPortCommands(program: Command): void {
  const group = configureGroup(program.command("port").description("an account's ports (8300-8499)"));
  const portTable = (list: readonly PortAllocation[]) => (list.length === 0 ? "no ports" : renderTable([{ header: "PORT", cell: (p: PortAllocation) => String(p.port) }, { header: "SERVICE", cell: (p) => orDash(p.service) }], list));
  operatorCommand(group, "ls", "list the account's allocated ports", { account: true }).action(
    runOperator(async (context) => show(context, (await context.session.call<ListPortsResponse>("listPorts", { account: context.account })).ports, portTable)),
  );
  operatorCommand(group, "allocate [port]", "allocate a port (default: the lowest free)", { account: true })
    .option("--service <name>", "bind it to this service")
    .action(
      runOperator<{ service?: string }>(async (context, port) => {
        const allocation = await context.session.call<PortAllocation>("allocatePort", { account: context.account, port: port === undefined ? 0 : id(port, "port"), service: context.options.service ?? "" });
        show(context, allocation, (value) => `allocated ${value.port}`);
      }),
    );
  operatorCommand(group, "release <port>", "release a port no service holds", { account: true }).action(
    runOperator(async (context, port = "") => {
      await context.session.call("releasePort", { account: context.account, port: id(port, "port") });
      show(context, { released: Number(port) }, () => `released ${port}`);
    }),
  );
}

const FIREWALL_HELP = `
What is enforced where:
  private-cloud account  on every host it owns, the agent keeps nftables table "inet vigil":
                         inbound TCP and UDP to ports ${PORT_RANGE.first}-${PORT_RANGE.last} are dropped unless a rule
                         accepts them; other ports stay open; loopback is never filtered;
                         replies to established connections pass. A change reaches a
                         connected host within about a second.
  public-cloud account   nothing: its services run on shared public hosts, which are not
                         filtered by design, so rules are refused.
Rules apply in the order "vigil firewall ls" lists them (oldest first); the first match decides.
"in": --host are sources, --port this host's ports; "out": --host are destinations, --port theirs.
At most ${FIREWALL_MAX_RULES} rules per account and ${FIREWALL_MAX_ENTRIES} hosts and ${FIREWALL_MAX_ENTRIES} ports per rule.
`;

function registerFirewallCommands(program: Command): void {
  const group = configureGroup(program.command("firewall").description("a private-cloud account's firewall rules, enforced on the hosts it owns"));
  group.addHelpText("after", FIREWALL_HELP);
  operatorCommand(group, "ls", "list the account's rules", { account: true }).action(
    runOperator(async (context) => {
      const { rules } = await context.session.call<ListFirewallRulesResponse>("listFirewallRules", { account: context.account });
      show(context, rules, (list) =>
        list.length === 0
          ? "no firewall rules"
          : renderTable(
              [
                { header: "ID", cell: (rule: FirewallRule) => rule.id },
                { header: "DIR", cell: (rule) => rule.direction },
                { header: "ACTION", cell: (rule) => rule.action },
                { header: "PROTO", cell: (rule) => rule.protocol },
                { header: "IP", cell: (rule) => rule.ipVersion },
                { header: "HOSTS", cell: (rule) => orDash(rule.hosts.join(",")) || "any" },
                { header: "PORTS", cell: (rule) => orDash(rule.ports.join(",")) },
                { header: "NOTE", cell: (rule) => orDash(rule.annotation) },
              ],
              list,
              context.palette.bold,
            ),
      );
    }),
  );
  operatorCommand(group, "add", "add a rule", { account: true })
    .option("--protocol <tcp|udp>", "protocol", "tcp")
    .option("--action <accept|drop>", "what to do with matching packets", "accept")
    .option("--direction <in|out>", "traffic direction", "in")
    .option("--host <cidr>", "address or CIDR (repeatable; none: any)", collect)
    .option("--port <port|from-to>", "port or range (repeatable; none: any)", collect)
    .option("--ip-version <ipv4|ipv6|both>", "which IP versions", "both")
    .option("--annotation <text>", "free text")
    .action(
      runOperator<{ protocol: string; action: string; direction: string; host?: string[]; port?: string[]; ipVersion: string; annotation?: string }>(async (context) => {
        const { options } = context;
        const rule = FirewallRule.fromPartial({ account: context.account, protocol: options.protocol, action: options.action, direction: options.direction, hosts: options.host ?? [], ports: options.port ?? [], ipVersion: options.ipVersion, annotation: options.annotation ?? "" });
        const created = await context.session.call<FirewallRule>("createFirewallRule", { rule });
        show(context, created, (value) => `added rule ${value.id}`);
      }),
    );
  operatorCommand(group, "rm <id>", "delete a rule", { account: true }).action(
    runOperator(async (context, ruleId = "") => {
      await context.session.call("deleteFirewallRule", { account: context.account, id: ruleId });
      show(context, { deleted: ruleId }, () => `deleted rule ${ruleId}`);
    }),
  );
}

function registerTokenCommands(program: Command): void {
  const group = configureGroup(program.command("token").description("issue, revoke and list API tokens (operators)"));
  operatorCommand(group, "issue <scope> [subject]", "issue a token: scope operator, account <name> or host <name>")
    .option("--description <text>", "what the token is for")
    .action(
      runOperator<{ description?: string }>(async (context, scope = "", subject = "") => {
        const issued = await context.session.call<IssuedToken>("issueToken", { scope, subject, description: context.options.description ?? "" });
        show(context, issued, (value) => `${value.token}\n(id ${value.id}; shown once, store it now)`);
      }),
    );
  operatorCommand(group, "revoke <id>", "revoke a token; it stops working at once").action(
    runOperator(async (context, tokenId = "") => {
      await context.session.call("revokeToken", { id: tokenId });
      show(context, { revoked: tokenId }, () => `revoked ${tokenId}`);
    }),
  );
  operatorCommand(group, "ls", "list tokens (never their secrets)").action(
    runOperator(async (context) => {
      const { tokens } = await context.session.call<ListTokensResponse>("listTokens");
      show(context, tokens, (list) =>
        renderTable(
          [
            { header: "ID", cell: (t: (typeof list)[number]) => t.id },
            { header: "SCOPE", cell: (t) => t.scope },
            { header: "SUBJECT", cell: (t) => orDash(t.subject) },
            { header: "CREATED", cell: (t) => formatTime(t.createdAtMs) },
            { header: "REVOKED", cell: (t) => (t.revoked ? "yes" : "no") },
            { header: "DESCRIPTION", cell: (t) => orDash(t.description) },
          ],
          list,
          context.palette.bold,
        ),
      );
    }),
  );
}

export function registerResourceCommands(program: Command): void {
  registerHostCommands(program);
  registerAccountCommands(program);
  registerPortCommands(program);
  registerFirewallCommands(program);
  registerTokenCommands(program);
}
