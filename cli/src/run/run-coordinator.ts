// Runs `vigil coordinator` once its options are parsed (filled in with the control plane; see issue 4).
export async function runCoordinator(_options: Record<string, unknown>): Promise<void> {
  throw new Error("vigil coordinator: not implemented yet");
}
