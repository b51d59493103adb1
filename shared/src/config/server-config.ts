// Configuration of `vigil coordinator`, `vigil agent` and `vigil up`, compiled once at start from
// the merged settings (flags > VIGIL_* environment > config file, snake_case) into fully defaulted
// values, or errors naming each broken field ("listen: must be host:port").
import type { Compiled, FieldError } from "../errors.js";
import { compileBusNames } from "../bus/subjects.js";
import { ConfigSection, isAbsolutePath } from "./config-readers.js";
import { DEFAULT_AGENT_STATE_DIR } from "./host-config.js";

export interface CompiledCoordinatorConfig {
  readonly databaseUrl: string;
  readonly natsUrl: string;
  readonly listen: string;
  /** host:port of the HTTP/JSON Admin API; null: none. */
  readonly httpListen: string | null;
  readonly busPrefix: string;
  readonly hostTimeoutMs: number;
  /** Events older than this many days are pruned by the retention job. */
  readonly eventRetentionDays: number;
  /** Where to write a first operator token when that file does not exist yet; null: none. */
  readonly bootstrapTokenFile: string | null;
  /** Giving up on a PostgreSQL connection; a call meeting that answers UNAVAILABLE. */
  readonly databaseConnectTimeoutMs: number;
  /** PostgreSQL statement_timeout of the coordinator's connections. */
  readonly databaseStatementTimeoutMs: number;
  /** Concurrent Admin streams (WatchEvents, FollowLogs) one token may hold; past it RESOURCE_EXHAUSTED. */
  readonly maxStreamsPerToken: number;
  /** Concurrent unary Admin calls one token may have in flight. */
  readonly maxCallsPerToken: number;
  /** host:port of the Prometheus /metrics listener (unauthenticated: bind it where only the scraper reaches); null: off. */
  readonly metricsListen: string | null;
  readonly tls: CoordinatorTlsConfig;
  /** A file (mode 0600) holding "user:password" for NATS; null: no credentials. */
  readonly natsCredentialsFile: string | null;
  /** How long a host may stay down before its pool's action below is taken. */
  readonly hostDownWindowMs: number;
  /** What happens then to a public host, and to a private one: an event only, or also a drain. */
  readonly hostDownActionPublic: HostDownAction;
  readonly hostDownActionPrivate: HostDownAction;
}

export const HOST_DOWN_ACTIONS = ["report", "drain"] as const;
/** report: a `host-down-too-long` event for operators; drain: that event, then its accounts move to other hosts. */
export type HostDownAction = (typeof HOST_DOWN_ACTIONS)[number];

/**
 * plaintext: --insecure, or a loopback listener with no TLS setting; created: CA and server
 * certificate made on first start in `dir`; own: the operator's files.
 */
export type CoordinatorTlsConfig =
  | { readonly mode: "plaintext" }
  | { readonly mode: "created"; readonly dir: string; readonly names: readonly string[] }
  | { readonly mode: "own"; readonly certFile: string; readonly keyFile: string; readonly caFile: string; readonly caKeyFile: string | null };

/**
 * plaintext: --insecure, or a loopback coordinator with no TLS setting; bootstrap: the CA from
 * ca_file or ca_pin (or kept from an earlier start), a certificate from the bootstrap token; own:
 * the operator's certificate and key.
 */
export type AgentTlsConfig =
  | { readonly mode: "plaintext" }
  | { readonly mode: "bootstrap"; readonly caFile: string | null; readonly caPin: string | null }
  | { readonly mode: "own"; readonly certFile: string; readonly keyFile: string; readonly caFile: string };

