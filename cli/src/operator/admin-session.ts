// A connection to the coordinator's Admin service for one CLI invocation: unary calls and
// server streams with the bearer token, and gRPC failures turned into one-line CliErrors.
import { type ClientReadableStream, credentials, Metadata, type ServiceError, status } from "@grpc/grpc-js";
import { readFileSync } from "node:fs";
import { AdminClient, AdminService } from "@vigil/shared";
import { CliError } from "./cli-error.js";
import { type Connection } from "./connection.js";
import { grpcFailure } from "./grpc-failure.js";

function readCa(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new CliError(`ca_file: cannot read ${path}: ${(error as Error).message}`);
  }
}

export type AdminRpcName = keyof typeof AdminService;

export class AdminSession {
  readonly #client: AdminClient;
  readonly #metadata = new Metadata();
  readonly #address: string;

  constructor(connection: Pick<Connection, "address" | "token"> & { readonly caFile?: string }) {
    this.#address = connection.address;
    this.#client = new AdminClient(connection.address, connection.caFile ? credentials.createSsl(readCa(connection.caFile)) : credentials.createInsecure());
    this.#metadata.set("authorization", `Bearer ${connection.token}`);
  }

  /** Fields left out take their proto3 defaults, as the generated encoders expect. */
  #request(rpc: AdminRpcName, request: object): object {
    return { ...(AdminService[rpc].requestDeserialize(Buffer.alloc(0)) as object), ...request };
  }

  call<T>(rpc: AdminRpcName, request: object = {}): Promise<T> {
    const method = (this.#client as unknown as Record<string, (request: object, metadata: Metadata, callback: (error: ServiceError | null, response: T) => void) => void>)[rpc]!;
    return new Promise<T>((resolve, reject) => {
      method.call(this.#client, this.#request(rpc, request), this.#metadata, (error, response) => (error ? reject(grpcFailure(error, this.#address)) : resolve(response)));
    });
  }

  /** Calls `onMessage` for each streamed message until the server ends the stream or Ctrl-C. */
  stream<T>(rpc: "followLogs" | "watchEvents", request: object, onMessage: (message: T) => void): Promise<void> {
    const open = this.#client[rpc].bind(this.#client) as (request: object, metadata: Metadata) => ClientReadableStream<T>;
    const call = open(this.#request(rpc, request), this.#metadata);
    const interrupt = () => call.cancel();
    process.once("SIGINT", interrupt);
    process.once("SIGTERM", interrupt);
    return new Promise<void>((resolve, reject) => {
      call.on("data", onMessage);
      call.on("end", resolve);
      call.on("error", (error: ServiceError) => (error.code === status.CANCELLED ? resolve() : reject(grpcFailure(error, this.#address))));
    }).finally(() => {
      process.off("SIGINT", interrupt);
      process.off("SIGTERM", interrupt);
    });
  }

  close(): void {
    this.#client.close();
  }
}
