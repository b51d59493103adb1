// supervisord's %(name)s expressions in a converted field: expanded to what they mean under Vigil
// (the service's name, the conf's directory, $PORT in a shell command), and a warning for the rest.
import { RESERVED_ENVIRONMENT_NAMES } from "@vigil/shared";

/** Where the expression stands: only a command is run by a shell that can expand ${NAME}. */
export type ExpressionField = "command" | "directory" | "environment";

export interface ExpressionContext {
  /** The program's name as written in [program:x]. */
  readonly program: string;
  /** The [group:x] that lists the program, or the program itself, as in supervisord. */
  readonly group: string;
  /** The directory of the supervisord.conf. */
  readonly here: string;
  readonly numprocs: number;
  /** The account's home, which %(ENV_HOME)s meant on the old machine, when the user gave it. */
  readonly home?: string;
}

/** `%%`, or `%(name)` with Python's %-format flags, width, precision and conversion. */
const EXPRESSION = /%%|%\(([^)]*)\)([-#0 +]*)(\d*)(?:\.\d+)?([diouxXeEfFgGcrs])/g;

function format(value: string, flags: string, width: string, conversion: string): string {
  if (width === "") return value;
  if (flags.includes("-")) return value.padEnd(Number(width));
  return value.padStart(Number(width), flags.includes("0") && conversion !== "s" ? "0" : " ");
}

/** What an expression becomes (undefined: kept as written) and what the user should hear about it. */
interface Expansion {
  readonly value?: string;
  readonly warning?: string;
}

function expansionOf(name: string, field: ExpressionField, context: ExpressionContext): Expansion {
  if (name === "program_name") return { value: context.program };
  if (name === "group_name") return { value: context.group };
  if (name === "here") return { value: context.here };
  if (name === "numprocs") return { value: String(context.numprocs) };
  if (name === "process_num") {
    // One service is one process tree: the only process there is, is number 0.
    return { value: "0", ...(context.numprocs > 1 && { warning: "became 0: Vigil runs one process per service (numprocs)" }) };
  }
  if (name.startsWith("ENV_")) {
    const variable = name.slice("ENV_".length);
    if (variable === "HOME" && context.home !== undefined && field !== "command") return { value: context.home };
    if (field !== "command") return { warning: `not expanded: Vigil does not expand variables in ${field}` };
    // The service's shell expands it when it starts; Vigil sets PORT, HOME and USER itself.
    const value = `\${${variable}}`;
    return RESERVED_ENVIRONMENT_NAMES.includes(variable) ? { value } : { value, warning: `became ${value}: give the service ${variable} in its environment` };
  }
  return { warning: "not expanded: it has no meaning under Vigil" };
}

/** Expands the expressions of one field; `warn` hears of each one that is not simply expanded. */
export function expandExpressions(text: string, field: ExpressionField, context: ExpressionContext, warn: (warning: string) => void): string {
  return text.replace(EXPRESSION, (whole: string, name: string | undefined, flags = "", width = "", conversion = "s") => {
    if (whole === "%%") return "%";
    const expansion = expansionOf(name ?? "", field, context);
    if (expansion.warning !== undefined) warn(`${field}: ${whole} ${expansion.warning}`);
    if (expansion.value === undefined) return whole;
    // ${NAME} is shell text: padding it as a value would break it.
    return expansion.value.startsWith("${") ? expansion.value : format(expansion.value, flags, width, conversion);
  });
}
