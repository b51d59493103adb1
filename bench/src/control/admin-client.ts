// A minimal Admin API client for the bench: unary calls with the operator's bearer token, requests
// completed with their proto3 defaults as the generated encoders expect.
import { credentials, Metadata, type ServiceError } from "@grpc/grpc-js";
import { AdminClient, AdminService, type ServiceEvent, ServiceInput } from "@vigil/shared";

type Unary = (request: object, metadata: Metadata, callback: (error: ServiceError | null, response: unknown) => void) => void;

export class BenchAdminClient {
  private readonly client: AdminClient;
  private readonly metadata = new Metadata();

  constructor(address: string, token: string) {
    this.client = new AdminClient(address, credentials.createInsecure());
    this.metadata.set("authorization", `Bearer ${token}`);
  }

  call(rpc: keyof typeof AdminService, request: object): Promise<unknown> {
    const method = (this.client as unknown as Record<string, Unary>)[rpc]!;
    const full = { ...(AdminService[rpc].requestDeserialize(Buffer.alloc(0)) as object), ...request };
    return new Promise((resolve, reject) => {
      method.call(this.client, full, this.metadata, (error, response) => (error ? reject(new Error(`${rpc}: ${error.details}`)) : resolve(response)));
    });
  }

  /** Creates a service through the Admin API, as the hosting panel would. */
  async createService(account: string, name: string, command: string): Promise<void> {
    await this.call("createService", { account, service: ServiceInput.fromPartial({ name, command }) });
  }

  /** Creates one account's services in one CreateServices call (one transaction). */
  async createServices(account: string, services: readonly { readonly name: string; readonly command: string }[]): Promise<void> {
    await this.call("createServices", { account, services: services.map((service) => ServiceInput.fromPartial(service)) });
  }

  /** Streams every new event (WatchEvents) to `onEvent`; the returned function ends the stream. */
  watchEvents(onEvent: (event: ServiceEvent) => void, onError: (error: Error) => void): () => void {
    const request = AdminService.watchEvents.requestDeserialize(Buffer.alloc(0));
    const stream = this.client.watchEvents(request, this.metadata);
    stream.on("data", onEvent);
    stream.on("error", (error: ServiceError) => {
      if (error.code !== 1) onError(error); // 1: cancelled by us
    });
    return () => stream.cancel();
  }

  close(): void {
    this.client.close();
  }
}
