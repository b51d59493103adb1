// A plaintext listener is refused off loopback unless the caller says insecure; loopback (vigil up) may stay plaintext.
import assert from "node:assert/strict";
import { test } from "node:test";
import { isLoopbackHost, PlaintextRefusedError, refusePlaintext } from "./plaintext-policy.js";

test("a plaintext listener on a non-loopback address is refused, naming the field and the ways out", () => {
  for (const listen of ["0.0.0.0:7465", "10.0.0.5:7465", "[::]:7465", "vigil.example.com:7465"]) {
    assert.throws(() => refusePlaintext(listen, false), (error: Error) => error instanceof PlaintextRefusedError && error.message.startsWith(`listen: ${listen} is not a loopback address`) && error.message.includes("--insecure"));
  }
});

test("loopback stays plaintext, and anything is allowed once secured or said insecure", () => {
  for (const listen of ["127.0.0.1:0", "127.8.0.1:7465", "[::1]:7465", "localhost:7465"]) assert.doesNotThrow(() => refusePlaintext(listen, false));
  assert.doesNotThrow(() => refusePlaintext("0.0.0.0:7465", true));
  assert.equal(isLoopbackHost("127.0.0.1.example.com"), false);
});
