// Public surface of @vigil/coordinator.
// Application layer (control plane): shared by the Admin API and AgentLink.
export type { CreateServiceRequest, ControlPlaneOptions, LogChunk, ServiceListFilter } from "./control/control-plane.js";
export { ControlPlane, DEFAULT_COMMAND_TIMEOUT_MS, USER_DISABLED_REASON } from "./control/control-plane.js";
export type { ControlErrorCode } from "./control/control-errors.js";
export { asControlErrors, CONTROL_ERROR_CODES, CONTROL_ERROR_GRPC_STATUS, ControlError, HostUnavailableError, InvalidArgumentError, toControlError } from "./control/control-errors.js";
export type { AgentAction, AgentCommands, DesiredStateNotifier } from "./control/control-ports.js";
export type { ServiceView } from "./control/service-view.js";
export { liveState } from "./control/service-view.js";
export type { PlacementDecision, PlacementHost, PlacementReason, PlacementRequest } from "./placement/place-account.js";
export { PLACEMENT_REASONS, placeAccountService } from "./placement/place-account.js";
