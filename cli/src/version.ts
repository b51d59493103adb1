// The version of the `vigil` command, in a module of its own so `vigil --version` loads nothing else.
export const VIGIL_VERSION = "0.1.0";
