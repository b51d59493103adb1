// gRPC channel options of the AgentLink server: ping every 3 s and drop a peer that does not
// answer within 3 s, so a dead agent (or a cut network) is noticed well within 10 s.
import { type ServerOptions } from "@grpc/grpc-js";

export const AGENT_LINK_SERVER_OPTIONS: ServerOptions = {
  "grpc.keepalive_time_ms": 3_000,
  "grpc.keepalive_timeout_ms": 3_000,
  "grpc.keepalive_permit_without_calls": 1,
  // Agents ping every 3 s even without calls; refusing faster pings than that would drop them.
  "grpc.http2.min_ping_interval_without_data_ms": 1_000,
  "grpc.http2.max_ping_strikes": 0,
  // Desired state for a busy host can be large; commands and results are small.
  "grpc.max_receive_message_length": 16 * 1024 * 1024,
};