export interface CompiledAgentConfig {
  /** host:port of each coordinator replica, in the order the agent tries them (setting `coordinator`). */
  readonly coordinators: readonly string[];
  readonly natsUrl: string;
  readonly hostName: string;
  /** The host token from VIGIL_TOKEN or the config file; "" when it is read from `tokenFile`. */
  readonly token: string;
  /** A file holding the host token (owned by the agent's user, mode 0600 or 0400); null: `token`. */
  readonly tokenFile: string | null;
  readonly stateDir: string;
  /** Path of the host configuration file; null: defaults. */
  readonly hostConfig: string | null;
  readonly busPrefix: string;
  /** "nats": events go to NATS JetStream (nats_url required); "link": on the AgentLink stream (embedded mode). */
  readonly events: AgentEventTransport;
  /** host:port of the Prometheus /metrics listener; null: off. */
  readonly metricsListen: string | null;
  readonly tls: AgentTlsConfig;
  /** A file (mode 0600) holding "user:password" for NATS; null: no credentials. */
  readonly natsCredentialsFile: string | null;
  /** What SIGTERM/SIGINT does to the services: "leave-running" (the next agent run adopts them) or "stop-services". */
  readonly onExit: AgentExitPolicy;
}

export const AGENT_EXIT_POLICIES = ["leave-running", "stop-services"] as const;
export type AgentExitPolicy = (typeof AGENT_EXIT_POLICIES)[number];

export const AGENT_EVENT_TRANSPORTS = ["nats", "link"] as const;
export type AgentEventTransport = (typeof AGENT_EVENT_TRANSPORTS)[number];

export interface CompiledUpConfig {
  readonly stateDir: string;
  readonly listen: string;
  /** host:port of the HTTP/JSON Admin API and web console; default the gRPC host, port + 1 (0 stays 0). */
  readonly httpListen: string;
  readonly hostName: string;
  readonly hostConfig: string | null;
  /** Where the homes of the accounts `vigil up` creates live when it runs as root; null: the default. */
  readonly homesDir: string | null;
  /** host:port of the coordinator's /metrics listener; null: off. */
  readonly metricsListen: string | null;
  /** host:port of the agent child's /metrics listener; null: off. */
  readonly agentMetricsListen: string | null;
}

export const COORDINATOR_SETTINGS = [
  "database_url",
  "nats_url",
  "listen",
  "http_listen",
  "bus_prefix",
  "host_timeout_ms",
  "bootstrap_token_file",
  "event_retention_days",
  "database_connect_timeout_ms",
  "database_statement_timeout_ms",
  "max_streams_per_token",
  "max_calls_per_token",
  "metrics_listen",
  "state_dir",
  "tls_cert",
  "tls_key",
  "tls_ca",
  "tls_ca_key",
  "tls_names",
  "insecure",
  "nats_credentials_file",
  "host_down_window_ms",
  "host_down_action_public",
  "host_down_action_private",
] as const;
export const AGENT_SETTINGS = [
  "coordinator",
  "nats_url",
  "host_name",
  "token",
  "token_file",
  "state_dir",
  "host_config",
  "bus_prefix",
  "events",
  "metrics_listen",
  "ca_file",
  "ca_pin",
  "tls_cert",
  "tls_key",
  "insecure",
  "nats_credentials_file",
  "on_exit",
] as const;
export const UP_SETTINGS = ["state_dir", "listen", "http_listen", "host_name", "host_config", "homes_dir", "metrics_listen", "agent_metrics_listen"] as const;

export const DEFAULT_COORDINATOR_LISTEN = "0.0.0.0:7465";
export const DEFAULT_UP_LISTEN = "127.0.0.1:7465";
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;
const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/;

class ServerSettings extends ConfigSection {
  text(field: string, fallback: string | null): string | undefined {
    const value = this.value(field);
    if (value === undefined || value === "") return fallback ?? this.fail(field, "is required");
    if (typeof value !== "string") return this.fail(field, "must be a string");
    return value;
  }

  hostPort(field: string, fallback: string | null): string {
    const value = this.text(field, fallback);
    if (value === undefined) return "";
    const match = HOST_PORT.exec(value);
    if (match === null || Number(match[2]) > 65535) return this.fail(field, "must be host:port (port 0-65535)") ?? "";
    return value;
  }

