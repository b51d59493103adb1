// The boot id that makes the agent's message ids ("<host>-<boot id>-<sequence>") unique across restarts:
// drawn once per process start, time-ordered prefix for readability, random suffix for uniqueness.
import { randomBytes } from "node:crypto";

export function newBootId(now: number = Date.now()): string {
  return `${now.toString(36)}${randomBytes(4).toString("hex")}`;
}
