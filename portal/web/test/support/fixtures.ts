// Answers as the control plane gives them, typed by the route schemas so a fixture that drifts
// from the API fails the type-check. Fixed ids and instants keep request paths and text exact.
import type {
  AccessRequest,
  ApiToken,
  AuditEntry,
  BackupInventory,
  Database,
  DatabaseConnection,
  NodeView,
  Pair,
  PairBackups,
  PairEvent,
  ParameterCatalog,
  ParameterSpecView,
  Report,
  User,
} from "@pgaas/api";
import { DATABASE_PARAMETERS, PAIR_PARAMETERS, type ParameterSpec } from "@pgaas/common/wire";

export const IDS = {
  admin: "0b6f3f0e-8c1a-4d2b-9e3f-1a2b3c4d5e60",
  member: "1c7a4b2d-9e3f-4a5b-8c6d-2b3c4d5e6f71",
  pair: "2d8b5c3e-af40-4b6c-9d7e-3c4d5e6f7a82",
  nodeA: "3e9c6d4f-b051-4c7d-ae8f-4d5e6f7a8b93",
  nodeB: "4fad7e50-c162-4d8e-bf90-5e6f7a8b9ca4",
  database: "50be8f61-d273-4e9f-80a1-6f7a8b9cadb5",
  request: "61cf9072-e384-4fa0-91b2-7a8b9cadbec6",
  token: "72d0a183-f495-40b1-a2c3-8b9cadbecfd7",
} as const;

export const CREATED_AT = "2026-11-20T09:15:00.000Z";

export function user(overrides: Partial<User> = {}): User {
  return {
    id: IDS.admin,
    email: "ada@example.com",
    role: "admin",
    disabled: false,
    createdAt: CREATED_AT,
    ...overrides,
  };
}

export function node(overrides: Partial<NodeView> = {}): NodeView {
  return {
    id: IDS.nodeA,
    name: "node_a",
    address: "10.231.4.2",
    port: 5432,
    agentPort: 7070,
    role: "primary",
    writable: true,
    fenced: false,
    timeline: 3,
    lsn: "0/3000148",
    lagBytes: null,
    lagSeconds: null,
    syncState: "sync",
    pendingRestart: false,
    lastReportAt: "2026-11-29T21:59:58.000Z",
    state: "reporting",
    healState: "none",
    ...overrides,
  };
}

export function pair(overrides: Partial<Pair> = {}): Pair {
  return {
    id: IDS.pair,
    name: "shop-eu",
    endpoint: { host: "10.231.4.10", port: 5432 },
    nodes: [
      node(),
      node({ id: IDS.nodeB, name: "node_b", address: "10.231.4.3", role: "standby", writable: false }),
    ],
    witness: null,
    primary: "node_a",
    health: "healthy",
    reason: null,
    switchover: { target: "node_b", refusal: null },
    syncState: "sync",
    lagBytes: 0,
    lagSeconds: 0,
    lastReportAt: "2026-11-29T21:59:58.000Z",
    settings: {},
    databaseCount: 1,
    caCertificate: null,
    createdAt: CREATED_AT,
    updatedAt: CREATED_AT,
    ...overrides,
  };
}

export function database(overrides: Partial<Database> = {}): Database {
  return {
    id: IDS.database,
    pairId: IDS.pair,
    pairName: "shop-eu",
    name: "orders",
    owner: "orders",
    createdBy: IDS.admin,
    state: "active",
    settings: {},
    connectionLimit: -1,
    pooling: false,
    poolerPort: 6432,
    sizeBytes: 7_725_568,
    connections: { active: 1, idle: 2, idleInTransaction: 0, other: 0 },
    metricsAt: "2026-11-29T21:59:55.000Z",
    createdAt: CREATED_AT,
    deletedAt: null,
    restoredFrom: null,
    restoreTarget: null,
    error: null,
    ...overrides,
  };
}

/** The owner's own connection to the `database()` fixture, through the `pair()` endpoint. */
export function connection(overrides: Partial<DatabaseConnection> = {}): DatabaseConnection {
  return {
    username: "orders",
    role: "owner",
    host: "10.231.4.10",
    port: 5432,
    database: "orders",
    connectionUri: "postgresql://orders@10.231.4.10:5432/orders",
    pooledConnectionUri: null,
    caCertificate: null,
    ...overrides,
  };
}

export function accessRequest(overrides: Partial<AccessRequest> = {}): AccessRequest {
  return {
    id: IDS.request,
    databaseId: IDS.database,
    databaseName: "orders",
    requesterId: IDS.member,
    requesterEmail: "max@example.com",
    level: "read_only",
    reason: "monthly revenue report",
    state: "pending",
    roleName: null,
    previousRoleName: null,
    previousValidUntil: null,
    expiresAt: null,
    decidedBy: null,
    decidedAt: null,
    decisionNote: null,
    credentialsAvailable: false,
    createdAt: "2026-11-29T20:00:00.000Z",
    ...overrides,
  };
}

