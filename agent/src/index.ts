// Public surface of @vigil/agent.
export {};
