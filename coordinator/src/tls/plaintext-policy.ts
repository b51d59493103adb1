// Plaintext is for loopback only (vigil up, tests): on any other address tokens would cross the
// network in clear and agents could not tell their coordinator from an impostor.

import { isLoopback } from "@vigil/shared";

/** Loopback hosts: 127.0.0.0/8, ::1 and localhost, bracketed or not. */
export function isLoopbackHost(host: string): boolean {
  return isLoopback(host.replace(/^\[(.*)\]$/, "$1"));
}

export function hostOf(listen: string): string {
  return listen.slice(0, listen.lastIndexOf(":"));
}

export class PlaintextRefusedError extends Error {}

/** Throws unless `listen` is loopback or the listener is secured (or the operator said --insecure). */
export function refusePlaintext(listen: string, securedOrAllowed: boolean, field = "listen"): void {
  if (securedOrAllowed || isLoopbackHost(hostOf(listen))) return;
  throw new PlaintextRefusedError(
    `${field}: ${listen} is not a loopback address, and a plaintext listener there would send tokens in clear; give TLS (the default of vigil coordinator, or --tls-cert/--tls-key/--tls-ca) or say --insecure`,
  );
}
