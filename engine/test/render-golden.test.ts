// Golden tests: every rendered file for a fixed spec, byte for byte, plus the semantic facts each file
// must hold. Regenerate after an intended change with UPDATE_GOLDEN=1 and review the diff.
import { createHash } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { Secret } from "@pgaas/common";
import { describe, expect, it } from "vitest";
import { parsePairSpec, planNodeFiles, planWitnessFiles, type RenderedFile } from "../src/index.js";
import { renderPgbouncerDatabases } from "../src/render/pgbouncer-ini.js";
import { SECRETS, SPEC, SPEC_INPUT } from "./fixtures.js";

const GOLDEN_DIR = new URL("./golden/", import.meta.url);

/** `/etc/pgaas/orders/n1/bin/promote` → `n1_bin_promote` */
function goldenName(path: string): string {
  return path.replace(/^\/etc\/pgaas\/orders\//, "").replaceAll("/", "_");
}

async function checkGolden(file: RenderedFile): Promise<void> {
  const url = new URL(goldenName(file.path), GOLDEN_DIR);
  if (process.env.UPDATE_GOLDEN === "1") {
    await mkdir(GOLDEN_DIR, { recursive: true });
    await writeFile(url, file.content);
  }
  expect(file.content, file.path).toBe(await readFile(url, "utf8"));
}

const NODE_HOST_KEYS = [
  { address: "10.40.0.11", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG4xaG9zdGtleQ==" },
  { address: "10.40.0.12", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG4yaG9zdGtleQ==" },
];
const n1 = planNodeFiles(SPEC, "n1", SECRETS, {
  agentToken: new Secret("agent-token-n1"),
  nodeHostKeys: NODE_HOST_KEYS,
});
const witness = planWitnessFiles(SPEC, SECRETS);
const byPath = (files: RenderedFile[], suffix: string) => {
  const found = files.find((file) => file.path.endsWith(suffix));
  if (!found) throw new Error(`no ${suffix}`);
  return found.content;
};

describe("rendered files (golden)", () => {
  it("plans exactly these files for a node, with modes, owners and affected daemons", () => {
    expect(n1.map((f) => `${f.path} ${f.mode.toString(8)} ${f.owner} ${f.affects.join(",")}`)).toEqual([
      "/etc/pgaas/orders/n1/postgresql.conf 644 postgres postgres",
      "/etc/pgaas/orders/n1/pg_hba.conf 640 postgres postgres",
      "/etc/pgaas/orders/n1/pg_ident.conf 640 postgres postgres",
      "/etc/pgaas/orders/n1/repmgr.conf 644 postgres repmgrd",
      "/etc/pgaas/orders/pgpass 600 postgres ",
      "/etc/pgaas/orders/ssh/id_ed25519 600 postgres ",
      "/etc/pgaas/orders/ssh/id_ed25519.pub 644 postgres ",
      "/etc/pgaas/orders/ca.crt 644 postgres ",
      "/etc/pgaas/orders/n1/server.crt 644 postgres postgres,pgbouncer",
      "/etc/pgaas/orders/n1/server.key 600 postgres postgres,pgbouncer",
      "/etc/pgaas/orders/n1/bin/pgaas-lib.sh 755 root fence",
      "/etc/pgaas/orders/n1/bin/event-hook 755 root ",
      "/etc/pgaas/orders/n1/bin/pg-service 755 root ",
      "/etc/pgaas/orders/n1/bin/promote 755 root ",
      "/etc/pgaas/orders/n1/bin/degrade 755 root ",
      "/etc/pgaas/orders/n1/bin/fence-watcher 755 root fence",
      "/etc/pgaas/orders/n1/pgbouncer.ini 640 postgres pgbouncer",
      "/etc/pgaas/orders/n1/pgbouncer_hba.conf 640 postgres pgbouncer",
      "/etc/pgaas/orders/n1/bin/keepalived-check 755 root ",
      "/etc/pgaas/orders/n1/keepalived.conf 644 root keepalived",
      "/etc/pgaas/orders/ssh/known_hosts 644 postgres ",
      "/etc/pgaas/orders/n1/agent.json 640 postgres agent",
      "/etc/pgaas/orders/n1/agent.token 600 postgres agent",
    ]);
    expect(witness.map((f) => f.path)).toEqual([
      "/etc/pgaas/orders/w/postgresql.conf",
      "/etc/pgaas/orders/w/pg_hba.conf",
      "/etc/pgaas/orders/w/pg_ident.conf",
      "/etc/pgaas/orders/w/repmgr.conf",
      "/etc/pgaas/orders/pgpass",
      "/etc/pgaas/orders/ssh/id_ed25519",
      "/etc/pgaas/orders/ssh/id_ed25519.pub",
      "/etc/pgaas/orders/ca.crt",
      "/etc/pgaas/orders/w/server.crt",
      "/etc/pgaas/orders/w/server.key",
      "/etc/pgaas/orders/w/bin/pgaas-lib.sh",
      "/etc/pgaas/orders/w/bin/event-hook",
      "/etc/pgaas/orders/w/bin/pg-service",
    ]);
  });

  it("matches the golden files byte for byte", async () => {
    // The SSH private key and the agent token are fixture secrets copied verbatim: nothing to render.
    // The CA is a fixture too; the issued certificates and keys are rendered (deterministic).
    const verbatim = ["/id_ed25519", "/agent.token", "/ca.crt"];
    const rendered = [...n1, ...witness.filter((f) => f.path.includes("/w/"))].filter(
      (f) => !verbatim.some((s) => f.path.endsWith(s)),
    );
    expect(rendered.length).toBe(29);
    for (const file of rendered) await checkGolden(file);
  });

  it("plans no keepalived for a load-balancer endpoint; PostgreSQL also listens on its address", () => {
    const lb = parsePairSpec({
      ...SPEC_INPUT,
      endpoint: { kind: "load-balancer", address: "10.40.2.10", port: 5432 },
    });
    const files = planNodeFiles(lb, "n2", SECRETS);
    expect(files.filter((f) => f.path.includes("keepalived"))).toEqual([]);
    expect(byPath(files, "/n2/postgresql.conf").split("\n")).toContain(
      "listen_addresses = '10.40.0.12,10.40.2.10'",
    );
    expect(files.filter((f) => f.path.includes("agent"))).toEqual([]);
    const withAgent = planNodeFiles(lb, "n2", SECRETS, { agentToken: new Secret("agent-token-n2") });
    expect(JSON.parse(byPath(withAgent, "/n2/agent.json")).listen).toEqual({ host: "0.0.0.0", port: 9187 });
  });

  it("pins the control plane's CA for the agent when the spec brings one, and refuses http:// off loopback", () => {
    expect(n1.filter((f) => f.path.endsWith("control-plane-ca.pem"))).toEqual([]);
    expect(JSON.parse(byPath(n1, "/n1/agent.json")).controlPlane.caFile).toBeUndefined();
    const ca = SECRETS.tlsCa?.certificate ?? "";
    const pinned = parsePairSpec({
      ...SPEC_INPUT,
      agent: { controlPlaneUrl: "https://10.40.1.5:8080", controlPlaneCa: ca },
    });
    const files = planNodeFiles(pinned, "n1", SECRETS, { agentToken: new Secret("agent-token-n1") });
    const shipped = files.find((f) => f.path === "/etc/pgaas/orders/n1/control-plane-ca.pem");
    expect([shipped?.content, shipped?.mode, shipped?.owner, shipped?.affects]).toEqual([
      ca,
      0o644,
      "postgres",
      ["agent"],
    ]);
    expect(JSON.parse(byPath(files, "/n1/agent.json")).controlPlane).toEqual({
      url: "https://10.40.1.5:8080",
      tokenFile: "/etc/pgaas/orders/n1/agent.token",
      timeoutMs: 3000,
      caFile: "/etc/pgaas/orders/n1/control-plane-ca.pem",
    });
    expect(() =>
      parsePairSpec({ ...SPEC_INPUT, agent: { controlPlaneUrl: "http://10.40.1.5:8080" } }),
    ).toThrow("http:// is refused except on loopback");
  });

  it("starts every text file with the managed header and the sha256 of its body", () => {
    for (const file of n1.filter((f) => f.path.endsWith(".conf") || f.path.includes("/bin/"))) {
      const lines = file.content.split("\n");
      const offset = lines[0]?.startsWith("#!") ? 1 : 0;
      expect(lines[offset], file.path).toBe("# managed by pgaas — do not edit");
      const body = lines.slice(offset + 2).join("\n");
      expect(lines[offset + 1], file.path).toBe(
        `# sha256: ${createHash("sha256").update(body).digest("hex")}`,
      );
    }
  });

  it("pg_hba: peer locally (tenants scram: PgBouncer, certificate roles rejected), TLS + scram or certificate over TCP, never trust, reserved roles rejected outside their networks", () => {
    const hba = byPath(n1, "/pg_hba.conf");
    expect(hba).not.toMatch(/\btrust\b/);
    const rules = hba.split("\n").filter((l) => l && !l.startsWith("#"));
    expect(rules).toEqual([
      "local\tall\t+pgaas_cert_auth\treject",
      "local\tall\t+pgaas_cert_password\treject",
      "local\tall\t+pgaas_tenants\tscram-sha-256",
      "local\tall\tpgaas_pooler\tpeer\tmap=pgaas_pooler",
      "local\tall\tall\tpeer",
      "local\treplication\tall\tpeer",
      "hostnossl\tall\tall\t0.0.0.0/0\treject",
      "hostssl\trepmgr\trepmgr\t10.40.0.0/24\tscram-sha-256",
      "hostssl\trepmgr\trepmgr\t10.40.1.5/32\tscram-sha-256",
      "hostssl\treplication\trepmgr\t10.40.0.0/24\tscram-sha-256",
      "hostssl\treplication\trepmgr\t10.40.1.5/32\tscram-sha-256",
      "hostssl\tpostgres\trepmgr\t10.40.0.0/24\tscram-sha-256",
      "hostssl\tpostgres\trepmgr\t10.40.1.5/32\tscram-sha-256",
      "hostssl\tall\tpgaas_admin\t10.40.1.0/28\tscram-sha-256",
      "hostssl\tall\tpostgres,repmgr,pgaas_admin,pgaas_pooler,pgaas_pooler_auth\t0.0.0.0/0\treject",
      "hostssl\tall\t+pgaas_cert_auth\t10.50.0.0/16\tcert",
      "hostssl\tall\t+pgaas_cert_password\t10.50.0.0/16\tscram-sha-256\tclientcert=verify-full",
      "hostssl\tall\tall\t10.50.0.0/16\tscram-sha-256",
    ]);
    expect(byPath(n1, "/pg_ident.conf").split("\n").slice(3)).toEqual([
      "pgaas_pooler\tpostgres\tpgaas_pooler",
      "",
    ]);
  });

  it("PgBouncer: transaction pooling, TLS required with the node's certificate, auth_query, no admin over TCP", () => {
    const ini = byPath(n1, "/pgbouncer.ini").split("\n");
    for (const line of [
      "%include /var/lib/pgaas/orders/n1/pgbouncer-databases.ini",
      "listen_addr = 10.40.0.11,10.40.0.100",
      "listen_port = 6432",
      "pool_mode = transaction",
      "default_pool_size = 20",
      "max_client_conn = 1000",
      "auth_type = hba",
      "auth_user = pgaas_pooler",
      "auth_query = SELECT usename, passwd FROM pgaas.pooler_auth($1)",
      "client_tls_sslmode = require",
      "client_tls_cert_file = /etc/pgaas/orders/n1/server.crt",
      "client_tls_key_file = /etc/pgaas/orders/n1/server.key",
    ]) {
      expect(ini).toContain(line);
    }
    expect(ini.filter((l) => /^(auth_file|admin_users|stats_users)|password/.test(l))).toEqual([]);
    expect(
      byPath(n1, "/pgbouncer_hba.conf")
        .split("\n")
        .filter((l) => l && !l.startsWith("#")),
    ).toEqual([
      "hostnossl\tall\tall\t0.0.0.0/0\treject",
      "hostssl\tpgbouncer\tall\t0.0.0.0/0\treject",
      "hostssl\tall\tpostgres,repmgr,pgaas_admin,pgaas_pooler,pgaas_pooler_auth\t0.0.0.0/0\treject",
      "hostssl\tall\tall\t10.50.0.0/16\tscram-sha-256",
    ]);
    const off = parsePairSpec({ ...SPEC_INPUT, pooler: { enabled: false } });
    expect(planNodeFiles(off, "n1", SECRETS).filter((f) => f.path.includes("pgbouncer"))).toEqual([]);
  });

  it("PgBouncer's [databases] include lists only the pooled databases, through the local socket", () => {
    const body = renderPgbouncerDatabases({ socketDir: "/run/pgaas/orders/n1", port: 5432 }, [
      "shop",
      "app",
      "shop",
    ]);
    expect(body.split("\n").slice(2)).toEqual([
      "app = host=/run/pgaas/orders/n1 port=5432 dbname=app",
      "shop = host=/run/pgaas/orders/n1 port=5432 dbname=shop",
      "",
    ]);
    expect(() => renderPgbouncerDatabases({ socketDir: "/run", port: 5432 }, ["x y"])).toThrow(
      "not a poolable",
    );
    expect(byPath(witness, "/pg_hba.conf")).not.toContain("10.50.0.0/16");
  });

  it("known_hosts pins both nodes' host keys for repmgr's node-to-node SSH", () => {
    expect(byPath(n1, "/ssh/known_hosts").split("\n").slice(2)).toEqual([
      "10.40.0.11 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG4xaG9zdGtleQ==",
      "10.40.0.12 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG4yaG9zdGtleQ==",
      "",
    ]);
  });

  it("repmgr.conf carries the measured failover settings", () => {
    const conf = byPath(n1, "/n1/repmgr.conf");
    for (const line of [
      "monitor_interval_secs = '1'",
      "reconnect_attempts = '3'",
      "reconnect_interval = '1'",
      "connection_check_type = 'ping'",
      "primary_visibility_consensus = 'true'",
      "use_replication_slots = 'yes'",
      "child_nodes_disconnect_timeout = '1'",
      "child_nodes_disconnect_command = '/etc/pgaas/orders/n1/bin/degrade'",
      "promote_command = '/etc/pgaas/orders/n1/bin/promote'",
      "service_start_command = '/etc/pgaas/orders/n1/bin/pg-service start'",
      "node_id = '1'",
      "node_name = 'n1'",
      "ssh_options = '-q -i /etc/pgaas/orders/ssh/id_ed25519 -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=/etc/pgaas/orders/ssh/known_hosts -o ConnectTimeout=5'",
      "conninfo = 'host=''10.40.0.11'' port=''5432'' user=''repmgr'' dbname=''repmgr'' connect_timeout=''2'' keepalives_idle=''2'' keepalives_interval=''1'' keepalives_count=''3'' tcp_user_timeout=''1000'' passfile=''/etc/pgaas/orders/pgpass'' sslmode=''verify-full'' sslrootcert=''/etc/pgaas/orders/ca.crt'''",
    ]) {
      expect(conf.split("\n")).toContain(line);
    }
  });

  it("keepalived: VRRPv3 unicast, BACKUP with preemption, VIP /32, a closed-at-start gate, a priority file and a script", () => {
    const conf = byPath(n1, "/keepalived.conf");
    expect(conf).toContain("vrrp_version 3");
    expect(conf).toContain("advert_int 0.05");
    expect(conf).toContain("unicast_src_ip 10.40.0.11");
    expect(conf).toContain("unicast_peer {\n    10.40.0.12\n  }");
    expect(conf).toContain("state BACKUP\n  interface eth0\n  virtual_router_id");
    // A promoted node must preempt the former primary that holds the VIP while its PostgreSQL is down.
    expect(conf).not.toContain("nopreempt");
    expect(conf).toContain("priority 100\n");
    expect(conf).toContain("  vrrp_higher_prio_send_advert\n");
    expect(conf).toContain("10.40.0.100/32 dev eth0");
    // The gate faults (weight 0), the priority file adds its value (weight 1), the script has no weight.
    expect(conf.match(/weight.*/g)).toEqual(["weight 0", "weight 1"]);
    expect(conf).toContain(
      'track_file pgaas_orders_gate {\n  file "/run/pgaas/orders/n1/vip-gate"\n  weight 0\n  init_file 1 overwrite\n}',
    );
    expect(conf).toContain(
      'track_file pgaas_orders_priority {\n  file "/run/pgaas/orders/n1/vip-priority"\n  weight 1\n  init_file 0 overwrite\n}',
    );
    expect(conf).toContain(
      "track_file {\n    pgaas_orders_gate\n    pgaas_orders_priority\n  }\n  track_script {\n    pgaas_orders_alive\n  }",
    );
  });

  it("postgresql.conf: fixed parameters, VIP in listen_addresses, sizes from memory, user settings", () => {
    const conf = byPath(n1, "/n1/postgresql.conf");
    for (const line of [
      "listen_addresses = '10.40.0.11,10.40.0.100'",
      "data_directory = '/var/lib/pgaas/orders/n1/data'",
      "hba_file = '/etc/pgaas/orders/n1/pg_hba.conf'",
      "shared_preload_libraries = 'repmgr,pg_stat_statements'",
      "shared_buffers = '1024MB'",
      "effective_cache_size = '3072MB'",
      "work_mem = '8MB'",
      "log_min_duration_statement = '500'",
      "wal_log_hints = 'on'",
      "synchronous_commit = 'on'",
    ]) {
      expect(conf.split("\n")).toContain(line);
    }
    expect(conf).not.toContain("synchronous_standby_names");
    expect(byPath(witness, "/w/postgresql.conf").split("\n")).toContain("shared_buffers = '16MB'");
  });
});
