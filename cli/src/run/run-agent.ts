// Runs `vigil agent` once its options are parsed (filled in with the control plane; see issue 4).
export async function runAgent(_options: Record<string, unknown>): Promise<void> {
  throw new Error("vigil agent: not implemented yet");
}
