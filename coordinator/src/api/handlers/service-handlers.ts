// Admin handlers for services: every change and command goes through the control plane, which
// compiles input, places, notifies agents and reaches them for restart, signal, logs, processes.
import { InvalidInputError } from "@vigil/shared";
import { type ControlPlane } from "../../control/control-plane.js";
import { type ServiceRef } from "../../store/repositories/service-rows.js";
import { type Authorised, requireAccount } from "../authorise.js";
import { serviceMessage } from "../messages/service-messages.js";
import { portRequest, servicePatch, serviceSpecInput } from "./service-input.js";
import { type UnaryHandlers } from "./handler-types.js";

type ServiceRpc =
  | "createService"
  | "createServices"
  | "getService"
  | "listServices"
  | "updateService"
  | "deleteService"
  | "startService"
  | "stopService"
  | "restartService"
  | "signalService"
  | "enableService"
  | "disableService"
  | "controlServices";

/** The service a request names, in the account the call is authorised for. */
export function serviceRef(authorised: Authorised, name: string): ServiceRef {
  if (name === "") throw new InvalidInputError([{ field: "name", rule: "is required" }]);
  return { account: requireAccount(authorised), name };
}

export function serviceHandlers(control: ControlPlane): Pick<UnaryHandlers, ServiceRpc> {
  return {
    createService: async (request, authorised) => {
      if (request.service === undefined) throw new InvalidInputError([{ field: "service", rule: "is required" }]);
      const ports = portRequest(request.service);
      const view = await control.createService({ account: requireAccount(authorised), spec: serviceSpecInput(request.service), ...(ports && { ports }) });
      return serviceMessage(view);
    },
    createServices: async (request, authorised) => {
      const services = request.services.map((input) => {
        const ports = portRequest(input);
        return { spec: serviceSpecInput(input), ...(ports && { ports }) };
      });
      const views = await control.createServices({ account: requireAccount(authorised), services });
      return { services: views.map(serviceMessage) };
    },
    getService: async (request, authorised) => serviceMessage(await control.getService(serviceRef(authorised, request.name))),
    listServices: async (_request, authorised) => {
      const views = await control.listServices(authorised.account === undefined ? {} : { account: authorised.account });
      return { services: views.map(serviceMessage) };
    },
    updateService: async (request, authorised) => serviceMessage(await control.updateService(serviceRef(authorised, request.name), servicePatch(request), request.expectedRevision)),
    deleteService: async (request, authorised) => {
      await control.deleteService(serviceRef(authorised, request.name));
      return {};
    },
    startService: async (request, authorised) => serviceMessage(await control.startService(serviceRef(authorised, request.name))),
    stopService: async (request, authorised) => serviceMessage(await control.stopService(serviceRef(authorised, request.name))),
    restartService: async (request, authorised) => serviceMessage(await control.restartService(serviceRef(authorised, request.name))),
    signalService: async (request, authorised) =>
      serviceMessage(await control.signalService(serviceRef(authorised, request.name), request.signal, { mainProcessOnly: request.mainProcessOnly })),
    enableService: async (request, authorised) => serviceMessage(await control.enableService(serviceRef(authorised, request.name))),
    disableService: async (request, authorised) => serviceMessage(await control.disableService(serviceRef(authorised, request.name), request.reason)),
    controlServices: async (request, authorised) => control.controlServices({ account: authorised.account, nameGlob: request.nameGlob }, request.action),
  };
}
