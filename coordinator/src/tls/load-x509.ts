// @peculiar/x509, loaded on first use: only a coordinator with TLS signs certificates, and loading
// the library (with tsyringe's Reflect metadata, which its ASN.1 schemas need) costs ~0.1 s of start.
import { webcrypto } from "node:crypto";
import type * as X509Module from "@peculiar/x509";

export type X509 = typeof X509Module;

let loading: Promise<X509> | undefined;

export function loadX509(): Promise<X509> {
  loading ??= (async () => {
    await import("reflect-metadata");
    const x509 = await import("@peculiar/x509");
    x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
    return x509;
  })();
  return loading;
}
