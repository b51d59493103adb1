// A small Node process inside a network namespace that listens on TCP ports and makes connections
// on request, so a test can see what the namespace's firewall lets through (a dropped SYN times out).
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

const PROBE_SCRIPT = `
import net from "node:net";
import { createInterface } from "node:readline";
const reply = (id, result) => process.stdout.write(JSON.stringify({ id, result }) + "\\n");
createInterface({ input: process.stdin }).on("line", (line) => {
  const request = JSON.parse(line);
  if (request.op === "listen") {
    const server = net.createServer((socket) => socket.end());
    server.on("error", (error) => reply(request.id, "error " + error.message));
    server.listen({ port: request.port, host: request.host ?? "::" }, () => reply(request.id, "listening"));
  } else {
    const socket = net.connect({ host: request.host, port: request.port, localAddress: request.source, timeout: request.timeoutMs });
    socket.once("connect", () => { socket.destroy(); reply(request.id, "connected"); });
    socket.once("timeout", () => { socket.destroy(); reply(request.id, "timeout"); });
    socket.once("error", (error) => reply(request.id, error.code ?? error.message));
  }
});
`;

/** How long a connection attempt may take before it counts as dropped. */
export const PROBE_TIMEOUT_MS = 400;

export class NetnsProbe {
  readonly #child: ChildProcess;
  readonly #waiting = new Map<number, (result: string) => void>();
  #next = 0;

  constructor(netns: string) {
    this.#child = spawn("ip", ["netns", "exec", netns, process.execPath, "--input-type=module", "-e", PROBE_SCRIPT], { stdio: ["pipe", "pipe", "inherit"] });
    createInterface({ input: this.#child.stdout! }).on("line", (line) => {
      const { id, result } = JSON.parse(line) as { id: number; result: string };
      this.#waiting.get(id)?.(result);
      this.#waiting.delete(id);
    });
  }

  async listen(port: number): Promise<void> {
    const result = await this.bind(port);
    if (result !== "listening") throw new Error(`listen on ${port}: ${result}`);
  }

  /** "listening", or "error <message>" (e.g. an address this namespace does not have). */
  bind(port: number, host = "::"): Promise<string> {
    return this.#request({ op: "listen", port, host });
  }

  /** "connected", "timeout" (dropped), or an error code such as ECONNREFUSED. */
  connect(host: string, port: number, source: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<string> {
    return this.#request({ op: "connect", host, port, source, timeoutMs });
  }

  stop(): void {
    if (this.#child.pid !== undefined && this.#child.exitCode === null) this.#child.kill("SIGKILL");
  }

  #request(request: Record<string, unknown>): Promise<string> {
    const id = this.#next++;
    return new Promise((resolve) => {
      this.#waiting.set(id, resolve);
      this.#child.stdin!.write(`${JSON.stringify({ id, ...request })}\n`);
    });
  }
}
