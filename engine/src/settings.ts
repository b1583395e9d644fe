// PostgreSQL settings precedence: defaults → per-major defaults → sizes from the VM's memory → user
// settings → fixed parameters the product needs. Fixed parameters win, and a user setting that would
// break them is an error naming the setting (a user cannot switch off replication by a setting).
import { InputError } from "@pgaas/common";
import type { MemberLayout } from "./layout.js";
import type { PairSpec } from "./spec.js";

export type Settings = Readonly<Record<string, string>>;

/**
 * Measured on real pairs: these keep detection fast and fail over without a second primary. Plus
 * tcp_user_timeout: when the standby's host vanishes silently, unacknowledged WAL drops the walsender
 * after 2 s instead of wal_sender_timeout, so a waiting commit is released in ~5 s rather than ~14 s.
 */
const DEFAULTS: Settings = {
  hot_standby_feedback: "on",
  log_line_prefix: "%m [%p] %q%u@%d ",
  // The slow-query view's threshold (a pair setting admins may change; -1 turns the view off).
  log_min_duration_statement: "1s",
  max_connections: "100",
  password_encryption: "scram-sha-256",
  tcp_keepalives_count: "3",
  tcp_keepalives_idle: "5",
  tcp_keepalives_interval: "2",
  tcp_user_timeout: "2s",
  wal_keep_size: "256MB",
  wal_receiver_status_interval: "1s",
  wal_receiver_timeout: "10s",
  wal_retrieve_retry_interval: "1s",
  wal_sender_timeout: "10s",
};

const MAJOR_DEFAULTS: Readonly<Record<number, Settings>> = {
  15: { recovery_init_sync_method: "syncfs" },
};

/** shared_buffers 25 %, effective_cache_size 75 %, maintenance_work_mem 5 % (≤ 1 GB), work_mem from connections. */
export function sizedSettings(memoryMb: number, maxConnections: number): Settings {
  return {
    effective_cache_size: `${Math.floor(memoryMb * 0.75)}MB`,
    maintenance_work_mem: `${Math.max(16, Math.min(1024, Math.floor(memoryMb * 0.05)))}MB`,
    shared_buffers: `${Math.max(16, Math.floor(memoryMb * 0.25))}MB`,
    work_mem: `${Math.max(1, Math.floor((memoryMb * 0.25) / (maxConnections * 2)))}MB`,
  };
}

type Rule =
  | { readonly kind: "exact"; readonly reason: string }
  | { readonly kind: "minimum"; readonly min: number; readonly reason: string }
  | { readonly kind: "includes"; readonly items: readonly string[]; readonly reason: string }
  | {
      readonly kind: "oneOf";
      readonly allowed: readonly string[];
      readonly fallback: string;
      readonly reason: string;
    };

