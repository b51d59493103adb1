// Reads services with their live status and their host's state, for get and list.
import { type Db } from "../store/db.js";
import { getHost, listHosts } from "../store/repositories/hosts.js";
import { type ServiceRef } from "../store/repositories/service-rows.js";
import { getService, listServices } from "../store/repositories/services.js";
import { getServiceStatus, listServiceStatuses } from "../store/repositories/status.js";
import { type ServiceView, toServiceView } from "./service-view.js";

export async function readServiceView(db: Db, ref: ServiceRef): Promise<ServiceView> {
  const service = await getService(db, ref);
  const status = await getServiceStatus(db, ref);
  const hostState = service.host === null ? null : (await getHost(db, service.host)).state;
  return toServiceView(service, status, hostState);
}

export async function readServiceViews(db: Db, filter: { readonly account?: string; readonly host?: string }): Promise<ServiceView[]> {
  const [services, statuses, hosts] = await Promise.all([listServices(db, filter), listServiceStatuses(db, filter), listHosts(db)]);
  const statusByKey = new Map(statuses.map((status) => [`${status.account}/${status.service}`, status]));
  const hostStates = new Map(hosts.map((host) => [host.name, host.state]));
  return services.map((service) =>
    toServiceView(service, statusByKey.get(`${service.account}/${service.spec.name}`) ?? null, service.host === null ? null : (hostStates.get(service.host) ?? null)),
  );
}
