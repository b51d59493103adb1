// How coordinator replicas reach each other: a command for a host goes to whichever replica holds
// the host's AgentLink session, and a change of what hosts should run reaches every replica at once.

export interface ReplicaChannel {
  /** Answers commands for `host` sent by other replicas while this replica holds its session; returns the unsubscribe. */
  serve(host: string, handler: (command: Uint8Array) => Promise<Uint8Array>): () => void;
  /** Asks the replica holding `host` to run `command`; null when no replica holds it. */
  request(host: string, command: Uint8Array, timeoutMs: number): Promise<Uint8Array | null>;
  /** Tells every replica (this one included) that these hosts' desired state changed. */
  announceChanged(hosts: readonly string[]): void;
  /** Called with the hosts of every announcement. */
  onChanged(listener: (hosts: readonly string[]) => void): void;
  close(): Promise<void>;
}
