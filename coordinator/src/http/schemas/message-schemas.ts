// JSON Schemas of the Admin API's messages as the HTTP API shows them: the proto field names
// (snake_case, the platform's own: command, working_directory, is_disabled, ...). Request schemas
// check shapes and types only: every rule on values stays in the control plane, which names the field.
import { flag, int32, int64, list, number, object, stringMap, text, uint32 } from "./schema-kit.js";

export const serviceRefSchema = object({ account: text(), name: text() });

export const exitInfoSchema = object({ has_code: flag(), code: int32(), signal: text("empty when it exited with a code"), at_ms: int64(), reason: text("oom-killed, task-limit, ... when known") });

export const resourceLimitsSchema = object(
  {
    memory_max_bytes: int64("hard maximum: past it the kernel OOM-kills"),
    memory_high_bytes: int64("soft threshold"),
    tasks_max: uint32("processes and threads"),
    cpu_weight: uint32("share against siblings, 1..10000"),
    cpu_max_cores: number("hard cap in cores, e.g. 0.2"),
  },
  [],
  "Resource limits; an absent field is no limit at this level.",
);

export const processInfoSchema = object({ pid: int32(), ppid: int32(), user: text(), command: text(), cpu_percent: number(), rss_bytes: int64() });

export const serviceStatusSchema = object({
  service: serviceRefSchema,
  host: text(),
  state: text("stopped, starting, running, backoff, stopping, exited, disabled, or unknown while its host is down"),
  main_pid: int32(),
  started_at_ms: int64(),
  restarts: uint32(),
  last_exit: exitInfoSchema,
  disabled_reason: text(),
  processes: list(processInfoSchema),
  updated_at_ms: int64(),
  processes_omitted: uint32(),
  log_degraded: flag(),
  log_lines_dropped: int64(),
  task_limit_reached: flag("the running service's forks are refused by its (or its account's) task limit"),
  task_limit_hits: int64("forks refused by the task limit in this run"),
});

export const serviceSchema = object(
  {
    account: text(),
    name: text(),
    command: text(),
    working_directory: text(),
    environment: stringMap(),
    check_health_command: text(),
    health_check_interval_ms: uint32(),
    health_check_timeout_ms: uint32(),
    is_disabled: flag(),
    disabled_reason: text(),
    annotation: text(),
    ports: list(uint32()),
    host: text(),
    revision: int64(),
    status: serviceStatusSchema,
    desired_state: text("running or stopped"),
    health_check_grace_ms: uint32(),
    stop_signal: text(),
    stop_timeout_ms: uint32(),
    limits: resourceLimitsSchema,
    restart_required: flag("on an update: the change applies only once the service restarts (the agent does it)"),
    account_address: text("the account's own IPv6 address on its host; empty: the host's network"),
  },
  [],
  "A service: definition, placement and live status.",
);

const serviceSettings = {
  command: text(),
  working_directory: text("relative to the account's home"),
  environment: stringMap(),
  environment_string: text("`FOO=bar LOREM=ipsum`, merged under environment"),
  check_health_command: text(),
  health_check_interval_ms: uint32(),
  health_check_timeout_ms: uint32(),
  health_check_grace_ms: uint32(),
  annotation: text(),
  stop_signal: text("e.g. SIGTERM (the default)"),
  stop_timeout_ms: uint32(),
  limits: resourceLimitsSchema,
};

export const serviceInputSchema = object(
  { name: text(), ...serviceSettings, is_disabled: flag(), ports: list(uint32(), "requested ports; none and no port_count: one port, the lowest free"), port_count: uint32() },
  [],
  "What a caller may set on create; the control plane checks every value and names the field it refuses.",
);

export const serviceUpdateSchema = object(
  {
    ...serviceSettings,
    replace_environment: flag("replace the environment instead of merging into it"),
    remove_limits: list(text(), "names of limits to remove, e.g. memory_max"),
    expected_revision: int64("apply only if the service is still at this revision; otherwise 409 and nothing changes"),
  },
  [],
  "Only the fields present change.",
);

export const serviceEventSchema = object({
  id: text(),
  host: text(),
  service: serviceRefSchema,
  kind: text(),
  state: text("the state after the event"),
  at_ms: int64(),
  message: text(),
  pid: int32(),
  exit: exitInfoSchema,
  reason: text(),
  restarts: uint32(),
  delay_ms: uint32(),
  output: text(),
  sequence: int64(),
});

const accountSettings = { name: text(), cloud: text("public or private"), unix_user: text(), uid: uint32(), gid: uint32(), home: text(), environment: stringMap(), language_versions: stringMap(), limits: resourceLimitsSchema };
export const accountInputSchema = object(accountSettings);
export const accountSchema = object({ ...accountSettings, created_at_ms: int64() });

export const hostSchema = object({
  name: text(),
  pool: text("public or private"),
  owner_account: text(),
  capacity: uint32(),
  state: text("up, down or cordoned"),
  cordoned: flag(),
  last_seen_ms: int64(),
  agent_version: text(),
  service_count: uint32(),
  limits_mode: text("cgroup-v2, cgroup-v1 or none"),
  limits_detail: text(),
  account_address_prefix: text("public hosts that give each account its own IPv6 address"),
  network_problem: text("why the host takes no new account; empty: none"),
  draining: flag(),
  drain_message: text("the drain's progress, or how the last one ended; empty: never drained"),
  account_ceiling: resourceLimitsSchema,
});

export const addedHostSchema = object({
  host: hostSchema,
  bootstrap_token: text("one use: the agent exchanges it for its certificate"),
  token_id: text(),
  ca_pem: text("empty on a plaintext coordinator"),
  ca_sha256: text("for the agent's --ca-pin"),
});

export const portAllocationSchema = object({ account: text(), port: uint32(), service: text("empty when not bound to a service") });

const firewallSettings = {
  protocol: text("tcp or udp"),
  action: text("accept or drop"),
  direction: text("in or out"),
  hosts: list(text(), "CIDRs or addresses"),
  ports: list(text(), '"8300" or "8300-8310"'),
  ip_version: text("ipv4, ipv6 or both"),
  annotation: text(),
};

export const firewallRuleSchema = object({ id: text(), account: text(), ...firewallSettings });
export const firewallRuleInputSchema = object(firewallSettings);

export const tokenInfoSchema = object({ id: text(), scope: text("operator, account or host"), subject: text(), description: text(), created_at_ms: int64(), revoked: flag() });
export const issuedTokenSchema = object({ id: text(), token: text("shown once; stored only as a hash"), scope: text(), subject: text() });

export const emptySchema = object({});
export const logLinesSchema = object({ lines: list(text()) });
