// `npm start` from a fresh clone wherever a user puts it: in a 0700 directory (as a clone in /root is)
// and in /tmp (world-writable). Each clone is installed (npm ci from the npm cache), started, asked for
// a write on the demo pair through its endpoint, and stopped; stop must leave no process and no
// namespace. Every clone has its own port, subnet, prefix and state folder, so a developer's own stack
// is never touched, and everything is removed also when a step fails.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { chmod, mkdtemp, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pinnedFetch } from "@pgaas/common/pinned-fetch";
import { allocateSubnet, freePort, type SubnetClaim } from "@pgaas/testing";
import { afterAll, describe, expect, it } from "vitest";

const repo = fileURLToPath(new URL("../..", import.meta.url));
const STEP_TIMEOUT_MS = 600_000;

function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  const result = spawnSync(command, args, {
    cwd,
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: STEP_TIMEOUT_MS,
  });
  return { code: result.status ?? -1, out: `${result.stdout}${result.stderr}` };
}

function namespaces(prefix: string): string[] {
  return execFileSync("ip", ["netns", "list"], { encoding: "utf8" })
    .split("\n")
    .map((line) => line.split(" ")[0] ?? "")
    .filter((name) => name.startsWith(`${prefix}-`));
}

/** Processes whose command line names the clone's folder or the state folder (none may outlive stop). */
function processesUsing(paths: readonly string[]): string[] {
  const out = execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" });
  return out
    .split("\n")
    .filter((line) => paths.some((path) => line.includes(path)) && !line.includes(" ps -eo"));
}

interface StackEnv extends Record<string, string> {
  PGAAS_STATE_DIR: string;
  PGAAS_PREFIX: string;
  PGAAS_SUBNET: string;
  PGAAS_PORT: string;
  PGAAS_PAIR: string;
}

interface Clone {
  readonly checkout: string;
  readonly stateDir: string;
  readonly claim: SubnetClaim;
  readonly env: StackEnv;
}

const clones: Clone[] = [];

afterAll(async () => {
  for (const clone of clones) {
    run("npm", ["run", "stop", "--", "--purge"], clone.checkout, clone.env);
    await rm(join(clone.checkout, ".."), { recursive: true, force: true });
    await rm(join(clone.stateDir, ".."), { recursive: true, force: true });
    await clone.claim.release();
  }
}, STEP_TIMEOUT_MS);

async function cloneInto(parent: string, parentMode: number, pair: string): Promise<Clone> {
  const base = await mkdtemp(parent);
  await chmod(base, parentMode);
  const checkout = join(base, "pgaas");
  const claim = await allocateSubnet({ prefix: "pgcl", first: "10.231.80.0/24", count: 8 });
  // The stack's state: root-owned, searchable by the postgres user, not below a world-writable folder.
  const stateParent = await mkdtemp("/run/pgaas-clone-state-");
  await chmod(stateParent, 0o711);
  const env: StackEnv = {
    PGAAS_STATE_DIR: join(stateParent, "state"),
    PGAAS_PREFIX: claim.prefix,
    PGAAS_SUBNET: claim.subnet,
    PGAAS_PORT: String(await freePort()),
    PGAAS_PAIR: pair,
  };
  const clone = { checkout, stateDir: env.PGAAS_STATE_DIR, claim, env };
  clones.push(clone);
  const cloned = run("git", ["clone", "--quiet", repo, checkout], base);
  expect(cloned.code, cloned.out).toBe(0);
  return clone;
}

async function startWriteStop(clone: Clone): Promise<void> {
  const installed = run("npm", ["ci", "--prefer-offline", "--no-audit", "--no-fund"], clone.checkout);
  expect(installed.code, installed.out).toBe(0);
  const started = run("npm", ["start"], clone.checkout, clone.env);
  expect(started.code, started.out).toBe(0);
  const portal = `https://127.0.0.1:${clone.env.PGAAS_PORT}`;
  expect(started.out).toContain(`portal:    ${portal}`);
  // Served with a certificate from the stack's local CA, which npm start prints: a client pins it.
  const caFile = /local CA: {2}(\S+)/.exec(started.out)?.[1] ?? "";
  const health = await pinnedFetch(readFileSync(caFile, "utf8"))(`${portal}/healthz`);
  expect(health.status).toBe(200);

  // A write transaction through the pair's endpoint (the VIP), from a lab host, as a client would send
  // it (TLS, verified against the pair CA the witness holds): txid_current() fails on a read-only server.
  const vip = clone.env.PGAAS_SUBNET.replace(/0\/24$/, "100");
  const conninfo = `host=${vip} port=5432 user=repmgr dbname=repmgr connect_timeout=2 passfile=/etc/pgaas/${clone.env.PGAAS_PAIR}/pgpass sslmode=verify-full sslrootcert=/etc/pgaas/${clone.env.PGAAS_PAIR}/ca.crt`;
  const writer = spawnSync(
    "ip",
    [
      "netns",
      "exec",
      `${clone.env.PGAAS_PREFIX}-w`,
      "runuser",
      "-u",
      "postgres",
      "--",
      "psql",
      "-X",
      "-At",
      "-d",
      conninfo,
      "-c",
      "SELECT txid_current()",
    ],
    { encoding: "utf8", timeout: 30_000, cwd: "/tmp" },
  );
  expect([writer.status, /^\d+$/.test(writer.stdout.trim())], writer.stderr).toEqual([0, true]);

  // The agents run the artefact's own runtime, installed in their hosts' folders, nothing in the clone.
  const pair = clone.env.PGAAS_PAIR;
  const executables = processesUsing([`/opt/pgaas/${pair}/`])
    .map((line) => line.trim().split(/\s+/)[1] ?? "")
    .filter((executable) => executable.startsWith("/opt/"))
    .sort();
  expect(executables).toEqual([
    `/opt/pgaas/${pair}/n1/agent/bin/node`,
    `/opt/pgaas/${pair}/n2/agent/bin/node`,
  ]);
  const portalPid = Number((await readFile(join(clone.stateDir, "portal.pid"), "utf8")).trim());

  const stopped = run("npm", ["run", "stop"], clone.checkout, clone.env);
  expect(stopped.code, stopped.out).toBe(0);
  expect(namespaces(clone.env.PGAAS_PREFIX)).toEqual([]);
  expect(processesUsing([clone.checkout, clone.stateDir, `/opt/pgaas/${clone.env.PGAAS_PAIR}/`])).toEqual([]);
  expect(() => process.kill(portalPid, 0)).toThrow();
  const purged = run("npm", ["run", "stop", "--", "--purge"], clone.checkout, clone.env);
  expect(purged.code, purged.out).toBe(0);
}

describe("npm start from a fresh clone", () => {
  it(
    "works in a 0700 directory",
    async () => {
      await startWriteStop(await cloneInto("/root/pgaas-clone-", 0o700, "cloneroot"));
    },
    3 * STEP_TIMEOUT_MS,
  );

  it(
    "works in /tmp",
    async () => {
      await startWriteStop(await cloneInto("/tmp/pgaas-clone-", 0o755, "clonetmp"));
    },
    3 * STEP_TIMEOUT_MS,
  );
});
