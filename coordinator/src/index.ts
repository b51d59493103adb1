// Public surface of @vigil/coordinator.
export {};
