// Validates a FirewallRule message into the store's rule input: the shared rule compiler (the
// same one the agent runs before rendering nftables) plus the annotation's size. Pure.
import { compileFirewallRule, type Compiled, type FieldError, type FirewallRule } from "@vigil/shared";
import { type FirewallRuleInput } from "../../store/repositories/firewall.js";

const ANNOTATION_MAX_BYTES = 1024;

export function compileFirewallRuleInput(rule: FirewallRule): Compiled<FirewallRuleInput> {
  const compiled = compileFirewallRule(rule);
  const errors: FieldError[] = compiled.ok ? [] : [...compiled.errors];
  if (Buffer.byteLength(rule.annotation) > ANNOTATION_MAX_BYTES) errors.push({ field: "annotation", rule: `must be at most ${ANNOTATION_MAX_BYTES} bytes` });
  if (!compiled.ok || errors.length > 0) return { ok: false, errors: errors.map((error) => ({ field: `rule.${error.field}`, rule: error.rule })) };
  const { protocol, action, direction, hosts, ports, ipVersion } = compiled.value;
  return { ok: true, value: { protocol, action, direction, hosts, ports, ipVersion, annotation: rule.annotation } };
}
