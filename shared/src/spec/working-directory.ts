// Normalises a service's working directory to a clean path relative to the account's home.
// Lexical only: symlinks inside the home are the agent's concern when it opens the directory.
import type { Compiled, FieldError } from "../errors.js";
import { checkText } from "./field-readers.js";
import { WORKING_DIRECTORY_MAX_BYTES } from "./limits.js";

/** `./a//b/` -> `a/b`; `""` and `.` -> `""` (the home itself); `..` past the home is refused. */
export function normaliseWorkingDirectory(raw: string, field = "working_directory"): Compiled<string> {
  const errors: FieldError[] = [];
  if (!checkText(raw, field, WORKING_DIRECTORY_MAX_BYTES, errors)) return { ok: false, errors };
  if (raw.startsWith("/")) return { ok: false, errors: [{ field, rule: "must be relative to the account's home directory" }] };
  const parts: string[] = [];
  for (const part of raw.split("/")) {
    if (part === "" || part === ".") continue;
    if (part !== "..") parts.push(part);
    else if (parts.pop() === undefined) return { ok: false, errors: [{ field, rule: "must not leave the account's home directory" }] };
  }
  return { ok: true, value: parts.join("/") };
}
