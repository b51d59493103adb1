// What the AgentLink client needs of the host's supervision (HostSupervisor implements it), so
// the link is tested against a fake as well as the real thing.
import { type HostSupervisor } from "../reconciler/host-supervisor.js";

export type LinkSupervisor = Pick<HostSupervisor, "apply" | "status" | "statusOf" | "restart" | "signal" | "readLog">;
