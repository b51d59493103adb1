// A bare AgentLink client that says Hello like an agent and records what the coordinator sends
// it, so a test can see exactly which desired state a host's credentials obtain.
import { type ChannelCredentials, type ClientDuplexStream, credentials, type ServiceError } from "@grpc/grpc-js";
import { type AgentMessage, AgentLinkClient, type CoordinatorMessage, type DesiredState } from "@vigil/shared";
import { waitFor } from "./wait-for.js";

export class AgentLinkProbe {
  readonly states: DesiredState[] = [];
  /** Set once the coordinator ends the stream with an error (e.g. UNAUTHENTICATED). */
  failure: ServiceError | undefined;
  readonly #client: AgentLinkClient;
  readonly #call: ClientDuplexStream<AgentMessage, CoordinatorMessage>;

  constructor(address: string, hostName: string, token: string, channel: ChannelCredentials = credentials.createInsecure()) {
    this.#client = new AgentLinkClient(address, channel);
    this.#call = this.#client.connect();
    this.#call.on("data", (message: CoordinatorMessage) => {
      if (message.body?.$case === "desiredState") this.states.push(message.body.value);
    });
    this.#call.on("error", (error: ServiceError) => (this.failure = error));
    this.#call.write({ body: { $case: "hello", value: { hostName, token, agentVersion: "system-test-probe", capacity: undefined, running: [], appliedRevision: 0, firewall: undefined, limits: undefined, network: undefined } } });
  }

  /** "account/name" of every service in the latest desired state received. */
  latestServices(): string[] | undefined {
    return this.states.at(-1)?.services.map((service) => `${service.account?.name}/${service.spec?.name}`).sort();
  }

  async refusal(timeoutMs = 20_000): Promise<ServiceError> {
    return waitFor("the coordinator to refuse the probe", () => this.failure, { timeoutMs, intervalMs: 50 });
  }

  close(): void {
    this.#call.cancel();
    this.#client.close();
  }
}
