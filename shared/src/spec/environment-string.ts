// Parser for the REST string form of a service's environment: `A="x y" B='q' C=plain\ escaped`.
// Shell-like quoting only: no expansion of $VAR or `...`; later assignments win over earlier.
import type { Compiled, FieldError } from "../errors.js";
import { quoteForMessage } from "./field-readers.js";
import { ENVIRONMENT_NAME_PATTERN } from "./limits.js";

export type EnvironmentAssignment = readonly [name: string, value: string];

/** Characters a backslash escapes inside double quotes, as in POSIX sh. */
const DOUBLE_QUOTE_ESCAPES = new Set(['"', "\\", "$", "`", "\n"]);
const BLANKS = new Set([" ", "\t", "\n", "\r"]);

interface Word {
  readonly raw: string;
  readonly decoded: string;
  /** Index in raw and decoded of the first unquoted "=", or -1. */
  readonly equalsRaw: number;
  readonly equalsDecoded: number;
}

type WordResult = { readonly ok: true; readonly word: Word; readonly end: number } | { readonly ok: false; readonly rule: string };

function readWord(text: string, start: number): WordResult {
  let decoded = "";
  let equalsRaw = -1;
  let equalsDecoded = -1;
  let i = start;
  while (i < text.length && !BLANKS.has(text[i] ?? "")) {
    const char = text[i] ?? "";
    if (char === "'") {
      const close = text.indexOf("'", i + 1);
      if (close < 0) return { ok: false, rule: `unterminated single quote starting at character ${i + 1}` };
      decoded += text.slice(i + 1, close);
      i = close + 1;
    } else if (char === '"') {
      let j = i + 1;
      for (;;) {
        const inner = text[j];
        if (inner === undefined) return { ok: false, rule: `unterminated double quote starting at character ${i + 1}` };
        if (inner === '"') break;
        const next = text[j + 1];
        if (inner === "\\" && next !== undefined && DOUBLE_QUOTE_ESCAPES.has(next)) {
          if (next !== "\n") decoded += next; // backslash-newline continues the line, as in sh
          j += 2;
        } else {
          decoded += inner;
          j += 1;
        }
      }
      i = j + 1;
    } else if (char === "\\") {
      const next = text[i + 1];
      if (next === undefined) return { ok: false, rule: `unfinished backslash escape at character ${i + 1}` };
      if (next !== "\n") decoded += next;
      i += 2;
    } else {
      if (char === "=" && equalsRaw < 0) {
        equalsRaw = i - start;
        equalsDecoded = decoded.length;
      }
      decoded += char;
      i += 1;
    }
  }
  return { ok: true, word: { raw: text.slice(start, i), decoded, equalsRaw, equalsDecoded }, end: i };
}

/**
 * Parses `NAME=value` assignments separated by blanks. Reports every malformed assignment;
 * an unterminated quote or escape swallows the rest of the text, so parsing stops there.
 */
export function parseEnvironmentString(text: string, field = "environment"): Compiled<readonly EnvironmentAssignment[]> {
  const assignments: EnvironmentAssignment[] = [];
  const errors: FieldError[] = [];
  let i = 0;
  for (;;) {
    while (i < text.length && BLANKS.has(text[i] ?? "")) i += 1;
    if (i >= text.length) break;
    const result = readWord(text, i);
    if (!result.ok) {
      errors.push({ field, rule: result.rule });
      break;
    }
    i = result.end;
    const { raw, decoded, equalsRaw, equalsDecoded } = result.word;
    if (equalsRaw < 0) {
      errors.push({ field, rule: `missing "=" in ${quoteForMessage(raw)}` });
      continue;
    }
    // The name is checked as written: a quoted or escaped name is not an assignment in sh.
    const name = raw.slice(0, equalsRaw);
    if (!ENVIRONMENT_NAME_PATTERN.test(name)) {
      errors.push({ field, rule: `bad variable name ${quoteForMessage(name)}: must match ${ENVIRONMENT_NAME_PATTERN.source}` });
      continue;
    }
    assignments.push([name, decoded.slice(equalsDecoded + 1)]);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: assignments };
}