  /**
   * One or more host:port: a list in a config file, or comma-separated text (the environment, a
   * flag given once); a repeated flag arrives as a list of such texts. No address twice.
   */
  hostPorts(field: string): string[] {
    const value = this.value(field);
    const parts = typeof value === "string" ? [value] : Array.isArray(value) && value.every((part) => typeof part === "string") ? (value as string[]) : undefined;
    if (parts === undefined) return value === undefined ? (this.fail(field, "is required"), []) : (this.fail(field, "must be host:port or a list of them"), []);
    const list = parts.flatMap((part) => part.split(",")).map((part) => part.trim()).filter((part) => part !== "");
    if (list.length === 0) return this.fail(field, "is required") ?? [];
    for (const address of list) {
      const match = HOST_PORT.exec(address);
      if (match === null || Number(match[2]) > 65535) return this.fail(field, `must be host:port (port 0-65535), or a comma-separated list of them: ${JSON.stringify(address)} is not`) ?? [];
    }
    if (new Set(list).size !== list.length) return this.fail(field, "lists an address twice") ?? [];
    return list;
  }

  /** host:port, or null when the setting is absent or empty (the feature is off). */
  optionalHostPort(field: string): string | null {
    const value = this.value(field);
    return value === undefined || value === "" ? null : this.hostPort(field, null);
  }

  url(field: string, schemes: readonly string[], fallback: string | null): string {
    const value = this.text(field, fallback);
    if (value === undefined) return "";
    if (!schemes.some((scheme) => value.startsWith(scheme))) return this.fail(field, `must start with ${schemes.join(" or ")}`) ?? "";
    return value;
  }

  pattern(field: string, pattern: RegExp, fallback: string | null): string {
    const value = this.text(field, fallback);
    if (value === undefined) return "";
    if (!pattern.test(value)) return this.fail(field, `must match ${pattern.source}`) ?? "";
    return value;
  }

  oneOf<T extends string>(field: string, choices: readonly T[], fallback: T): T {
    const value = this.text(field, fallback);
    if (value === undefined) return fallback;
    return (choices as readonly string[]).includes(value) ? (value as T) : (this.fail(field, `must be one of ${choices.join(", ")}`) ?? fallback);
  }

  absolute(field: string, fallback: string | null): string | null {
    const value = this.value(field) === "" ? undefined : this.value(field);
    if (value === undefined) return fallback;
    if (typeof value !== "string" || !isAbsolutePath(value)) return this.fail(field, "must be an absolute path") ?? null;
    return value;
  }

  /** true from a flag, true/false from a file, "true"/"1"/"false"/"0" from the environment. */
  flag(field: string): boolean {
    const value = this.value(field);
    if (value === undefined || value === false || value === "false" || value === "0" || value === "") return false;
    if (value === true || value === "true" || value === "1") return true;
    return this.fail(field, "must be true or false") ?? false;
  }

  names(field: string): string[] {
    const value = this.value(field);
    if (value === undefined || value === "") return [];
    const list = typeof value === "string" ? value.split(",").map((name) => name.trim()) : value;
    if (!Array.isArray(list) || !list.every((name) => typeof name === "string" && /^[A-Za-z0-9.:-]{1,253}$/.test(name))) {
      return this.fail(field, "must be a comma-separated list of DNS names or IP addresses") ?? [];
    }
    return list as string[];
  }

  busPrefix(): string {
    const value = this.text("bus_prefix", "vigil") ?? "vigil";
    const compiled = compileBusNames(value);
    if (!compiled.ok) return this.fail("bus_prefix", compiled.errors[0]?.rule ?? "is invalid") ?? "vigil";
    return value;
  }
}

function compileWith<T>(input: unknown, known: readonly string[], build: (settings: ServerSettings) => T): Compiled<T> {
  const errors: FieldError[] = [];
  const root = ConfigSection.root(input, errors);
  const settings = new ServerSettings(root.input, "", errors);
  settings.rejectUnknown(known);
  const value = build(settings);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value };
}

