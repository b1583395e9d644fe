// SQL and command builders: the exact text that reaches PostgreSQL and the remote shell.
import { SERVICE_UNPAUSE_ARGS, Secret, standbySwitchoverArgs } from "@pgaas/common";
import { describe, expect, it } from "vitest";
import {
  asPostgres,
  ensureAuthorizedKeyCommand,
  ensureDirectoriesCommand,
} from "../src/commands/host-commands.js";
import {
  initdbCommand,
  pgServiceCommand,
  psqlCommand,
  writeProbeCommand,
} from "../src/commands/pg-commands.js";
import {
  clusterShowCsvCommand,
  nodeRejoinCommand,
  repmgrCommand,
  standbyCloneCommand,
  witnessRegisterCommand,
} from "../src/commands/repmgr-commands.js";
import { holdsAddress, parseClusterShowCsv } from "../src/commands/status-commands.js";
import { nodeMember, witnessMember } from "../src/members.js";
import { pairRolesSql } from "../src/sql/roles-sql.js";
import {
  nodeStreamingSql,
  setSynchronousStandbyNamesSql,
  streamingStandbysSql,
  synchronousStandbyNames,
} from "../src/sql/sync-sql.js";
import { SPEC } from "./fixtures.js";

const n1 = nodeMember(SPEC, "n1");
const n2 = nodeMember(SPEC, "n2");
const w = witnessMember(SPEC);
const REPMGR =
  "cd /tmp && runuser -u postgres -- env PGPASSFILE=/etc/pgaas/orders/pgpass /usr/lib/postgresql/15/bin/repmgr";

describe("sync SQL", () => {
  it("names both nodes, quoted, ANY 1", () => {
    expect(synchronousStandbyNames(SPEC)).toBe('ANY 1 ("n1", "n2")');
    expect(setSynchronousStandbyNamesSql(synchronousStandbyNames(SPEC))).toBe(
      `ALTER SYSTEM SET synchronous_standby_names = 'ANY 1 ("n1", "n2")'`,
    );
    expect(setSynchronousStandbyNamesSql("")).toBe("ALTER SYSTEM SET synchronous_standby_names = ''");
    expect(streamingStandbysSql(SPEC)).toBe(
      "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming' AND application_name IN ('n1', 'n2')",
    );
    expect(nodeStreamingSql("o'brien")).toBe(
      "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming' AND application_name = 'o''brien'",
    );
  });
});

describe("roles SQL", () => {
  it("creates missing roles and the repmgr database, grants the admin exactly its rights", () => {
    const sql = pairRolesSql({
      superuserPassword: new Secret("su'per"),
      repmgrPassword: new Secret("rep"),
      adminPassword: new Secret("adm"),
    });
    expect(sql.split("\n")).toEqual([
      `ALTER ROLE "postgres" WITH PASSWORD 'su''per';`,
      `DO $pgaas$ BEGIN IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'repmgr') THEN CREATE ROLE "repmgr" LOGIN; END IF; END $pgaas$;`,
      `ALTER ROLE "repmgr" WITH SUPERUSER REPLICATION LOGIN PASSWORD 'rep';`,
      `SELECT 'CREATE DATABASE "repmgr" OWNER "repmgr"' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'repmgr')`,
      "\\gexec",
      `DO $pgaas$ BEGIN IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'pgaas_admin') THEN CREATE ROLE "pgaas_admin" LOGIN; END IF; END $pgaas$;`,
      `ALTER ROLE "pgaas_admin" WITH LOGIN CREATEDB NOCREATEROLE NOSUPERUSER NOREPLICATION NOBYPASSRLS PASSWORD 'adm';`,
      `GRANT "pg_monitor", "pg_signal_backend" TO "pgaas_admin";`,
      `GRANT ALTER SYSTEM ON PARAMETER "max_connections", "shared_buffers", "work_mem", "maintenance_work_mem", "effective_cache_size", "random_page_cost", "max_wal_size", "checkpoint_timeout", "log_min_duration_statement", "statement_timeout", "idle_in_transaction_session_timeout", "log_connections", "log_disconnections", "track_io_timing" TO "pgaas_admin";`,
      `GRANT EXECUTE ON FUNCTION pg_catalog.pg_reload_conf() TO "pgaas_admin";`,
      `CREATE SCHEMA IF NOT EXISTS "pgaas_monitor";`,
      `REVOKE ALL ON SCHEMA "pgaas_monitor" FROM PUBLIC;`,
      `GRANT USAGE ON SCHEMA "pgaas_monitor" TO "pgaas_admin";`,
      `CREATE EXTENSION IF NOT EXISTS pg_stat_statements SCHEMA "pgaas_monitor";`,
      "",
    ]);
  });
});

