// What the control plane is told about a pair when it is registered (POST /v1/pairs), derived from the
// pair spec and its secrets: one body for every caller that registers a pair from its spec (npm start's
// stack and the test stacks), so a new field (the pooler's port) cannot be forgotten in one of them.
import { ADMIN_ROLE, AGENT_PORT } from "@pgaas/common/wire";
import type { PairSecrets } from "./secrets.js";
import type { PairSpec } from "./spec.js";

export function pairRegistration(spec: PairSpec, secrets: PairSecrets) {
  return {
    name: spec.name,
    endpoint: {
      host: spec.endpoint.address,
      port: spec.endpoint.port,
      ...(spec.pooler.enabled ? { poolerPort: spec.pooler.port } : {}),
    },
    nodes: spec.nodes.map((node) => ({
      name: node.name,
      address: node.address,
      port: spec.postgres.port,
      agentPort: spec.agent?.listenPort ?? AGENT_PORT,
    })),
    witness: { name: spec.witness.name, address: spec.witness.address },
    // The CA lets the control plane verify the nodes (verify-full) and hands it to database owners.
    admin: {
      username: ADMIN_ROLE,
      password: secrets.adminPassword.reveal(),
      caCertificate: secrets.tlsCa?.certificate,
    },
  };
}