export function compileCoordinatorConfig(input: unknown): Compiled<CompiledCoordinatorConfig> {
  return compileWith(input, COORDINATOR_SETTINGS, (s) => ({
    databaseUrl: s.url("database_url", ["postgres://", "postgresql://", "pglite:"], null),
    natsUrl: s.url("nats_url", ["nats://", "tls://"], null),
    listen: s.hostPort("listen", DEFAULT_COORDINATOR_LISTEN),
    httpListen: s.optionalHostPort("http_listen"),
    busPrefix: s.busPrefix(),
    hostTimeoutMs: s.integer("host_timeout_ms", 30_000, 1_000, 3_600_000),
    eventRetentionDays: s.integer("event_retention_days", 30, 1, 3_650),
    bootstrapTokenFile: s.absolute("bootstrap_token_file", null),
    databaseConnectTimeoutMs: s.integer("database_connect_timeout_ms", 5_000, 100, 600_000),
    databaseStatementTimeoutMs: s.integer("database_statement_timeout_ms", 30_000, 100, 3_600_000),
    maxStreamsPerToken: s.integer("max_streams_per_token", 16, 1, 10_000),
    maxCallsPerToken: s.integer("max_calls_per_token", 64, 1, 100_000),
    metricsListen: s.optionalHostPort("metrics_listen"),
    tls: coordinatorTls(s),
    natsCredentialsFile: s.absolute("nats_credentials_file", null),
    hostDownWindowMs: s.integer("host_down_window_ms", 600_000, 1_000, 7 * 86_400_000),
    hostDownActionPublic: s.oneOf("host_down_action_public", HOST_DOWN_ACTIONS, "report"),
    hostDownActionPrivate: s.oneOf("host_down_action_private", HOST_DOWN_ACTIONS, "report"),
  }));
}

export const DEFAULT_COORDINATOR_STATE_DIR = "/var/lib/vigil/coordinator";

function coordinatorTls(s: ServerSettings): CoordinatorTlsConfig {
  const insecure = s.flag("insecure");
  const own = { certFile: s.absolute("tls_cert", null), keyFile: s.absolute("tls_key", null), caFile: s.absolute("tls_ca", null), caKeyFile: s.absolute("tls_ca_key", null) };
  const stateDir = s.absolute("state_dir", null);
  const names = s.names("tls_names");
  if (insecure) return { mode: "plaintext" };
  if (own.certFile !== null || own.keyFile !== null || own.caFile !== null) {
    for (const [field, value] of [["tls_cert", own.certFile], ["tls_key", own.keyFile], ["tls_ca", own.caFile]] as const) {
      if (value === null) s.fail(field, "is required with tls_cert, tls_key and tls_ca (the operator's own certificates)");
    }
    return { mode: "own", certFile: own.certFile ?? "", keyFile: own.keyFile ?? "", caFile: own.caFile ?? "", caKeyFile: own.caKeyFile };
  }
  const listenHost = hostOf(s.text("listen", DEFAULT_COORDINATOR_LISTEN) ?? "");
  if (stateDir === null && names.length === 0 && isLoopback(listenHost)) return { mode: "plaintext" };
  const specific = listenHost !== "0.0.0.0" && listenHost !== "::" ? [listenHost] : [];
  return { mode: "created", dir: stateDir ?? DEFAULT_COORDINATOR_STATE_DIR, names: [...names, ...specific] };
}

