// Every limit and default of a service definition, in one place so the API, the CLI and the
// docs can quote the same numbers the compiler enforces.
//
// Field                      Rule / limit                                   Default
// name                       ^[a-z][a-z0-9-]{0,62}$                          (required)
// command                    trimmed, non-empty, <= 4096 UTF-8 bytes, no NUL (required)
// working_directory          relative to home, normalised, may not leave it, ""  (the home itself)
//                            <= 1024 bytes, no NUL
// environment                names ^[A-Za-z_][A-Za-z0-9_]*$ (<= 256 bytes),   {}
//                            <= 128 variables, <= 32 KiB in total counted as
//                            execve sees them ("NAME=value\0" per variable),
//                            values without NUL, reserved names refused
//                            (RESERVED_ENVIRONMENT_NAMES, VIGIL_* prefix)
// check_health_command       like command, but "" (or blanks) means none     none
// health_check_interval      1 000 .. 86 400 000 ms                          30 000 ms
// health_check_timeout       100 .. 300 000 ms, below the interval           min(10 000, interval / 2)
// health_check_grace_period  0 .. 86 400 000 ms                              30 000 ms
// is_disabled                boolean                                         false
// annotation                 <= 1024 bytes, no NUL                           ""
// stop_signal                a catchable signal (STOP_SIGNALS), "TERM" or    SIGTERM
//                            "SIGTERM", case-insensitive; SIGKILL/SIGSTOP refused
// stop_timeout               0 .. 300 000 ms                                 10 000 ms
// ports (Admin API)          requested ports in PORT_RANGE, plus port_count  one port, the lowest free
//                            more; 1 .. MAX_PORTS_PER_SERVICE in all (a service
//                            always has at least one: port_count 0 means the default)
// memory_max, memory_high  bytes or "512M"/"2G", 4 MiB .. 1 PiB;          none (host default)
//                            memory_high <= memory_max (resource-limits.ts)
// tasks_max                  2 .. 4 194 304                                  none (host default)
// cpu_weight                 1 .. 10 000 (100 is normal)                     none (host default)
// cpu_max                    0.01 .. 1024 cores, to hundredths               none (host default)
//
// The timing fields of the health check are refused without a check_health_command: a value
// that silently did nothing would be lost on the next update. The grace period defaults to a
// constant rather than to the interval so that changing the interval later never changes a
// grace period the user did not touch (the compiled spec cannot tell defaulted from chosen).
// The timeout defaults to half the interval when the interval is short, so that choosing only
// a short interval is never an error about a field the user did not send.

export const SERVICE_NAME_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;
export const COMMAND_MAX_BYTES = 4096;
export const WORKING_DIRECTORY_MAX_BYTES = 1024;
export const ANNOTATION_MAX_BYTES = 1024;

export const ENVIRONMENT_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const ENVIRONMENT_NAME_MAX_BYTES = 256;
export const ENVIRONMENT_MAX_VARIABLES = 128;
export const ENVIRONMENT_MAX_BYTES = 32 * 1024;
/** Set by Vigil itself for every service; a user value would be overwritten or would lie. */
export const RESERVED_ENVIRONMENT_NAMES: readonly string[] = ["HOME", "LOGNAME", "PORT", "PORTS", "USER"];
/** Every name starting with this prefix is kept for Vigil's own variables. */
export const RESERVED_ENVIRONMENT_PREFIX = "VIGIL_";

export interface MillisecondRange {
  readonly min: number;
  readonly max: number;
}

export const HEALTH_CHECK_INTERVAL_MS: MillisecondRange = { min: 1_000, max: 86_400_000 };
export const HEALTH_CHECK_TIMEOUT_MS: MillisecondRange = { min: 100, max: 300_000 };
export const HEALTH_CHECK_GRACE_MS: MillisecondRange = { min: 0, max: 86_400_000 };
export const STOP_TIMEOUT_MS: MillisecondRange = { min: 0, max: 300_000 };

export const DEFAULT_HEALTH_CHECK_INTERVAL_MS = 30_000;
export const DEFAULT_HEALTH_CHECK_TIMEOUT_MS = 10_000;
export const DEFAULT_HEALTH_CHECK_GRACE_MS = 30_000;
export const DEFAULT_STOP_TIMEOUT_MS = 10_000;

/** Signals a service may choose to be stopped with: all of them can be caught or handled. */
export const STOP_SIGNALS = ["SIGHUP", "SIGINT", "SIGQUIT", "SIGABRT", "SIGUSR1", "SIGUSR2", "SIGALRM", "SIGTERM", "SIGWINCH"] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];
export const DEFAULT_STOP_SIGNAL: StopSignal = "SIGTERM";
/** Cannot be caught: a service stopped with them never gets to shut down cleanly. */
export const UNCATCHABLE_SIGNALS: readonly string[] = ["SIGKILL", "SIGSTOP"];

/** Every account owns this inclusive range of ports on the hosts its services run on. */
export const PORT_RANGE = { first: 8300, last: 8499 } as const;
/** A service may hold every port of its account's range, never more. */
export const MAX_PORTS_PER_SERVICE = PORT_RANGE.last - PORT_RANGE.first + 1;
