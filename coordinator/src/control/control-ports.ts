// The narrow interfaces the application layer reaches agents through: the AgentLink server
// implements them; tests pass fakes. Commands are imperative, desired state is level-triggered.
import { type Command, type CommandResult } from "@vigil/shared";

/** One imperative action for an agent (the `action` oneof of vigil.v1.Command). */
export type AgentAction = NonNullable<Command["action"]>;

export interface AgentCommands {
  /**
   * Sends `action` to the connected agent of `host` with a fresh request id and a deadline of
   * `timeoutMs`, resolving with its result. Rejects with HostUnavailableError at once when the host
   * has no connected agent, and with a deadline-exceeded ControlError when no result arrives in time.
   */
  send(host: string, action: AgentAction, timeoutMs: number): Promise<CommandResult>;
  /** True when the host's agent is connected right now. */
  isConnected(host: string): boolean;
}

export interface DesiredStateNotifier {
  /** Something these hosts should run changed: each connected agent gets its new full state. */
  hostsChanged(hosts: Iterable<string | null>): void;
}
