// Plain `fetch` calls to the HTTP Admin API for tests, as any HTTP client makes them: a bearer
// token, JSON in and out, and NDJSON streams read line by line.
export interface JsonAnswer<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
}

export function httpJson(baseUrl: string, token: string | undefined) {
  return async function request<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<JsonAnswer<T>> {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { ...(token !== undefined && { authorization: `Bearer ${token}` }), ...(body !== undefined && { "content-type": "application/json" }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as T };
  };
}

/** Reads an NDJSON stream until `until` accepts a line, then hangs up; rejects after timeoutMs. */
export async function readNdjsonUntil<T>(url: string, token: string, until: (line: T) => boolean, timeoutMs = 60_000): Promise<T[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const seen: T[] = [];
  try {
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
    if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
    let buffered = "";
    for await (const chunk of response.body!.pipeThrough(new TextDecoderStream())) {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf("\n")) >= 0) {
        const line = JSON.parse(buffered.slice(0, newline)) as T;
        buffered = buffered.slice(newline + 1);
        seen.push(line);
        if (until(line)) return seen;
      }
    }
    throw new Error(`the stream ended first: ${JSON.stringify(seen)}`);
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}
