// Public surface of @vigil/cli.
export {};
