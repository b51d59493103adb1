// `@vigil/agent/log-keeper`: what the `vigil log-keeper` process needs, and nothing more, so that
// it starts without loading the agent's gRPC, NATS and supervision code.
export { LOG_KEEPER_PROTOCOL, logKeeperDir, logKeeperSocket } from "./keeper-protocol.js";
export { type LogKeeperOptions, runLogKeeper } from "./log-keeper.js";
export { StateDirLocked } from "../../system/state-dir-lock.js";
