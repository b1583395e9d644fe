// PgBouncer's auth_hba_file: TLS only (a plain connection is rejected first), the reserved roles and
// PgBouncer's own admin database never, SCRAM for everybody else from the client networks. The
// admin console is reachable by nobody (admin_users is empty); the agent reloads with a signal.
import type { PairSpec } from "../spec.js";

import { withHeader } from "./header.js";
import { hbaToken, RESERVED_ROLES } from "./pg-hba.js";

const ANYWHERE = "0.0.0.0/0";

export function renderPgbouncerHba(spec: PairSpec): string {
  const reserved = RESERVED_ROLES.join(",");
  const lines = [
    ["hostnossl", "all", "all", ANYWHERE, "reject"],
    ["hostssl", "pgbouncer", "all", ANYWHERE, "reject"],
    ["hostssl", "all", reserved, ANYWHERE, "reject"],
    ...spec.network.clientCidrs.map((cidr) => ["hostssl", "all", "all", cidr, "scram-sha-256"]),
  ];
  return withHeader(
    `# TYPE\tDATABASE\tUSER\tADDRESS\tMETHOD\n${lines.map((fields) => `${fields.map(hbaToken).join("\t")}\n`).join("")}`,
  );
}
