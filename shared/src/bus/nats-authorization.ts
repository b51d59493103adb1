// The nats-server authorization Vigil needs (NATS's per-user subject permissions): the coordinator's
// user may do anything; each host's user may publish only its own event subjects and read replies
// only on its own inbox prefix, so no host can publish as another or read another's acks.
import { escapeSubjectToken, type BusNames } from "./subjects.js";

export interface NatsUser {
  readonly user: string;
  readonly password: string;
}

export interface NatsAuthorization {
  readonly names: BusNames;
  readonly coordinator: NatsUser;
  /** One user per host, named after it. */
  readonly hosts: readonly { readonly host: string; readonly password: string }[];
}

/** The inbox prefix a host's NATS connection must use: its replies (JetStream PubAcks) arrive there. */
export function hostInboxPrefix(host: string): string {
  return `_INBOX_${escapeSubjectToken(host)}`;
}

/** The authorization block of a nats-server configuration file. */
export function natsAuthorizationConfig(authorization: NatsAuthorization): string {
  const { names } = authorization;
  const users = [
    `    { user: ${quote(authorization.coordinator.user)}, password: ${quote(authorization.coordinator.password)} }`,
    ...authorization.hosts.map(({ host, password }) => {
      const publish = quote(`${names.prefix}.events.${escapeSubjectToken(host)}.>`);
      const subscribe = quote(`${hostInboxPrefix(host)}.>`);
      return `    { user: ${quote(host)}, password: ${quote(password)}, permissions: { publish: { allow: [${publish}] }, subscribe: { allow: [${subscribe}] } } }`;
    }),
  ];
  return `authorization {\n  users: [\n${users.join(",\n")}\n  ]\n}\n`;
}

function quote(text: string): string {
  return JSON.stringify(text);
}
