// Turns a host's desired state as stored into the DesiredState message its agent receives: every
// placed service with its revision and desired state, so a stopped one stays known to the agent.
import { type AccountRuntime, type DesiredState, desiredServiceToProto } from "@vigil/shared";
import { type AccountRecord } from "../store/repositories/accounts.js";
import { type HostDesiredState } from "../store/repositories/desired-state.js";

export function accountRuntime(account: AccountRecord): AccountRuntime {
  const { name, unixUser, uid, gid, home, environment, languageVersions } = account;
  return { name, unixUser, uid, gid, home, environment, languageVersions };
}

export function desiredStateMessage(state: HostDesiredState): DesiredState {
  const services = state.services.map(({ account, service }) =>
    desiredServiceToProto(
      { account: accountRuntime(account), spec: service.spec, ports: service.ports, disabledReason: service.disabledReason, desiredState: service.desiredState },
      service.revision,
      account.cloud,
    ),
  );
  return { revision: state.revision, services };
}
