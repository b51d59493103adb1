// Per-account port allocation in 8300-8499: requested ports or the lowest free ones. The
// account row is locked for the transaction, so concurrent allocations take turns, never collide.
import { InvalidInputError, MAX_PORTS_PER_SERVICE } from "@vigil/shared";
import { and, asc, eq, isNull } from "drizzle-orm";
import { type Db } from "../db.js";
import { AlreadyExistsError, ConflictError, NotFoundError, PortExhaustedError } from "../errors.js";
import { accounts } from "../tables/accounts.js";
import { portAllocations } from "../tables/ports.js";
import { services } from "../tables/services.js";
import { PORT_RANGE } from "../vocabulary.js";
import { requireAccountId } from "./accounts.js";

export interface PortRequest {
  /** Exact ports wanted; each must be in range and free. */
  readonly requested?: readonly number[];
  /** How many more ports to take, lowest free first (default: 1 when nothing is requested). */
  readonly count?: number;
}

export interface PortAllocationRecord {
  readonly account: string;
  readonly port: number;
  /** The service holding the port, or null when it was allocated on its own. */
  readonly service: string | null;
}

/** Allocates ports in `account` for `serviceId` (or none); returns them in ascending order. */
export async function allocatePorts(db: Db, account: string, request: PortRequest, serviceId: number | null = null): Promise<number[]> {
  checkPortRequest(request);
  return db.transaction(async (tx) => {
    const accountId = await requireAccountId(tx, account, { lock: true });
    const taken = await takenPorts(tx, accountId);
    const chosen = choosePorts(taken, request, account);
    if (chosen.length > 0) await tx.insert(portAllocations).values(chosen.map((port) => ({ accountId, port, serviceId })));
    return chosen;
  });
}

/**
 * Allocates ports for many new services of one account with one read and one insert; the
 * caller holds the account's row lock (see requireAccountId). Errors name `services[i].port`.
 */
export async function allocateServicePorts(
  db: Db,
  account: string,
  accountId: number,
  items: readonly { readonly serviceId: number; readonly request: PortRequest }[],
): Promise<void> {
  const taken = await takenPorts(db, accountId);
  const rows = items.flatMap((item, index) => {
    try {
      checkPortRequest(item.request);
      return choosePorts(taken, item.request, account).map((port) => ({ accountId, port, serviceId: item.serviceId }));
    } catch (error) {
      throw renameField(error, `services[${index}].port`);
    }
  });
  if (rows.length > 0) await db.insert(portAllocations).values(rows);
}

async function takenPorts(db: Db, accountId: number): Promise<Set<number>> {
  return new Set((await db.select({ port: portAllocations.port }).from(portAllocations).where(eq(portAllocations.accountId, accountId))).map((row) => row.port));
}

/** The requested ports plus the lowest free ones, ascending; adds them to `taken`. */
function choosePorts(taken: Set<number>, request: PortRequest, account: string): number[] {
  const requested = request.requested ?? [];
  const count = request.count ?? (requested.length === 0 ? 1 : 0);
  for (const port of requested) {
    if (taken.has(port)) throw new AlreadyExistsError("port", `${port} is already allocated in account ${account}`);
    taken.add(port);
  }
  const free = lowestFree(taken, count, account);
  for (const port of free) taken.add(port);
  return [...requested, ...free].sort((a, b) => a - b);
}

function renameField(error: unknown, field: string): unknown {
  if (error instanceof InvalidInputError) return new InvalidInputError(error.errors.map((e) => ({ ...e, field })));
  if (error instanceof PortExhaustedError) return new PortExhaustedError(field, error.rule);
  if (error instanceof AlreadyExistsError) return new AlreadyExistsError(field, error.rule);
  return error;
}

/** The API's single-port form: `port` 0 or absent means the lowest free one. */
export async function allocatePort(db: Db, account: string, port?: number): Promise<PortAllocationRecord> {
  const [allocated] = await allocatePorts(db, account, port ? { requested: [port] } : { count: 1 });
  return { account, port: allocated ?? 0, service: null };
}

/** Frees a port that no service holds; a service's ports go back when the service is deleted. */
export async function releasePort(db: Db, account: string, port: number): Promise<void> {
  const accountId = await requireAccountId(db, account);
  const thisPort = and(eq(portAllocations.accountId, accountId), eq(portAllocations.port, port));
  const released = await db
    .delete(portAllocations)
    .where(and(thisPort, isNull(portAllocations.serviceId)))
    .returning({ port: portAllocations.port });
  if (released.length > 0) return;
  const [holder] = await db.select({ name: services.name }).from(portAllocations).innerJoin(services, eq(services.id, portAllocations.serviceId)).where(thisPort);
  if (holder) throw new ConflictError("port", `${port} is held by service ${holder.name}; delete the service to free it`);
  throw new NotFoundError("port", `${port} is not allocated in account ${account}`);
}

export async function listPorts(db: Db, account: string): Promise<PortAllocationRecord[]> {
  await requireAccountId(db, account);
  return db
    .select({ account: accounts.name, port: portAllocations.port, service: services.name })
    .from(portAllocations)
    .innerJoin(accounts, eq(accounts.id, portAllocations.accountId))
    .leftJoin(services, eq(services.id, portAllocations.serviceId))
    .where(eq(accounts.name, account))
    .orderBy(asc(portAllocations.port));
}

function checkPortRequest(request: PortRequest): void {
  const requested = request.requested ?? [];
  if (requested.length + (request.count ?? 0) > MAX_PORTS_PER_SERVICE) {
    throw new InvalidInputError([{ field: "ports", rule: `at most ${MAX_PORTS_PER_SERVICE} per service (got ${requested.length + (request.count ?? 0)})` }]);
  }
  for (const port of requested) {
    if (!Number.isInteger(port) || port < PORT_RANGE.first || port > PORT_RANGE.last) {
      throw new InvalidInputError([{ field: "port", rule: `${port} is outside ${PORT_RANGE.first}-${PORT_RANGE.last}` }]);
    }
  }
  if (new Set(requested).size !== requested.length) throw new InvalidInputError([{ field: "port", rule: "the same port is requested twice" }]);
}

function lowestFree(taken: ReadonlySet<number>, count: number, account: string): number[] {
  const free: number[] = [];
  for (let port = PORT_RANGE.first; port <= PORT_RANGE.last && free.length < count; port++) {
    if (!taken.has(port)) free.push(port);
  }
  if (free.length === 0 && count > 0) throw new PortExhaustedError("port", `account ${account} has no free port in ${PORT_RANGE.first}-${PORT_RANGE.last}`);
  if (free.length < count) throw new PortExhaustedError("port", `account ${account} has ${free.length} free ports in ${PORT_RANGE.first}-${PORT_RANGE.last}, ${count} asked`);
  return free;
}
