// Commands and desired-state changes across coordinator replicas. A replica answers commands for
// the hosts whose sessions it holds; a command for any other host goes over the replica channel to
// the replica that holds it. Every change is also announced, so the replica holding the host's
// session pushes the new desired state at once instead of at its next 5 s resync.
import { Command, CommandResult } from "@vigil/shared";
import { type Logger } from "@vigil/shared/logging";
import { type AgentAction, type AgentCommands, type DesiredStateNotifier } from "../control/control-ports.js";
import { ControlError, HostUnavailableError } from "../control/control-errors.js";
import { type AgentLinkHub } from "../link/agent-link-hub.js";
import { type ReplicaChannel } from "./replica-channel.js";

/** Extra time a forwarded command's caller waits beyond the agent's own deadline (the hop between replicas). */
const FORWARD_SLACK_MS = 1_000;

export class ReplicaRouter implements AgentCommands, DesiredStateNotifier {
  readonly #hub: AgentLinkHub;
  readonly #channel: ReplicaChannel;
  readonly #logger: Logger;
  readonly #served = new Map<string, () => void>();
  readonly #stopWatching: () => void;

  constructor(hub: AgentLinkHub, channel: ReplicaChannel, logger: Logger) {
    this.#hub = hub;
    this.#channel = channel;
    this.#logger = logger;
    for (const host of hub.connectedHosts()) this.#serve(host);
    this.#stopWatching = hub.onSessionChange((host, connected) => (connected ? this.#serve(host) : this.#unserve(host)));
    channel.onChanged((hosts) => hub.hostsChanged(hosts));
  }

  /** Whether this replica holds the host's session; a host held elsewhere is reached through send(). */
  isConnected(host: string): boolean {
    return this.#hub.isConnected(host);
  }

  async send(host: string, action: AgentAction, timeoutMs: number): Promise<CommandResult> {
    if (this.#hub.isConnected(host)) return this.#hub.send(host, action, timeoutMs);
    const command = Command.encode({ requestId: "", deadlineMs: Date.now() + timeoutMs, action }).finish();
    const reply = await this.#channel.request(host, command, timeoutMs + FORWARD_SLACK_MS).catch((error: unknown) => {
      throw new ControlError("deadline-exceeded", `command: no answer from the replica holding host ${host}: ${error instanceof Error ? error.message : String(error)}`);
    });
    if (reply === null) throw new HostUnavailableError(host, "command");
    return CommandResult.decode(reply);
  }

  hostsChanged(hosts: Iterable<string | null>): void {
    const named = [...new Set(hosts)].filter((host): host is string => host !== null);
    this.#hub.hostsChanged(named);
    this.#channel.announceChanged(named);
  }

  async close(): Promise<void> {
    this.#stopWatching();
    for (const unserve of this.#served.values()) unserve();
    this.#served.clear();
    await this.#channel.close();
  }

  #serve(host: string): void {
    this.#served.get(host)?.();
    this.#served.set(host, this.#channel.serve(host, (bytes) => this.#answer(host, bytes)));
  }

  #unserve(host: string): void {
    this.#served.get(host)?.();
    this.#served.delete(host);
  }

  /** Runs a forwarded command on the local session; failures travel back as a CommandResult. */
  async #answer(host: string, bytes: Uint8Array): Promise<Uint8Array> {
    const command = Command.decode(bytes);
    const result = await (async (): Promise<CommandResult> => {
      if (command.action === undefined) return failed("INVALID_ARGUMENT", "command: no action");
      try {
        return await this.#hub.send(host, command.action, Math.max(100, command.deadlineMs - Date.now()));
      } catch (error) {
        const code = error instanceof ControlError ? (error.code === "deadline-exceeded" ? "DEADLINE_EXCEEDED" : "UNAVAILABLE") : "INTERNAL";
        this.#logger.warn({ host, err: error }, "a command forwarded by another replica failed");
        return failed(code, error instanceof Error ? error.message : String(error));
      }
    })();
    return CommandResult.encode(result).finish();
  }
}

function failed(errorCode: string, errorMessage: string): CommandResult {
  return { requestId: "", ok: false, errorCode, errorMessage, result: undefined };
}
