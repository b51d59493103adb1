// Runs `vigil up` once its options are parsed (filled in with the control plane; see issue 4).
export async function runUp(_options: Record<string, unknown>): Promise<void> {
  throw new Error("vigil up: not implemented yet");
}
