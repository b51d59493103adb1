// Field readers for the host configuration: each checks one setting, records a FieldError naming
// its dotted path and the broken rule, and never throws, so every mistake is reported at once.
import type { FieldError } from "../errors.js";

export type ConfigObject = Readonly<Record<string, unknown>>;

/** Collects errors under a dotted prefix, e.g. "restart_policy." + "max_failures". */
export class ConfigSection {
  constructor(
    readonly input: ConfigObject,
    readonly prefix: string,
    readonly errors: FieldError[],
  ) {}

  static root(input: unknown, errors: FieldError[]): ConfigSection {
    return new ConfigSection(asObject(input, "", errors) ?? {}, "", errors);
  }

  path(field: string): string {
    return `${this.prefix}${field}`;
  }

  fail(field: string, rule: string): undefined {
    this.errors.push({ field: this.path(field), rule });
    return undefined;
  }

  /** Absent and null both mean "use the default". */
  value(field: string): unknown {
    return Object.hasOwn(this.input, field) ? (this.input[field] ?? undefined) : undefined;
  }

  section(field: string): ConfigSection {
    const value = this.value(field);
    const object = value === undefined ? {} : asObject(value, this.path(field), this.errors);
    return new ConfigSection(object ?? {}, `${this.path(field)}.`, this.errors);
  }

  /** Reports settings nobody reads: a typo must not silently fall back to a default. */
  rejectUnknown(known: readonly string[]): void {
    for (const key of Object.keys(this.input)) {
      if (!known.includes(key)) this.fail(key, "is not a known setting");
    }
  }

  integer(field: string, fallback: number, min: number, max: number): number {
    const value = this.value(field);
    if (value === undefined) return fallback;
    if (typeof value !== "number" || !Number.isSafeInteger(value)) return this.fail(field, "must be an integer") ?? fallback;
    if (value < min || value > max) return this.fail(field, `must be between ${min} and ${max}`) ?? fallback;
    return value;
  }

  boolean(field: string, fallback: boolean): boolean {
    const value = this.value(field);
    if (value === undefined) return fallback;
    if (typeof value !== "boolean") return this.fail(field, "must be true or false") ?? fallback;
    return value;
  }

  fraction(field: string, fallback: number, min: number, max: number): number {
    const value = this.value(field);
    if (value === undefined) return fallback;
    if (typeof value !== "number" || !Number.isFinite(value)) return this.fail(field, "must be a number") ?? fallback;
    if (value < min || value > max) return this.fail(field, `must be between ${min} and ${max}`) ?? fallback;
    return value;
  }

  absolutePath(field: string, fallback: string): string;
  absolutePath(field: string, fallback: null): string | null;
  absolutePath(field: string, fallback: string | null): string | null {
    const value = this.value(field);
    if (value === undefined) return fallback;
    if (typeof value !== "string") return this.fail(field, "must be a string") ?? fallback;
    if (!isAbsolutePath(value)) return this.fail(field, "must be an absolute path without NUL characters") ?? fallback;
    return value;
  }

  object(field: string): ConfigObject | undefined {
    const value = this.value(field);
    return value === undefined ? undefined : asObject(value, this.path(field), this.errors);
  }
}

function asObject(value: unknown, path: string, errors: FieldError[]): ConfigObject | undefined {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as ConfigObject;
  errors.push({ field: path === "" ? "(config)" : path, rule: "must be an object" });
  return undefined;
}

export function isAbsolutePath(value: string): boolean {
  return value.startsWith("/") && !value.includes("\0");
}

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isVariableName(name: string): boolean {
  return VARIABLE_NAME.test(name);
}