describe("host and PostgreSQL commands", () => {
  it("runs as postgres from /tmp, every word quoted", () => {
    expect(asPostgres(["echo", "it's"], { A: "b c" })).toBe(
      "cd /tmp && runuser -u postgres -- env 'A=b c' echo 'it'\\''s'",
    );
  });

  it("initdb with peer, scram and checksums", () => {
    expect(initdbCommand(n1.layout)).toBe(
      "cd /tmp && runuser -u postgres -- /usr/lib/postgresql/15/bin/initdb -D /var/lib/pgaas/orders/n1/data -U postgres --auth-local=peer --auth-host=scram-sha-256 --data-checksums --encoding=UTF8 --locale=C.UTF-8",
    );
    expect(pgServiceCommand(n1.layout, "start")).toBe(
      "cd /tmp && runuser -u postgres -- /etc/pgaas/orders/n1/bin/pg-service start",
    );
  });

  it("probes writes through the VIP as repmgr with the pair's password file, verifying the VIP's certificate", () => {
    expect(writeProbeCommand(n1.layout, "10.40.0.100", 5432)).toBe(
      "cd /tmp && runuser -u postgres -- /usr/lib/postgresql/15/bin/psql -X -A -t -q -d 'host='\\''10.40.0.100'\\'' port='\\''5432'\\'' user='\\''repmgr'\\'' dbname='\\''repmgr'\\'' connect_timeout='\\''2'\\'' passfile='\\''/etc/pgaas/orders/pgpass'\\'' sslmode='\\''verify-full'\\'' sslrootcert='\\''/etc/pgaas/orders/ca.crt'\\''' -c 'SELECT txid_current()'",
    );
  });

  it("creates directories with owner and mode, reporting each change", () => {
    expect(ensureDirectoriesCommand([{ path: "/var/lib/pgaas/o p", owner: "postgres", mode: 0o700 }])).toBe(
      "set -e\nif [ ! -d '/var/lib/pgaas/o p' ] || [ \"$(stat -c %a:%U:%G '/var/lib/pgaas/o p')\" != 700:postgres:postgres ]; then install -d -o postgres -g postgres -m 700 '/var/lib/pgaas/o p' && echo changed '/var/lib/pgaas/o p'; fi",
    );
  });

  it("adds the pair key to authorized_keys under a lock", () => {
    expect(ensureAuthorizedKeyCommand("ssh-ed25519 AAAA pgaas-orders")).toContain(
      "key='ssh-ed25519 AAAA pgaas-orders'\nexec 9>>\"$file.lock\"\nflock -w 10 9",
    );
  });
});

describe("repmgr commands", () => {
  it("clones with a fast checkpoint from the primary", () => {
    expect(standbyCloneCommand(n2, n1)).toBe(
      `${REPMGR} -f /etc/pgaas/orders/n2/repmgr.conf -h 10.40.0.11 -p 5432 -U repmgr -d repmgr standby clone --fast-checkpoint`,
    );
  });

  it("rejoins with pg_rewind and a config archive, naming the upstream by flags", () => {
    expect(nodeRejoinCommand(n1, n2)).toBe(
      `${REPMGR} -f /etc/pgaas/orders/n1/repmgr.conf -h 10.40.0.12 -p 5432 -U repmgr -d repmgr node rejoin --force-rewind --config-archive-dir=/var/lib/pgaas/orders/n1/config-archive`,
    );
  });

  it("switches over from the candidate", () => {
    expect(repmgrCommand(n2, standbySwitchoverArgs())).toBe(
      `${REPMGR} -f /etc/pgaas/orders/n2/repmgr.conf standby switchover --force-rewind`,
    );
    expect(repmgrCommand(n2, SERVICE_UNPAUSE_ARGS)).toBe(
      `${REPMGR} -f /etc/pgaas/orders/n2/repmgr.conf service unpause`,
    );
  });

  it("re-registers the witness against a primary", () => {
    expect(witnessRegisterCommand(w, n2)).toBe(
      `${REPMGR} -f /etc/pgaas/orders/w/repmgr.conf witness register --force -h 10.40.0.12 -p 5432`,
    );
    expect(clusterShowCsvCommand(w)).toBe(`${REPMGR} -f /etc/pgaas/orders/w/repmgr.conf cluster show --csv`);
  });
});

describe("status parsers", () => {
  it("parses repmgr cluster show --csv (0 = available, 0 = primary)", () => {
    expect(parseClusterShowCsv("1,0,0\n2,0,1\n3,-1,-1\nWARNING: noise\n")).toEqual([
      { nodeId: 1, available: true, primary: true },
      { nodeId: 2, available: true, primary: false },
      { nodeId: 3, available: false, primary: false },
    ]);
  });

  it("finds the VIP in ip -br addr output", () => {
    const out = "lo UNKNOWN 127.0.0.1/8\neth0@if12 UP 10.40.0.11/24 10.40.0.100/32 fe80::1/64\n";
    expect(holdsAddress(out, "10.40.0.100")).toBe(true);
    expect(holdsAddress(out, "10.40.0.10")).toBe(false);
  });
});

describe("psql over the local socket", () => {
  it("reads SQL from stdin, keeps errors terse (no statement echo) and pins search_path", () => {
    expect(psqlCommand(n1.layout, 5432, "repmgr")).toBe(
      "cd /tmp && runuser -u postgres -- env 'PGOPTIONS=-c search_path=pg_catalog,pg_temp' /usr/lib/postgresql/15/bin/psql -X -A -t -q -v ON_ERROR_STOP=1 -v VERBOSITY=terse -h /run/pgaas/orders/n1 -p 5432 -d repmgr -f -",
    );
  });
});
