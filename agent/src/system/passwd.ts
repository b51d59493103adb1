// Looks up Unix accounts by uid in the passwd database: /etc/passwd first (cached by mtime),
// then `getent passwd` so NSS sources (LDAP, sssd) are honoured too.
import { execFile } from "node:child_process";
import { readFileSync, statSync } from "node:fs";

export interface PasswdEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
  readonly shell: string;
}

/** Parses passwd(5) lines; malformed lines are skipped. */
export function parsePasswd(text: string): PasswdEntry[] {
  const entries: PasswdEntry[] = [];
  for (const line of text.split("\n")) {
    const fields = line.split(":");
    if (fields.length < 7 || !/^\d+$/.test(fields[2] ?? "") || !/^\d+$/.test(fields[3] ?? "")) continue;
    entries.push({ name: fields[0] ?? "", uid: Number(fields[2]), gid: Number(fields[3]), home: fields[5] ?? "", shell: fields[6] ?? "" });
  }
  return entries;
}

export class PasswdDatabase {
  private cache: { mtimeMs: number; byUid: Map<number, PasswdEntry> } | null = null;

  constructor(private readonly path = "/etc/passwd") {}

  /** The local file's entry for uid, re-reading the file only when it changed. */
  localEntry(uid: number): PasswdEntry | undefined {
    const mtimeMs = statSync(this.path).mtimeMs;
    if (this.cache?.mtimeMs !== mtimeMs) {
      const byUid = new Map<number, PasswdEntry>();
      for (const entry of parsePasswd(readFileSync(this.path, "utf8"))) if (!byUid.has(entry.uid)) byUid.set(entry.uid, entry);
      this.cache = { mtimeMs, byUid };
    }
    return this.cache.byUid.get(uid);
  }

  /** Name for display (inspect); the numeric uid when the account is unknown locally. */
  nameOf(uid: number): string {
    return this.localEntry(uid)?.name ?? String(uid);
  }

  /** The entry for uid from any passwd source, or null when the account does not exist. */
  async lookupUid(uid: number): Promise<PasswdEntry | null> {
    const local = this.localEntry(uid);
    if (local) return local;
    return new Promise((resolve) => {
      execFile("getent", ["passwd", String(uid)], { timeout: 5000 }, (error, stdout) => {
        resolve(error ? null : (parsePasswd(stdout)[0] ?? null));
      });
    });
  }
}