/** The fixed-parameter table (documentation and enforcement in one place). */
export const FIXED_PARAMETERS: Readonly<Record<string, Rule>> = {
  archive_command: { kind: "exact", reason: "WAL archiving is pgBackRest's, set by the pair's backup spec" },
  archive_mode: { kind: "exact", reason: "WAL archiving is pgBackRest's, set by the pair's backup spec" },
  archive_cleanup_command: { kind: "exact", reason: "recovery settings are written by repmgr" },
  cluster_name: { kind: "exact", reason: "names the pair member in ps and logs" },
  data_directory: { kind: "exact", reason: "the layout places the data directory; config lives outside it" },
  fsync: {
    kind: "oneOf",
    allowed: ["on"],
    fallback: "on",
    reason: "an acknowledged commit must survive a crash",
  },
  full_page_writes: {
    kind: "oneOf",
    allowed: ["on"],
    fallback: "on",
    reason: "pg_rewind needs full page images",
  },
  hba_file: { kind: "exact", reason: "rendered by pgaas outside the data directory" },
  hot_standby: {
    kind: "oneOf",
    allowed: ["on"],
    fallback: "on",
    reason: "the standby serves reads and repmgr queries it",
  },
  ident_file: { kind: "exact", reason: "rendered by pgaas outside the data directory" },
  listen_addresses: { kind: "exact", reason: "the node address and the VIP, nothing else" },
  max_replication_slots: { kind: "minimum", min: 10, reason: "repmgr uses one slot per standby" },
  max_wal_senders: {
    kind: "minimum",
    min: 10,
    reason: "replication, pg_basebackup and pg_rewind each need a sender",
  },
  port: { kind: "exact", reason: "the spec's postgres.port; the endpoint and repmgr conninfo use it" },
  primary_conninfo: { kind: "exact", reason: "written by repmgr standby clone / follow" },
  primary_slot_name: { kind: "exact", reason: "written by repmgr standby clone / follow" },
  restart_after_crash: {
    kind: "exact",
    reason: "on a node a crash must end in a failover, never race one (see the architecture doc)",
  },
  restore_command: { kind: "exact", reason: "recovery settings are written by repmgr" },
  log_destination: {
    kind: "exact",
    reason: "the agent reads slow statements from the jsonlog files (stderr stays for people)",
  },
  log_directory: { kind: "exact", reason: "the member's log directory, where the agent reads the jsonlog" },
  log_filename: { kind: "exact", reason: "one file per weekday, reused: the log's disk use is bounded" },
  log_rotation_age: { kind: "exact", reason: "one file per weekday, reused: the log's disk use is bounded" },
  log_timezone: { kind: "exact", reason: "the agent reads the jsonlog's times as UTC" },
  log_truncate_on_rotation: {
    kind: "exact",
    reason: "one file per weekday, reused: the log's disk use is bounded",
  },
  logging_collector: { kind: "exact", reason: "the jsonlog destination needs the logging collector" },
  ssl: { kind: "exact", reason: "every TCP connection is TLS (pg_hba rejects the rest)" },
  ssl_ca_file: {
    kind: "exact",
    reason: "the pair's client CA, pushed by the control plane into the included client-auth.conf",
  },
  ssl_crl_dir: { kind: "exact", reason: "revocation is the client CA's CRL file (ssl_crl_file)" },
  ssl_crl_file: {
    kind: "exact",
    reason: "the client CA's CRL, pushed by the control plane into the included client-auth.conf",
  },
  ssl_cert_file: { kind: "exact", reason: "the member's certificate, issued by the pair CA" },
  ssl_key_file: { kind: "exact", reason: "the member's key, derived from the pair CA" },
  ssl_min_protocol_version: {
    kind: "oneOf",
    allowed: ["TLSv1.2", "TLSv1.3"],
    fallback: "TLSv1.2",
    reason: "older TLS versions are broken",
  },
  shared_preload_libraries: {
    kind: "includes",
    items: ["repmgr", "pg_stat_statements"],
    reason: "repmgrd needs the repmgr library; query insights read pg_stat_statements",
  },
  synchronous_commit: {
    kind: "oneOf",
    allowed: ["on", "remote_apply"],
    fallback: "on",
    reason: "in synchronous mode a commit waits for the standby's flush (zero data loss)",
  },
  synchronous_standby_names: {
    kind: "exact",
    reason: "managed at run time (ALTER SYSTEM) by the sync hooks",
  },
  unix_socket_directories: {
    kind: "exact",
    reason: "one socket directory per member (hosts may share a filesystem)",
  },
  wal_level: {
    kind: "oneOf",
    allowed: ["replica", "logical"],
    fallback: "replica",
    reason: "streaming replication needs replica or more",
  },
  wal_log_hints: { kind: "oneOf", allowed: ["on"], fallback: "on", reason: "pg_rewind needs hint-bit WAL" },
};

function normalise(value: string | number | boolean): string {
  if (typeof value === "boolean") return value ? "on" : "off";
  return String(value);
}

function applyRule(name: string, rule: Rule, user: string | undefined, exact: string | undefined): string {
  switch (rule.kind) {
    case "exact":
      if (user !== undefined) throw rejected(name, rule.reason);
      if (exact === undefined) throw new TypeError(`fixed parameter ${name} has no value`);
      return exact;
    case "minimum": {
      if (user === undefined) return String(rule.min);
      const value = Number(user);
      if (!Number.isInteger(value) || value < rule.min)
        throw rejected(name, `${rule.reason}: at least ${rule.min}`);
      return String(value);
    }
    case "includes": {
      const items = (user ?? "")
        .split(",")
        .map((item) => item.trim())
        .filter((item) => item.length > 0);
      return [...rule.items, ...items.filter((item) => !rule.items.includes(item))].join(",");
    }
    case "oneOf":
      if (user === undefined) return rule.fallback;
      if (!rule.allowed.includes(user))
        throw rejected(name, `${rule.reason}: allowed ${rule.allowed.join(", ")}`);
      return user;
    default: {
      const never: never = rule;
      throw new TypeError(`unknown rule ${String(never)}`);
    }
  }
}

