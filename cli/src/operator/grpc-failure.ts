// Turns a failed gRPC call into the one line the CLI prints: the server's details (which already
// name field and rule), or for an unreachable coordinator its address and the reason in words.
import { type ServiceError, status } from "@grpc/grpc-js";
import { CliError } from "./cli-error.js";

/** Socket error codes as an operator would say them; others are shown as the code itself. */
const SOCKET_ERRORS: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ETIMEDOUT: "connection timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  EADDRNOTAVAIL: "address not available",
};

/**
 * grpc-js words UNAVAILABLE as "No connection established. Last error: Error: connect
 * ECONNREFUSED 127.0.0.1:1. Resolution note: " (1.14), with an empty note at the end.
 */
export function unreachableReason(details: string): string | undefined {
  const socket = /\b(?:connect|read|write)\s+(E[A-Z]+)\b/.exec(details)?.[1];
  if (socket) return SOCKET_ERRORS[socket] ?? socket;
  if (/Name resolution failed/i.test(details)) return "the host name does not resolve";
  if (/No connection established|Connection dropped|Failed to connect/i.test(details)) {
    const rest = details.replace(/^.*?Last error:\s*(Error:\s*)?/i, "").replace(/\.?\s*Resolution note:.*$/i, "").trim();
    return rest === "" || rest === details ? "no connection" : rest;
  }
  return undefined;
}

export function grpcFailure(error: ServiceError, address: string): CliError {
  const reason = error.code === status.UNAVAILABLE ? unreachableReason(error.details) : undefined;
  if (reason !== undefined) return new CliError(`cannot reach the coordinator at ${address}: ${reason}`);
  return new CliError(error.details || status[error.code] || "request failed");
}