function agentTls(s: ServerSettings, coordinators: readonly string[]): AgentTlsConfig {
  const caFile = s.absolute("ca_file", null);
  const caPinValue = s.value("ca_pin");
  const caPin = caPinValue === undefined || caPinValue === "" ? null : s.pattern("ca_pin", /^(sha256:)?[0-9a-f]{64}$/, null);
  const certFile = s.absolute("tls_cert", null);
  const keyFile = s.absolute("tls_key", null);
  if (s.flag("insecure")) return { mode: "plaintext" };
  if (certFile !== null || keyFile !== null) {
    if (certFile === null) s.fail("tls_cert", "is required with tls_key");
    if (keyFile === null) s.fail("tls_key", "is required with tls_cert");
    if (caFile === null) s.fail("ca_file", "is required with tls_cert and tls_key (the CA that signed the coordinator's certificate)");
    return { mode: "own", certFile: certFile ?? "", keyFile: keyFile ?? "", caFile: caFile ?? "" };
  }
  if (caFile === null && caPin === null && coordinators.every((address) => isLoopback(hostOf(address)))) return { mode: "plaintext" };
  return { mode: "bootstrap", caFile, caPin };
}

/** The host part of host:port, without the brackets of an IPv6 address. */
export function hostOf(address: string): string {
  return address.replace(/:\d+$/, "").replace(/^\[(.*)\]$/, "$1");
}

/** Loopback only: plaintext anywhere else sends tokens in clear. */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** `defaults` supplies what only I/O can know: the machine's host name. */
export function compileAgentConfig(input: unknown, defaults: { readonly hostName: string }): Compiled<CompiledAgentConfig> {
  return compileWith(input, AGENT_SETTINGS, (s) => {
    const events = s.pattern("events", /^(nats|link)$/, "nats") as AgentEventTransport;
    const coordinators = s.hostPorts("coordinator");
    return {
      coordinators,
      natsUrl: events === "link" && s.value("nats_url") === undefined ? "" : s.url("nats_url", ["nats://", "tls://"], null),
      hostName: s.pattern("host_name", HOST_NAME, defaults.hostName),
      ...agentToken(s),
      stateDir: s.absolute("state_dir", DEFAULT_AGENT_STATE_DIR) ?? DEFAULT_AGENT_STATE_DIR,
      hostConfig: s.absolute("host_config", null),
      busPrefix: s.busPrefix(),
      events,
      metricsListen: s.optionalHostPort("metrics_listen"),
      tls: agentTls(s, coordinators),
      natsCredentialsFile: s.absolute("nats_credentials_file", null),
      onExit: s.pattern("on_exit", /^(leave-running|stop-services)$/, "leave-running") as AgentExitPolicy,
    };
  });
}

function agentToken(s: ServerSettings): { token: string; tokenFile: string | null } {
  const tokenFile = s.absolute("token_file", null);
  // May be absent: over TLS a host with a kept certificate needs no token (checked at start).
  if (tokenFile === null) return { token: typeof s.value("token") === "string" ? (s.value("token") as string) : "", tokenFile };
  if (s.value("token") !== undefined && s.value("token") !== "") s.fail("token", "must not be set together with token_file");
  return { token: "", tokenFile };
}

/** `defaults.stateDir` is $XDG_STATE_HOME/vigil or ~/.vigil, found by the caller. */
export function compileUpConfig(input: unknown, defaults: { readonly stateDir: string }): Compiled<CompiledUpConfig> {
  return compileWith(input, UP_SETTINGS, (s) => {
    const listen = s.hostPort("listen", DEFAULT_UP_LISTEN);
    return {
      stateDir: s.absolute("state_dir", defaults.stateDir) ?? defaults.stateDir,
      listen,
      httpListen: s.optionalHostPort("http_listen") ?? nextPort(listen),
      hostName: s.pattern("host_name", HOST_NAME, "local"),
      hostConfig: s.absolute("host_config", null),
      homesDir: s.absolute("homes_dir", null),
      metricsListen: s.optionalHostPort("metrics_listen"),
      agentMetricsListen: s.optionalHostPort("agent_metrics_listen"),
    };
  });
}

/** The same host, the next port (port 0, a free one, stays 0). */
function nextPort(listen: string): string {
  const match = HOST_PORT.exec(listen);
  if (match === null) return "";
  const port = Number(match[2]);
  return `${match[1]}:${port === 0 ? 0 : port + 1}`;
}
