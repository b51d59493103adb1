// Field names between the HTTP API (the proto names, snake_case) and the generated messages
// (camelCase). The keys inside map fields are the caller's own (environment names) and stay as they are.

/** Map fields of the Admin messages: their keys are data, not field names. */
const MAP_FIELDS = new Set(["environment", "language_versions", "languageVersions"]);

function convertKeys(value: unknown, rename: (key: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => convertKeys(item, rename));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) out[rename(key)] = MAP_FIELDS.has(key) ? { ...(inner as object) } : convertKeys(inner, rename);
  return out;
}

export const snakeToCamel = (key: string): string => key.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
export const camelToSnake = (key: string): string => key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** An HTTP body or query (snake_case) as a partial message (camelCase). */
export function toMessageFields(json: unknown): Record<string, unknown> {
  return (convertKeys(json ?? {}, snakeToCamel) ?? {}) as Record<string, unknown>;
}

/** A message as the HTTP API answers it. */
export function toJsonFields(message: unknown): unknown {
  return convertKeys(message, camelToSnake);
}
