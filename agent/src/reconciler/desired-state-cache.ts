// The host's last applied desired state on disk (written atomically and fsynced), so an agent
// that starts while the coordinator is unreachable runs what it last knew (static stability).
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";
import { DesiredState } from "@vigil/shared";

export const DESIRED_STATE_FILE = "desired-state.pb";

export class DesiredStateCache {
  readonly path: string;
  readonly #dir: string;

  constructor(stateDir: string) {
    this.#dir = stateDir;
    this.path = join(stateDir, DESIRED_STATE_FILE);
  }

  /** The cached state, or null when there is none or it cannot be decoded (then the coordinator's is awaited). */
  load(): DesiredState | null {
    let bytes: Buffer;
    try {
      bytes = readFileSync(this.path);
    } catch {
      return null;
    }
    try {
      return DesiredState.decode(bytes);
    } catch {
      return null;
    }
  }

  /** Replaces the cache: a crash leaves the old file or the new one, never a torn one. */
  save(state: DesiredState): void {
    const temporary = `${this.path}.tmp`;
    const fd = openSync(temporary, "w", 0o600);
    try {
      const bytes = DesiredState.encode(state).finish();
      writeSync(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, this.path);
    const dir = openSync(this.#dir, "r");
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  }
}
