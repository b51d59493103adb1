// The failures the operator CLI reports: one line on stderr, and an exit code telling scripts
// whether the request was refused by the server (1) or never well-formed (2).
export const EXIT_CODES = { server: 1, usage: 2 } as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_CODES.server,
  ) {
    super(message);
    this.name = "CliError";
  }
}

export function usageError(message: string): CliError {
  return new CliError(message, EXIT_CODES.usage);
}
