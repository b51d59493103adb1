// gRPC channel options of the agent's AgentLink client: ping every 3 s, give up on a silent
// coordinator after 3 s more, so a dead peer is noticed well within 10 s and the agent redials.
import { type ChannelOptions } from "@grpc/grpc-js";

export const AGENT_LINK_CLIENT_OPTIONS: ChannelOptions = {
  "grpc.keepalive_time_ms": 3_000,
  "grpc.keepalive_timeout_ms": 3_000,
  "grpc.keepalive_permit_without_calls": 1,
  "grpc.max_receive_message_length": 16 * 1024 * 1024,
  // The agent's own backoff decides when to redial; the channel should not wait minutes.
  "grpc.initial_reconnect_backoff_ms": 500,
  "grpc.max_reconnect_backoff_ms": 5_000,
};
