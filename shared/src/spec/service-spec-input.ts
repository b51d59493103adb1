// The shape of a service definition as users send it (snake_case, as the platform's REST API
// names the fields), and the field order errors are reported in (DESIGN.md "A service").

/** What a well-behaved caller sends; the compiler still checks every type at runtime. */
export interface ServiceSpecInput {
  readonly name?: string;
  readonly command?: string;
  readonly working_directory?: string;
  /** A map, or the REST string form `FOO=bar LOREM="ipsum dolor"`. */
  readonly environment?: Readonly<Record<string, string>> | string;
  /** The REST string form as its own field; parsed first, so `environment` wins on a clash. */
  readonly environment_string?: string;
  readonly check_health_command?: string;
  readonly health_check_interval?: number;
  readonly health_check_timeout?: number;
  readonly health_check_grace_period?: number;
  readonly is_disabled?: boolean;
  readonly annotation?: string;
  readonly stop_signal?: string;
  readonly stop_timeout?: number;
  /** Bytes or "512M"; see resource-limits.ts. */
  readonly memory_max?: number | string;
  readonly memory_high?: number | string;
  readonly tasks_max?: number;
  readonly cpu_weight?: number;
  /** Cores: 0.5 is half a core. */
  readonly cpu_max?: number;
}

/** Input as it arrives from outside (parsed JSON, CLI flags): anything at all. */
export type UntrustedInput = Readonly<Record<string, unknown>>;

/** Every accepted field, in the order of the design's field table; errors follow this order. */
export const SERVICE_INPUT_FIELDS = [
  "name",
  "command",
  "working_directory",
  "environment",
  "environment_string",
  "check_health_command",
  "health_check_interval",
  "health_check_timeout",
  "health_check_grace_period",
  "is_disabled",
  "annotation",
  "stop_signal",
  "stop_timeout",
  "memory_max",
  "memory_high",
  "tasks_max",
  "cpu_weight",
  "cpu_max",
] as const satisfies readonly (keyof ServiceSpecInput)[];
export type ServiceInputField = (typeof SERVICE_INPUT_FIELDS)[number];
