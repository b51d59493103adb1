// Options of the file-backed service logs and their compiled, defaulted form (10 MiB, 5 kept).
// Bad values are refused naming the option and the rule.
import { type FieldError, InvalidInputError } from "@vigil/shared";
import type { ServiceLogOptions } from "./service-log.js";

export interface FileServiceLogOptions extends Partial<ServiceLogOptions> {
  /** A longer line is written in pieces marked with LINE_CONTINUES_MARKER. Default 64 KiB. */
  readonly maxLineBytes?: number;
  /** Clock of Vigil's line timestamps. Default: the system clock. */
  readonly now?: () => Date;
  /** A write or rotation failed after opening (disk full, file swapped): the lines of that batch are dropped. Default: ignore. */
  readonly onError?: (error: Error, path: string) => void;
}

export interface CompiledFileServiceLogOptions {
  readonly rotateBytes: number;
  readonly keepFiles: number;
  readonly maxLineBytes: number;
  readonly now: () => Date;
  readonly onError: (error: Error, path: string) => void;
}

function integerIn(errors: FieldError[], field: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) errors.push({ field, rule: `must be an integer from ${min} to ${max}` });
}

export function compileFileServiceLogOptions(options: FileServiceLogOptions = {}): CompiledFileServiceLogOptions {
  const compiled: CompiledFileServiceLogOptions = {
    rotateBytes: options.rotateBytes ?? 10 * 1024 * 1024,
    keepFiles: options.keepFiles ?? 5,
    maxLineBytes: options.maxLineBytes ?? 64 * 1024,
    now: options.now ?? (() => new Date()),
    onError: options.onError ?? (() => undefined),
  };
  const errors: FieldError[] = [];
  integerIn(errors, "rotateBytes", compiled.rotateBytes, 4096, 2 ** 40);
  integerIn(errors, "keepFiles", compiled.keepFiles, 1, 100);
  integerIn(errors, "maxLineBytes", compiled.maxLineBytes, 256, 16 * 1024 * 1024);
  if (errors.length > 0) throw new InvalidInputError(errors);
  return compiled;
}