export function apiToken(overrides: Partial<ApiToken> = {}): ApiToken {
  return {
    id: IDS.token,
    name: "ci-deploy",
    prefix: "pgaas_k3",
    createdAt: CREATED_AT,
    expiresAt: null,
    lastUsedAt: null,
    ...overrides,
  };
}

export function pairEvent(overrides: Partial<PairEvent> = {}): PairEvent {
  return {
    id: "83e1b294-0a56-41c2-b3d4-9cadbecfd0e8",
    pairId: IDS.pair,
    nodeName: "node_b",
    type: "failover",
    message: "node_b promoted after node_a stopped answering",
    occurredAt: "2026-11-29T21:40:05.000Z",
    durationMs: 3400,
    details: {},
    ...overrides,
  };
}

export function auditEntry(index: number, overrides: Partial<AuditEntry> = {}): AuditEntry {
  const at = new Date(Date.parse("2026-11-29T21:00:00.000Z") - index * 60_000).toISOString();
  return {
    id: `94f2c3a5-1b67-42d3-84e5-${String(index).padStart(12, "0")}`,
    at,
    actorId: IDS.admin,
    actor: "user:ada@example.com",
    actorName: "ada@example.com",
    action: "createDatabase",
    targetType: "databases",
    targetId: IDS.database,
    targetName: "orders",
    outcome: "succeeded",
    failure: null,
    requestId: `req-${index}`,
    details: {},
    ...overrides,
  };
}

const pick = <T extends { name: string }>(specs: readonly T[], names: readonly string[]): T[] =>
  names.map((name) => {
    const spec = specs.find((candidate) => candidate.name === name);
    if (!spec) throw new Error(`no parameter ${name} in the catalogue`);
    return spec;
  });

/** A catalogue as GET /v1/settings/parameters answers it, cut to a few parameters of each kind. */
export function catalog(): ParameterCatalog {
  const view = ({ values, ...spec }: ParameterSpec): ParameterSpecView =>
    values ? { ...spec, values: [...values] } : spec;
  return {
    database: pick(DATABASE_PARAMETERS, ["statement_timeout", "jit", "default_transaction_isolation"]).map(
      view,
    ),
    pair: pick(PAIR_PARAMETERS, ["max_connections", "work_mem", "log_connections"]).map(view),
  };
}

/** A report with no samples yet, for pages that show charts beside what is tested. */
export function emptyReport(
  kind: "database" | "pair",
  id: string,
  name: string,
  from: string,
  to: string,
): Report {
  return {
    subject: { kind, id, name },
    from,
    to,
    bucketSeconds: 60,
    points: [],
    summary: {
      sizeGrowthBytes: null,
      maxConnections: null,
      commitsPerSecond: null,
      rollbacksPerSecond: null,
      cacheHitRatio: null,
      deadlocks: null,
      tempBytes: null,
      maxLagBytes: null,
      maxLagSeconds: null,
      uptimeRatio: null,
      outages: [],
      failovers: 0,
      degradedPeriods: [],
    },
  };
}

/** Query insights with nothing recorded yet. */
export const NO_STATEMENTS = { since: null, orderBy: "total_time", statements: [] };
export const NO_SLOW_QUERIES = {
  from: "2026-11-28T22:00:00.000Z",
  to: "2026-11-29T22:00:00.000Z",
  slowQueries: [],
};

/** A pair's backups as the primary's agent reports them: a full and a differential, 95 s of archive lag. */
export function backupInventory(overrides: Partial<BackupInventory> = {}): BackupInventory {
  return {
    stanza: "shop-eu",
    statusCode: 0,
    statusMessage: "ok",
    backups: [
      {
        label: "20261129-210000F",
        type: "full",
        startedAt: "2026-11-29T21:00:00.000Z",
        stoppedAt: "2026-11-29T21:00:12.500Z",
        databaseBytes: 52_428_800,
        repositoryBytes: 6_291_456,
        walStart: "000000030000000000000010",
        walStop: "000000030000000000000010",
      },
      {
        label: "20261129-210000F_20261129-213000D",
        type: "diff",
        startedAt: "2026-11-29T21:30:00.000Z",
        stoppedAt: "2026-11-29T21:30:03.000Z",
        databaseBytes: 53_477_376,
        repositoryBytes: 1_048_576,
        walStart: "000000030000000000000014",
        walStop: "000000030000000000000014",
      },
    ],
    walMin: "000000030000000000000010",
    walMax: "000000030000000000000019",
    restorableFrom: "2026-11-29T21:00:12.500Z",
    restorableTo: "2026-11-29T21:59:40.000Z",
    archiveLagSeconds: 95,
    archiveFailures: 0,
    ...overrides,
  };
}

export function pairBackups(overrides: Partial<PairBackups> = {}): PairBackups {
  return {
    inventory: backupInventory(),
    reportedAt: "2026-11-29T21:59:45.000Z",
    reportedBy: "node_a",
    requests: [],
    lastVerification: null,
    ...overrides,
  };
}
