// The selector of a bulk action (`vigil service stop --all`): an account (or every account the
// caller may see) and a name glob, compiled into a SQL LIKE pattern; the action names are here too.
import { type FieldError } from "@vigil/shared";
import { InvalidArgumentError } from "./control-errors.js";

export const BULK_ACTIONS = ["start", "stop", "restart"] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

export interface ServiceSelectorInput {
  /** Undefined: every account. */
  readonly account: string | undefined;
  /** "" or "*": every service; `*` any text, `?` one character. */
  readonly nameGlob: string;
}

export interface ServiceSelector {
  readonly account: string | undefined;
  /** A LIKE pattern over service names (which never hold `%`, `_` or `\`). */
  readonly namePattern: string;
}

/** Service names are `[a-z][a-z0-9-]*`, so a glob holds only those characters and wildcards. */
const GLOB = /^[a-z0-9*?-]{0,200}$/;

export function compileSelector(input: ServiceSelectorInput): ServiceSelector {
  if (!GLOB.test(input.nameGlob)) throw new InvalidArgumentError([{ field: "name_glob", rule: "may hold only a-z, 0-9, -, * and ? (at most 200 characters)" }]);
  const glob = input.nameGlob === "" ? "*" : input.nameGlob;
  return { account: input.account, namePattern: glob.replaceAll("*", "%").replaceAll("?", "_") };
}

export function compileBulkAction(action: string): BulkAction {
  const found = BULK_ACTIONS.find((candidate) => candidate === action);
  if (found !== undefined) return found;
  const error: FieldError = { field: "action", rule: `must be one of ${BULK_ACTIONS.join(", ")}` };
  throw new InvalidArgumentError([error]);
}
