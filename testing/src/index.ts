// Test fixtures shared by every pgaas package and the system tests: a throwaway PostgreSQL 15, subnet
// claims and fresh labs, the lab fixture, the bounded writer, drill helpers and a VIP watch. Needs
// only @pgaas/common and @pgaas/engine; fixtures that start the control plane or the agent are in
// ./control-plane and ./agent.
export * from "./bench-output.js";
export * from "./connect-outcome.js";
export * from "./drill.js";
export * from "./endpoint-client.js";
export * from "./fresh-lab.js";
export * from "./lab.js";
export * from "./local-postgres.js";
export * from "./local-standby.js";
export * from "./member-psql.js";
export * from "./pair-fixture.js";
export * from "./pair-tls.js";
export * from "./recording-control-plane.js";
export * from "./subnet-allocation.js";
export * from "./throwaway-postgres.js";
export * from "./tls-handshake.js";
export * from "./vip-watch.js";
export * from "./writer.js";
