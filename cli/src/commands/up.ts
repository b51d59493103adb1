// `vigil up`: the embedded mode — a coordinator with PGlite in its state directory and one local
// agent in a child process, talking over loopback gRPC; Ctrl-C stops every service.
import { type Command } from "commander";

export function registerUpCommand(program: Command): void {
  program
    .command("up")
    .description("run a coordinator (PGlite, no servers needed) and a local agent together on loopback gRPC")
    .option("--state-dir <dir>", "where the database, logs of Vigil and the agent's state live (env VIGIL_STATE_DIR; default $XDG_STATE_HOME/vigil or ~/.vigil)")
    .option("--listen <host:port>", "gRPC listen address (env VIGIL_LISTEN; default 127.0.0.1:7465; port 0 picks a free one)")
    .option("--http-listen <host:port>", "HTTP/JSON Admin API and web console (env VIGIL_HTTP_LISTEN; default the --listen host, port + 1)")
    .option("--host-name <name>", "name of the local host (env VIGIL_HOST_NAME; default local)")
    .option("--host-config <file>", "host configuration file, JSON or YAML (env VIGIL_HOST_CONFIG)")
    .option("--homes-dir <dir>", "as root: where the homes of the accounts it creates live, reachable by their users (env VIGIL_HOMES_DIR; default /var/lib/vigil-homes/<instance>)")
    .option("--metrics-listen <host:port>", "serve the coordinator's Prometheus metrics on http://<host:port>/metrics (env VIGIL_METRICS_LISTEN; default off), e.g. 127.0.0.1:9465")
    .option("--agent-metrics-listen <host:port>", "serve the local agent's Prometheus metrics on http://<host:port>/metrics (env VIGIL_AGENT_METRICS_LISTEN; default off), e.g. 127.0.0.1:9466")
    .option("--config <file>", "configuration file, JSON or YAML (env VIGIL_CONFIG)")
    .action(async (options: Record<string, unknown>) => {
      const { runUp } = await import("../run/run-up.js");
      await runUp(options);
    });
}
