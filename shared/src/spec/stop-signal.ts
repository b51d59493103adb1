// Resolves the signal a service is stopped with: "TERM", "sigterm" and "SIGTERM" all mean SIGTERM.
// Only catchable signals are accepted; SIGKILL is what Vigil sends anyway after stop_timeout.
import type { FieldError } from "../errors.js";
import { readString } from "./field-readers.js";
import { DEFAULT_STOP_SIGNAL, STOP_SIGNALS, type StopSignal, UNCATCHABLE_SIGNALS } from "./limits.js";
import type { UntrustedInput } from "./service-spec-input.js";

export function isStopSignal(name: string): name is StopSignal {
  return (STOP_SIGNALS as readonly string[]).includes(name);
}

export function compileStopSignal(input: UntrustedInput, errors: FieldError[]): StopSignal {
  const raw = readString(input, "stop_signal", errors);
  if (raw === undefined) return DEFAULT_STOP_SIGNAL;
  const upper = raw.trim().toUpperCase();
  const name = upper.startsWith("SIG") ? upper : `SIG${upper}`;
  if (isStopSignal(name)) return name;
  if (UNCATCHABLE_SIGNALS.includes(name)) {
    errors.push({ field: "stop_signal", rule: `must be a signal the service can catch, not ${name} (Vigil sends SIGKILL after stop_timeout)` });
  } else {
    errors.push({ field: "stop_signal", rule: `must be one of ${STOP_SIGNALS.join(", ")}` });
  }
  return DEFAULT_STOP_SIGNAL;
}
