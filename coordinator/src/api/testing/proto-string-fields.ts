// Test support: every string a request message can carry, found from the .proto descriptors (buf
// build), each with a request putting a given text there and the field path an error must name.
import { execFileSync } from "node:child_process";
import { join } from "node:path";

const REPO = new URL("../../../../", import.meta.url).pathname;

interface FieldDescriptor {
  readonly name: string;
  readonly jsonName: string;
  readonly label: string;
  readonly type: string;
  readonly typeName?: string;
}
interface MessageDescriptor {
  readonly name: string;
  readonly field?: readonly FieldDescriptor[];
  readonly nestedType?: readonly MessageDescriptor[];
  readonly options?: { readonly mapEntry?: boolean };
}
interface FileDescriptor {
  readonly package: string;
  readonly messageType?: readonly MessageDescriptor[];
  readonly service?: readonly { readonly name: string; readonly method: readonly { readonly name: string; readonly inputType: string }[] }[];
}

export interface StringLocation {
  /** The proto path an error must name, e.g. `services[0].spec.name` or `spec.environment["K"]`. */
  readonly field: string;
  /** The text sits in a map key: the error names the map field and says "keys must ...". */
  readonly mapKey: boolean;
  /** A partial message (for the generated fromPartial) holding `text` at this location. */
  partial(text: string): Record<string, unknown>;
}

export interface ProtoDescriptors {
  /** Method name (lowerCamel, as on AdminService) -> fully qualified input type. */
  methods(service: string): ReadonlyMap<string, string>;
  /** Every string location of the message, nested messages, repeated elements and maps included. */
  stringLocations(typeName: string): StringLocation[];
}

export function loadProtoDescriptors(): ProtoDescriptors {
  const set = JSON.parse(execFileSync(join(REPO, "node_modules/.bin/buf"), ["build", "-o", "-#format=json"], { cwd: REPO, encoding: "utf8" })) as { file: FileDescriptor[] };
  const messages = new Map<string, MessageDescriptor>();
  const index = (prefix: string, message: MessageDescriptor) => {
    messages.set(`${prefix}.${message.name}`, message);
    for (const nested of message.nestedType ?? []) index(`${prefix}.${message.name}`, nested);
  };
  for (const file of set.file) for (const message of file.messageType ?? []) index(`.${file.package}`, message);

  function locations(typeName: string, depth: number): StringLocation[] {
    const message = messages.get(typeName);
    if (message === undefined) throw new Error(`no message ${typeName}`);
    if (depth > 6) return [];
    const found: StringLocation[] = [];
    for (const field of message.field ?? []) {
      const repeated = field.label === "LABEL_REPEATED";
      const entry = field.typeName === undefined ? undefined : messages.get(field.typeName);
      const wrap = (value: unknown): Record<string, unknown> => ({ [field.jsonName]: value });
      if (entry?.options?.mapEntry) {
        found.push({ field: `${field.name}["K"]`, mapKey: false, partial: (text) => wrap({ K: text }) });
        found.push({ field: field.name, mapKey: true, partial: (text) => wrap({ [`K${text}`]: "v" }) });
      } else if (field.type === "TYPE_STRING") {
        found.push({ field: repeated ? `${field.name}[0]` : field.name, mapKey: false, partial: (text) => wrap(repeated ? [text] : text) });
      } else if (field.type === "TYPE_MESSAGE" && field.typeName !== undefined) {
        for (const inner of locations(field.typeName, depth + 1)) {
          found.push({
            field: `${field.name}${repeated ? "[0]" : ""}.${inner.field}`,
            mapKey: inner.mapKey,
            partial: (text) => wrap(repeated ? [inner.partial(text)] : inner.partial(text)),
          });
        }
      }
    }
    return found;
  }

  return {
    methods(service) {
      const methods = new Map<string, string>();
      for (const file of set.file) {
        for (const candidate of file.service ?? []) {
          if (candidate.name !== service) continue;
          for (const method of candidate.method) methods.set(method.name.charAt(0).toLowerCase() + method.name.slice(1), method.inputType);
        }
      }
      return methods;
    },
    stringLocations: (typeName) => locations(typeName, 0),
  };
}
