// Accounts for many services under `vigil up`: an account owns 200 ports (8300-8499), so the bench
// puts at most 100 services in each; the extra accounts run as nobody, like vigil up's default one.
import { chmodSync, chownSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { Account } from "@vigil/shared";
import { type BenchAdminClient } from "../control/admin-client.js";

export const SERVICES_PER_ACCOUNT = 100;

const NOBODY = { unixUser: "nobody", uid: 65_534, gid: 65_534 } as const;

/**
 * The accounts `count` services need: `defaultAccount` first, then bench-2, bench-3... created with
 * homes under `homesDir`. Service i goes to accounts[floor(i / SERVICES_PER_ACCOUNT)].
 */
export async function benchAccounts(client: BenchAdminClient, homesDir: string, defaultAccount: string, count: number): Promise<string[]> {
  const accounts = [defaultAccount];
  for (let first = SERVICES_PER_ACCOUNT; first < count; first += SERVICES_PER_ACCOUNT) {
    const name = `bench-${accounts.length + 1}`;
    const home = join(homesDir, name);
    mkdirSync(home, { recursive: true });
    chownSync(home, NOBODY.uid, NOBODY.gid);
    chmodSync(home, 0o700);
    await client.call("createAccount", { account: Account.fromPartial({ name, cloud: "public", ...NOBODY, home }) });
    accounts.push(name);
  }
  return accounts;
}

/** The services of each account, in order. */
export function byAccount<T>(accounts: readonly string[], services: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>(accounts.map((account) => [account, []]));
  services.forEach((service, index) => groups.get(accounts[Math.floor(index / SERVICES_PER_ACCOUNT)]!)!.push(service));
  return groups;
}
