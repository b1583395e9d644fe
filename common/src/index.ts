export * from "./errors.js";
export * from "./log.js";
export * from "./quote.js";
export * from "./secret.js";
export * from "./switchover.js";
export * from "./tenant-boundary.js";