function rejected(name: string, reason: string): InputError {
  return new InputError(`setting ${name} cannot be set: ${reason}`, {
    code: "fixed_setting",
    details: { setting: name, reason },
  });
}

/** Values only the layout and spec know, for the "exact" fixed parameters. */
export interface MemberIdentity {
  readonly clusterName: string;
  readonly listenAddresses: readonly string[];
  readonly port: number;
  readonly layout: MemberLayout;
  /** Set on nodes of a pair with backups: PostgreSQL hands every WAL segment to it. */
  readonly archiveCommand?: string;
  /** A pair node (primary or standby), not the witness. */
  readonly dataNode?: boolean;
}

function exactValues(identity: MemberIdentity): Settings {
  return {
    cluster_name: identity.clusterName,
    data_directory: identity.layout.dataDir,
    hba_file: identity.layout.hbaFile,
    ident_file: identity.layout.identFile,
    listen_addresses: identity.listenAddresses.join(","),
    port: String(identity.port),
    unix_socket_directories: identity.layout.runDir,
    // Besides pg_ctl's own log (startup until the collector runs), the collector writes
    // postgresql-<weekday>.log for people and postgresql-<weekday>.json for the agent.
    logging_collector: "on",
    log_destination: "stderr,jsonlog",
    log_directory: identity.layout.logDir,
    log_filename: "postgresql-%a.log",
    log_rotation_age: "1d",
    log_truncate_on_rotation: "on",
    log_timezone: "UTC",
    ssl: "on",
    ssl_cert_file: identity.layout.serverCertificate,
    ssl_key_file: identity.layout.serverKey,
    // A backend crash on a node ends the postmaster instead of an in-place crash restart: back within
    // seconds, it could meet a standby that repmgr just promoted. The standby takes over and the agent
    // rejoins the node. The witness restarts in place: it holds no data, and nothing else restarts it.
    ...(identity.dataNode ? { restart_after_crash: "off" } : {}),
    // `on`, not `always` (pgBackRest refuses it): a promoted node pushes the old timeline's segments
    // itself (bin/archive-handover), so a failover leaves no gap.
    ...(identity.archiveCommand === undefined
      ? {}
      : { archive_mode: "on", archive_command: identity.archiveCommand }),
  };
}

/** Resolves every layer; the result has sorted keys. */
export function resolveSettings(
  spec: PairSpec,
  identity: MemberIdentity,
  overrides: Settings = {},
): Settings {
  const user: Record<string, string> = {};
  for (const [name, value] of Object.entries(spec.settings)) user[name] = normalise(value);
  const maxConnections = Number(user.max_connections ?? DEFAULTS.max_connections);
  const merged: Record<string, string> = {
    ...DEFAULTS,
    ...(MAJOR_DEFAULTS[spec.postgres.major] ?? {}),
    ...sizedSettings(spec.postgres.memoryMb, maxConnections),
    ...overrides,
  };
  const exact = exactValues(identity);
  for (const [name, value] of Object.entries(user)) {
    if (!(name in FIXED_PARAMETERS)) merged[name] = value;
  }
  for (const [name, rule] of Object.entries(FIXED_PARAMETERS)) {
    if (name === "synchronous_commit" && spec.replication.mode === "asynchronous") {
      if (user[name] !== undefined) merged[name] = user[name];
      continue;
    }
    if (rule.kind === "exact" && exact[name] === undefined) {
      if (user[name] !== undefined) throw rejected(name, rule.reason);
      continue;
    }
    merged[name] = applyRule(name, rule, user[name], exact[name]);
  }
  return Object.fromEntries(Object.entries(merged).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The witness is a small PostgreSQL holding only repmgr metadata: 16 MB shared_buffers is plenty. */
export const WITNESS_OVERRIDES: Settings = {
  max_connections: "30",
  shared_buffers: "16MB",
  effective_cache_size: "64MB",
  maintenance_work_mem: "16MB",
  work_mem: "1MB",
};
