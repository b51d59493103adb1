// Undo steps of a system test, run last-in first-out in `after`; every step runs even when an
// earlier one fails, and the failures are reported together.

export class Cleanup {
  readonly #steps: { readonly what: string; readonly run: () => unknown }[] = [];

  defer(what: string, run: () => unknown): void {
    this.#steps.push({ what, run });
  }

  async run(): Promise<void> {
    const failures: string[] = [];
    for (const step of this.#steps.splice(0).reverse()) {
      try {
        await step.run();
      } catch (error) {
        failures.push(`${step.what}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (failures.length > 0) throw new Error(`cleanup failed: ${failures.join("; ")}`);
  }
}
