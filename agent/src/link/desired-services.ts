// Decodes a DesiredState message into what the reconciler applies. Every service is validated
// again (an agent trusts no message blindly); one that fails is reported, not applied.
import { type ApplyError, type DesiredServiceSpec, type DesiredState, desiredServiceFromProto, formatFieldErrors } from "@vigil/shared";

export interface DecodedDesiredState {
  readonly revision: number;
  readonly services: readonly DesiredServiceSpec[];
  readonly errors: readonly ApplyError[];
}

export function decodeDesiredState(message: DesiredState): DecodedDesiredState {
  const services: DesiredServiceSpec[] = [];
  const errors: ApplyError[] = [];
  for (const service of message.services) {
    const decoded = desiredServiceFromProto(service);
    if (decoded.ok) services.push(decoded.value.desired);
    else errors.push({ service: { account: service.account?.name ?? "", name: service.spec?.name ?? "" }, message: `refused: ${formatFieldErrors(decoded.errors)}` });
  }
  return { revision: message.revision, services, errors };
}
