// Errors a supervision command returns to its caller (the control plane turns them into
// FAILED_PRECONDITION / NOT_FOUND answers); they never change the service's state.

export class ServiceNotFound extends Error {
  constructor(readonly key: string) {
    super(`no service ${key} on this host`);
    this.name = "ServiceNotFound";
  }
}

export class ServiceDisabled extends Error {
  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    super(`service ${key} is disabled${reason === "" ? "" : ` (${reason})`}; enable it first`);
    this.name = "ServiceDisabled";
  }
}

/** Stopped by the user (desired state stopped): only a start through the coordinator runs it again. */
export class ServiceStopped extends Error {
  constructor(readonly key: string) {
    super(`service ${key} is stopped; start it first`);
    this.name = "ServiceStopped";
  }
}

export class ServiceNotRunning extends Error {
  constructor(
    readonly key: string,
    readonly state: string,
  ) {
    super(`service ${key} has no process to signal (state ${state})`);
    this.name = "ServiceNotRunning";
  }
}

export class UnknownSignal extends Error {
  constructor(readonly signal: string) {
    super(`signal: ${JSON.stringify(signal)} is not a signal name such as SIGHUP or SIGUSR1`);
    this.name = "UnknownSignal";
  }
}
