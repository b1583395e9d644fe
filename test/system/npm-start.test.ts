// `npm start` on this machine → the portal answers and the demo pair is healthy → a second start
// reuses what runs → `npm run stop -- --purge` leaves no process, namespace or state behind.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pinnedFetch } from "@pgaas/common/pinned-fetch";
import { allocateSubnet, freePort, type SubnetClaim } from "@pgaas/testing";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";

const repo = fileURLToPath(new URL("../..", import.meta.url));
// A claimed subnet of its own, so a file running in parallel never gets the same addresses.
const RANGE = { prefix: "pgst", first: "10.231.76.0/24", count: 3 } as const;
const pair = "npmstart";
let prefix = "";

function npm(args: string[], env: Record<string, string>): { code: number; out: string } {
  const result = spawnSync("npm", args, {
    cwd: repo,
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 300_000,
  });
  return { code: result.status ?? -1, out: `${result.stdout}${result.stderr}` };
}

function namespaces(): string[] {
  return execFileSync("ip", ["netns", "list"], { encoding: "utf8" })
    .split("\n")
    .map((line) => line.split(" ")[0] ?? "")
    .filter((name) => name.startsWith(`${prefix}-`));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("npm start / npm run stop", () => {
  let stateDir = "";
  let env: Record<string, string> = {};
  let claim: SubnetClaim | undefined;

  afterAll(async () => {
    if (stateDir !== "") {
      npm(["run", "stop", "--", "--purge"], env);
      await rm(join(stateDir, ".."), { recursive: true, force: true });
    }
    await claim?.release();
  });

  it("starts the whole service, reuses it on a second start and removes everything on stop", async () => {
    // Not under /tmp: sshd refuses keys below a world-writable directory.
    const parent = await mkdtemp("/run/pgaas-npm-start-");
    await chmod(parent, 0o711);
    stateDir = join(parent, "state");
    claim = await allocateSubnet(RANGE);
    prefix = claim.prefix;
    const subnet = claim.subnet;
    const port = await freePort();
    env = {
      PGAAS_STATE_DIR: stateDir,
      PGAAS_PREFIX: prefix,
      PGAAS_SUBNET: subnet,
      PGAAS_PORT: String(port),
      PGAAS_PAIR: pair,
    };

    const first = npm(["start"], env);
    expect(first.code, first.out).toBe(0);
    expect(first.out).toContain(`portal:    https://127.0.0.1:${port}`);
    // The portal's certificate comes from the stack's local CA, printed once started: clients pin it.
    const caFile = /local CA: {2}(\S+)/.exec(first.out)?.[1] ?? "";
    expect(caFile).toBe(join(stateDir, "tls", "ca.pem"));
    const fetch = pinnedFetch(readFileSync(caFile, "utf8"));
    const password = /sign in: {3}admin@pgaas\.local \/ (\S+)/.exec(first.out)?.[1] ?? "";
    expect(password).not.toBe("");

    const login = await fetch(`https://127.0.0.1:${port}/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "admin@pgaas.local", password }),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const pairs = (await (
      await fetch(`https://127.0.0.1:${port}/v1/pairs`, { headers: { cookie } })
    ).json()) as {
      pairs: { name: string; health: string; primary: string | null }[];
    };
    expect(pairs.pairs.map((entry) => [entry.name, entry.health, entry.primary])).toEqual([
      [pair, "healthy", "n1"],
    ]);
    expect(namespaces().sort()).toEqual([`${prefix}-n1`, `${prefix}-n2`, `${prefix}-sw`, `${prefix}-w`]);

    const portalPid = Number(readFileSync(join(stateDir, "portal.pid"), "utf8"));
    const second = npm(["start"], env);
    expect(second.code, second.out).toBe(0);
    expect(Number(readFileSync(join(stateDir, "portal.pid"), "utf8"))).toBe(portalPid);
    // The password was shown once; from then on only the 0600 file that keeps it is named.
    const passwordFile = join(stateDir, "admin-password");
    expect(second.out).toContain(`sign in:   admin@pgaas.local (password in ${passwordFile})`);
    expect(second.out).not.toContain(password);
    expect([statSync(passwordFile).mode & 0o777, readFileSync(passwordFile, "utf8")]).toEqual([
      0o600,
      `${password}\n`,
    ]);
    // The control plane uses its own store role, whose password sits in a 0600 file too.
    const storePasswordFile = join(stateDir, "store-password");
    expect(statSync(storePasswordFile).mode & 0o777).toBe(0o600);
    const { storePort } = JSON.parse(readFileSync(join(stateDir, "stack.json"), "utf8")) as {
      storePort: number;
    };
    const store = new pg.Client({
      host: "127.0.0.1",
      port: storePort,
      database: "pgaas",
      user: "pgaas_portal",
      password: readFileSync(storePasswordFile, "utf8").trim(),
    });
    await store.connect();
    try {
      const { rows } = await store.query(
        `SELECT DISTINCT usename, (SELECT rolsuper FROM pg_roles WHERE rolname = usename) AS superuser
           FROM pg_stat_activity WHERE application_name = 'pgaas-control-plane'`,
      );
      expect(rows).toEqual([{ usename: "pgaas_portal", superuser: false }]);
    } finally {
      await store.end();
    }

    const stop = npm(["run", "stop", "--", "--purge"], env);
    expect(stop.code, stop.out).toBe(0);
    expect(namespaces()).toEqual([]);
    expect(alive(portalPid)).toBe(false);
    expect(existsSync(stateDir)).toBe(false);
    expect(existsSync(`/var/lib/pgaas/${pair}`)).toBe(false);
    expect(existsSync(`/opt/pgaas/${pair}`)).toBe(false);
  }, 900_000);
});
