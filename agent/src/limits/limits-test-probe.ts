// Test support: a TCP probe of loopback listeners (connect, read "ok", close) timed per round, to
// show whether services stay responsive while another service misbehaves.
import { createServer, connect } from "node:net";

/** A free loopback port: bound by the kernel's choice, then released for the service to take. */
export async function reserveLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** One round trip in milliseconds; rejects on error or after timeoutMs. */
export function probeOnce(port: number, timeoutMs = 5_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const socket = connect({ host: "127.0.0.1", port });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer from port ${port} within ${timeoutMs} ms`)));
    let answer = "";
    socket.on("data", (chunk) => (answer += String(chunk)));
    socket.on("error", reject);
    socket.on("close", () => {
      if (answer === "ok") resolve(Number(process.hrtime.bigint() - started) / 1e6);
      else reject(new Error(`port ${port} answered ${JSON.stringify(answer)}`));
    });
  });
}

export async function waitForListener(port: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await probeOnce(port);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** Probes every port in turn, every 20 ms, for durationMs. */
export async function probeLatencies(ports: readonly number[], durationMs: number): Promise<{ latenciesMs: number[]; failures: number }> {
  const latenciesMs: number[] = [];
  let failures = 0;
  const end = Date.now() + durationMs;
  while (Date.now() < end) {
    for (const port of ports) {
      try {
        latenciesMs.push(await probeOnce(port));
      } catch {
        failures += 1;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { latenciesMs, failures };
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}
