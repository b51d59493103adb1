// Public surface of @vigil/test.
export {};
