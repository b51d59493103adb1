// The shape of an Admin handler: a typed request and the authorised caller in, a response out.
// Streaming handlers write through a sink and return when the stream should end.
import { type handleServerStreamingCall, type handleUnaryCall } from "@grpc/grpc-js";
import { type AdminServer, type AdminService } from "@vigil/shared";
import { type Authorised } from "../authorise.js";

type Unary<F> = F extends handleUnaryCall<infer Req, infer Res> ? [Req, Res] : never;
type Streaming<F> = F extends handleServerStreamingCall<infer Req, infer Res> ? [Req, Res] : never;

export interface StreamSink<T> {
  /** Resolves once the message is handed to the transport (waits out back-pressure). */
  write(message: T): Promise<void>;
  /** Aborted when the client cancels or the server shuts down. */
  readonly signal: AbortSignal;
}

export type UnaryHandler<Req, Res> = (request: Req, authorised: Authorised) => Promise<Res>;
export type StreamHandler<Req, Res> = (request: Req, authorised: Authorised, sink: StreamSink<Res>) => Promise<void>;

type StreamRpc = "followLogs" | "watchEvents";
type UnaryRpc = Exclude<keyof typeof AdminService, StreamRpc>;

export type UnaryHandlers = { readonly [K in UnaryRpc]: UnaryHandler<Unary<AdminServer[K]>[0], Unary<AdminServer[K]>[1]> };
export type StreamHandlers = { readonly [K in StreamRpc]: StreamHandler<Streaming<AdminServer[K]>[0], Streaming<AdminServer[K]>[1]> };
export type AdminHandlers = UnaryHandlers & StreamHandlers;
export const STREAM_RPCS: readonly StreamRpc[] = ["followLogs", "watchEvents"];
