// SSH transport: the one way the engine acts on a host (ARCHITECTURE.md decision 2).
export { connectSsh, hostKeyFingerprint, type SshConnectOptions } from "./connect.js";
export * from "./errors.js";
export { createSshPool, type SshPool, withSsh } from "./pool.js";
export type * from "./session.js";
export type { SshTarget } from "./target.js";
