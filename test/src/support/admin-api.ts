// The Admin API as a system test uses it: one client with a bearer token, unary calls as promises
// that reject with the gRPC ServiceError, and the few typed calls the tests repeat.
import { type ChannelCredentials, credentials, Metadata, type ServiceError } from "@grpc/grpc-js";
import { withDefaults } from "@vigil/coordinator";
import { AdminClient, type AdminService, type Service, type ServiceEvent, ServiceInput, type Host } from "@vigil/shared";

type UnaryMethod = (request: object, metadata: Metadata, callback: (error: ServiceError | null, response: unknown) => void) => unknown;

export class AdminApi {
  readonly #client: AdminClient;
  readonly #metadata = new Metadata();

  constructor(address: string, token: string, channel: ChannelCredentials = credentials.createInsecure()) {
    this.#client = new AdminClient(address, channel);
    this.#metadata.set("authorization", `Bearer ${token}`);
  }

  call<T>(rpc: keyof typeof AdminService, request: object = {}): Promise<T> {
    const method = (this.#client as unknown as Record<string, UnaryMethod>)[rpc]!;
    return new Promise<T>((resolve, reject) => {
      method.call(this.#client, withDefaults(rpc, request), this.#metadata, (error, response) => (error ? reject(error) : resolve(response as T)));
    });
  }

  /** A service running `command` with one port of its account's range. */
  createService(account: string, name: string, command: string): Promise<Service> {
    return this.call<Service>("createService", { account, service: ServiceInput.fromPartial({ name, command }) });
  }

  getService(account: string, name: string): Promise<Service> {
    return this.call<Service>("getService", { account, name });
  }

  async listServices(account: string): Promise<Service[]> {
    return (await this.call<{ services: Service[] }>("listServices", { account })).services;
  }

  async host(name: string): Promise<Host | undefined> {
    return (await this.call<{ hosts: Host[] }>("listHosts")).hosts.find((host) => host.name === name);
  }

  /** The stored history of one service (newest first), up to the API's cap. */
  async events(account: string, service: string): Promise<ServiceEvent[]> {
    return (await this.call<{ events: ServiceEvent[] }>("listEvents", { account, service, limit: 1_000 })).events;
  }

  close(): void {
    this.#client.close();
  }
}
