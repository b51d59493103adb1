// Counts for the coordinator's metrics: hosts by state and services by observed state, one
// grouped query each (a scrape must stay cheap with thousands of services).
import { sql } from "drizzle-orm";
import { type Db } from "../db.js";
import { hosts } from "../tables/hosts.js";
import { serviceStatus } from "../tables/service-status.js";

export async function countHostsByState(db: Db): Promise<Map<string, number>> {
  const rows = await db.select({ state: hosts.state, count: sql<number>`count(*)::int` }).from(hosts).groupBy(hosts.state);
  return new Map(rows.map((row) => [row.state, Number(row.count)]));
}

/** Services by their last observed state; a service no agent has reported yet has no row and is not counted. */
export async function countServicesByState(db: Db): Promise<Map<string, number>> {
  const rows = await db.select({ state: serviceStatus.state, count: sql<number>`count(*)::int` }).from(serviceStatus).groupBy(serviceStatus.state);
  return new Map(rows.map((row) => [row.state, Number(row.count)]));
}
