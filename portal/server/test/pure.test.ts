// Pure pieces: parameter validation, event derivation, report arithmetic and rendering,
// the secret box, tokens and configuration parsing.
import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildPath, NotReservedName } from "@pgaas/api";
import { InputError, Secret } from "@pgaas/common";
import { DATABASE_PARAMETERS } from "@pgaas/common/wire";
import { stateSample } from "@pgaas/testing/control-plane";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { createSecretBox } from "../src/crypto/cipher.js";
import { scramVerifier } from "../src/crypto/scram.js";
import { newToken, tokenKind } from "../src/crypto/tokens.js";
import { accessRoleName } from "../src/services/access.js";
import { connectionUri } from "../src/services/databases.js";
import { overlapEnd, rotatedRoleName } from "../src/services/login-rotation.js";
import { keptValues, validateParameters } from "../src/services/parameters.js";
import { bucketSeconds, databasePoints, degradedPeriods } from "../src/services/report-math.js";
import { reportCsv, reportCsvFilename, reportHtml } from "../src/services/report-render.js";
import { joinOutages, rolledOutages, uptimeRatio } from "../src/services/report-uptime.js";
import { deriveEvents } from "../src/services/state-events.js";

describe("parameters", () => {
  it("accepts whitelisted values and renders PostgreSQL text", () => {
    expect(
      validateParameters(DATABASE_PARAMETERS, {
        jit: true,
        work_mem: 4096,
        random_page_cost: 1.1,
        default_transaction_isolation: "serializable",
      }),
    ).toEqual([
      ["default_transaction_isolation", "serializable", "serializable"],
      ["jit", "on", true],
      ["random_page_cost", "1.1", 1.1],
      ["work_mem", "4096", 4096],
    ]);
  });

  it("takes PostgreSQL's units and sends and keeps the value in the base unit", () => {
    const accepted = validateParameters(DATABASE_PARAMETERS, { statement_timeout: "30s", work_mem: "64MB" });
    expect(accepted).toEqual([
      ["statement_timeout", "30000", 30_000],
      ["work_mem", "65536", 65_536],
    ]);
    expect(keptValues(accepted)).toEqual({ statement_timeout: 30_000, work_mem: 65_536 });
  });

  it("names every refused parameter", () => {
    try {
      validateParameters(DATABASE_PARAMETERS, {
        work_mem: 1.5,
        default_transaction_isolation: "chaos",
        "x'--": 1,
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).details).toEqual({
        settings: {
          default_transaction_isolation:
            "must be one of: read uncommitted, read committed, repeatable read, serializable",
          work_mem: "must be an integer",
          "x'--": "not a parameter you may change",
        },
      });
    }
  });

  it.each(["postgres", "template1", "pg_x", "repmgr", "pgaas_admin", "public", "user"])(
    "reserves %s",
    (name) => {
      expect(NotReservedName.safeParse(name).success).toBe(false);
    },
  );
});

describe("state events", () => {
  const previous = {
    role: "standby",
    writable: false,
    fenced: false,
    syncState: "none",
    sampledAt: new Date(1000),
  };
  it("turns a promotion without a switchover into a measured failover", () => {
    expect(
      deriveEvents(previous, stateSample({ timeline: 2 }), {
        nodeName: "n2",
        sampledAt: new Date(9000),
        peerLastWritableAt: new Date(4000),
        switchoverInFlight: false,
      }),
    ).toEqual([
      {
        type: "role_changed",
        message: "n2: standby → primary",
        durationMs: null,
        details: { from: "standby", to: "primary", timeline: 2 },
      },
      {
        type: "failover",
        message: "n2 became the writable primary",
        durationMs: 5000,
        details: { timeline: 2, measuredFrom: "1970-01-01T00:00:04.000Z" },
      },
    ]);
  });

  it("does not call a switchover a failover and reports degrade and fence", () => {
    const events = deriveEvents(
      { ...previous, role: "primary", writable: true, syncState: "sync" },
      stateSample({ syncState: "degraded", fenced: true, writable: false }),
      {
        nodeName: "n1",
        sampledAt: new Date(2000),
        peerLastWritableAt: null,
        switchoverInFlight: true,
      },
    );
    expect(events.map((event) => event.type)).toEqual(["sync_degraded", "fenced"]);
  });

  it("derives nothing from a first report", () => {
    expect(
      deriveEvents(undefined, stateSample(), {
        nodeName: "n1",
        sampledAt: new Date(),
        peerLastWritableAt: null,
        switchoverInFlight: false,
      }),
    ).toEqual([]);
  });
});

describe("reports", () => {
  it("chooses round buckets: a minute for an hour, an hour for a week, whole hours on roll-ups", () => {
    expect([
      bucketSeconds(0, 3600_000),
      bucketSeconds(0, 86_400_000),
      bucketSeconds(0, 7 * 86_400_000),
      bucketSeconds(0, 30 * 86_400_000),
      bucketSeconds(0, 3600_000, true),
    ]).toEqual([60, 600, 3600, 21_600, 3600]);
  });

  it("charges rolled-up hours with their missing seconds, joins touching outages, and derives uptime from them", () => {
    const hour = 3_600_000;
    const t0 = Date.parse("2026-11-01T10:00:00.000Z");
    // 10:00 fully up, 11:00 up 3240 s of 3600, 12:00 without any roll-up; the range starts at 10:30.
    const rolled = rolledOutages(
      new Map([
        [t0, 3600],
        [t0 + hour, 3240],
      ]),
      t0 + hour / 2,
      t0 + 3 * hour,
    );
    expect(rolled).toEqual([
      { from: "2026-11-01T11:00:00.000Z", to: "2026-11-01T12:00:00.000Z", downSeconds: 360 },
      { from: "2026-11-01T12:00:00.000Z", to: "2026-11-01T13:00:00.000Z", downSeconds: 3600 },
    ]);
    const raw = { from: "2026-11-01T13:00:00.000Z", to: "2026-11-01T13:00:30.000Z", downSeconds: 30 };
    const apart = { from: "2026-11-01T14:00:00.000Z", to: "2026-11-01T14:00:06.000Z", downSeconds: 6 };
    const joined = joinOutages([...rolled, raw, apart]);
    expect(joined).toEqual([
      { from: "2026-11-01T11:00:00.000Z", to: "2026-11-01T13:00:30.000Z", downSeconds: 3990 },
      apart,
    ]);
    expect([uptimeRatio(joined, 4 * 3600), uptimeRatio([], 60), uptimeRatio([], 0)]).toEqual([
      1 - 3996 / (4 * 3600),
      1,
      null,
    ]);
  });

  it("prints a designed report: formatted figures, round dated ticks, gaps marked, outages listed", () => {
    const point = (at: string, sizeBytes: number | null) => ({
      at,
      sizeBytes,
      connections: 3,
      commitsPerSecond: 1.5,
      rollbacksPerSecond: 0,
      cacheHitRatio: 0.995,
      deadlocks: 0,
      tempBytes: 0,
      lagBytes: null,
      lagSeconds: null,
    });
    const html = reportHtml({
      subject: { kind: "database", id: "00000000-0000-4000-8000-000000000000", name: "shop<1>" },
      from: "2026-11-29T10:00:00.000Z",
      to: "2026-11-29T11:00:00.000Z",
      bucketSeconds: 60,
      // Size at 10:00 and 10:01, then nothing until 10:30 (the agent was silent).
      points: [
        point("2026-11-29T10:00:00.000Z", 8192),
        point("2026-11-29T10:01:00.000Z", 7_549_747),
        point("2026-11-29T10:30:00.000Z", null),
      ],
      summary: {
        sizeGrowthBytes: 7_541_555,
        maxConnections: 3,
        commitsPerSecond: 1.5,
        rollbacksPerSecond: 0,
        cacheHitRatio: 0.995,
        deadlocks: 0,
        tempBytes: 0,
        maxLagBytes: null,
        maxLagSeconds: null,
        uptimeRatio: 1 - 3 / 3600,
        outages: [{ from: "2026-11-29T10:20:00.000Z", to: "2026-11-29T10:20:03.000Z", downSeconds: 3 }],
        failovers: 1,
        degradedPeriods: [{ from: "2026-11-29T10:00:30.000Z", to: "2026-11-29T10:01:30.000Z" }],
      },
    });
    const fragments = [
      "<h1>Database shop&lt;1&gt;</h1>",
      '<p class="meta">2026-11-29 10:00 UTC – 2026-11-29 11:00 UTC · 3 points, one per 1 min · all times UTC</p>',
      // 99.9166… % rounded down, never up to 100 %.
      '<tr><th scope="row">Uptime</th><td>99.91 %</td></tr>',
      '<tr><th scope="row">Outages</th><td>1, 3 s down</td></tr>',
      '<tr><th scope="row">Degraded periods</th><td>1, 1 min in total</td></tr>',
      '<tr><th scope="row">Size growth</th><td>7.2 MiB</td></tr>',
      "<tr><td>2026-11-29 10:20:00 UTC</td><td>2026-11-29 10:20:03 UTC</td><td>3 s</td></tr>",
      "<tr><td>2026-11-29 10:00:30 UTC</td><td>2026-11-29 10:01:30 UTC</td><td>1 min</td></tr>",
      "<tr><td>2026-11-29 10:01 UTC</td><td>7.2 MiB</td><td>3</td><td>1.50</td><td>0.00</td><td>99.50 %</td><td>0</td><td>0 B</td></tr>",
      // Round binary ticks (0, 2, 4, 6, 8 MiB) and round, dated time ticks every 15 minutes.
      '<text x="64" y="142.0" dy="3" text-anchor="end">0 B</text>',
      '<text x="64" y="44.5" dy="3" text-anchor="end">6 MiB</text>',
      '<text x="70.0" y="164" text-anchor="middle">11-29 10:00</text>',
      '<text x="337.0" y="164" text-anchor="middle">11-29 10:30</text>',
      // The line covers 10:00–10:02 and stops; the rest of the hour is marked as without data.
      '<path d="M70.0,141.9L78.9,25.0"/>',
      '<rect class="gap" x="87.8" y="12" width="516.2" height="130"><title>No data 2026-11-29 10:02 UTC – 2026-11-29 11:00 UTC</title></rect>',
      ">no data</text>",
    ];
    expect(fragments.filter((fragment) => !html.includes(fragment))).toEqual([]);
    // A database has no replication of its own: that is the pair report's.
    expect(html).not.toMatch(/sizeBytes|uptimeRatio|T10:00:00|100\.00 %|[Rr]eplication/);
  });

  it("names the CSV after the subject and the range", () => {
    expect(
      reportCsvFilename({
        subject: { kind: "database", id: "00000000-0000-4000-8000-000000000000", name: "orders" },
        from: "2026-12-01T00:00:00.000Z",
        to: "2026-12-06T03:45:10.000Z",
        bucketSeconds: 3600,
        points: [],
        summary: {} as never,
      }),
    ).toBe("orders-20261201T0000Z-20261206T0345Z.csv");
  });

  it("takes the primary's numbers per bucket (most commits) and sums databases", () => {
    const bucket = new Date("2026-11-29T22:00:00.000Z");
    const base = {
      bucket,
      sizeBytes: 100,
      connections: 2,
      rollbacks: 0,
      blksRead: 1,
      blksHit: 3,
      deadlocks: 0,
      tempBytes: 0,
      seconds: 60,
    };
    const points = databasePoints(
      [
        { ...base, nodeId: "primary", database: "a", commits: 120 },
        { ...base, nodeId: "standby", database: "a", commits: 0, connections: 9 },
        { ...base, nodeId: "primary", database: "b", commits: 60 },
      ],
      [{ bucket, writable: true, lagBytes: 10, lagSeconds: 0.5 }],
    );
    expect(points).toEqual([
      {
        at: "2026-11-29T22:00:00.000Z",
        sizeBytes: 200,
        connections: 4,
        commitsPerSecond: 3,
        rollbacksPerSecond: 0,
        cacheHitRatio: 0.75,
        deadlocks: 0,
        tempBytes: 0,
        lagBytes: 10,
        lagSeconds: 0.5,
      },
    ]);
    expect(
      reportCsv({
        subject: { kind: "pair", id: "00000000-0000-4000-8000-000000000000", name: "x" },
        from: "",
        to: "",
        bucketSeconds: 60,
        points,
        summary: {} as never,
      }),
    ).toBe(
      "at,sizeBytes,connections,commitsPerSecond,rollbacksPerSecond,cacheHitRatio,deadlocks,tempBytes,lagBytes,lagSeconds\n2026-11-29T22:00:00.000Z,200,4,3,0,0.75,0,0,10,0.5\n",
    );
  });

  it("joins degraded samples into periods", () => {
    const at = (s: number) => new Date(s * 1000);
    expect(
      degradedPeriods([
        { at: at(0), degraded: false },
        { at: at(10), degraded: true },
        { at: at(20), degraded: true },
        { at: at(30), degraded: false },
        { at: at(40), degraded: true },
      ]),
    ).toEqual([
      { from: "1970-01-01T00:00:10.000Z", to: "1970-01-01T00:00:30.000Z" },
      { from: "1970-01-01T00:00:40.000Z", to: "1970-01-01T00:00:40.000Z" },
    ]);
  });
});

describe("secrets and tokens", () => {
  it("seals with AES-256-GCM bound to its row", () => {
    const box = createSecretBox(randomBytes(32));
    const sealed = box.seal(new Secret("hunter2"), "pair-admin:1");
    expect(sealed.includes(Buffer.from("hunter2"))).toBe(false);
    expect(box.open(sealed, "pair-admin:1").reveal()).toBe("hunter2");
    expect(() => box.open(sealed, "pair-admin:2")).toThrow(
      "Unsupported state or unable to authenticate data",
    );
  });

  it("makes recognisable high-entropy tokens and SCRAM verifiers", () => {
    const token = newToken("agent").reveal();
    expect([tokenKind(token), tokenKind(`${token}x`), tokenKind("pgaas_api_short")]).toEqual([
      "agent",
      undefined,
      undefined,
    ]);
    // Format only; api.test.ts proves PostgreSQL accepts it (the owner logs in with the password).
    expect(scramVerifier(new Secret("secret"), Buffer.alloc(16, 1))).toMatch(
      /^SCRAM-SHA-256\$4096:AQEBAQEBAQEBAQEBAQEBAQ==\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$/,
    );
  });

  it("builds connection URIs with encoded parts, verify-full with a CA, and role names within 63 characters", () => {
    expect(connectionUri("fd00::1", 5432, "o'wner", new Secret("p@ss/word"), "shop", null)).toBe(
      "postgresql://o'wner:p%40ss%2Fword@[fd00::1]:5432/shop",
    );
    expect(
      connectionUri("10.0.0.10", 5432, "shop", new Secret("pw"), "shop", "-----BEGIN CERTIFICATE-----"),
    ).toBe("postgresql://shop:pw@10.0.0.10:5432/shop?sslmode=verify-full");
    // Without a password: the URI a page shows (the password was shown once).
    expect(connectionUri("fd00::10", 6432, "a b", null, "shop", "-----BEGIN CERTIFICATE-----")).toBe(
      "postgresql://a%20b@[fd00::10]:6432/shop?sslmode=verify-full",
    );
    expect(accessRoleName("d".repeat(63), "read_write", "abcdef12-0000-4000-8000-000000000000")).toHaveLength(
      58,
    );
    expect(buildPath("/v1/pairs/:id/events", { id: "a/b" })).toBe("/v1/pairs/a%2Fb/events");
  });

  it("alternates a grant's two role slots, the longest within 63 characters", () => {
    const base = accessRoleName("d".repeat(63), "read_write", "abcdef12-0000-4000-8000-000000000000");
    expect(rotatedRoleName(base, base)).toBe(`${base}_b`);
    expect(rotatedRoleName(base, `${base}_b`)).toBe(base);
    expect(rotatedRoleName(base, base).length).toBe(60);
    // An owner role may use all 63 characters: its second slot stays within them.
    const owner = "o".repeat(63);
    expect(rotatedRoleName(owner, owner)).toBe(`${"o".repeat(61)}_b`);
    expect(rotatedRoleName(owner, `${"o".repeat(61)}_b`)).toBe(owner);
  });

  it("ends the overlap after its minutes, never past the grant's expiry", () => {
    const now = new Date("2026-12-01T10:00:00.000Z");
    expect(overlapEnd(now, 60, null).toISOString()).toBe("2026-12-01T11:00:00.000Z");
    expect(overlapEnd(now, 0, null).toISOString()).toBe("2026-12-01T10:00:00.000Z");
    const expiry = new Date("2026-12-01T10:30:00.000Z");
    expect(overlapEnd(now, 60, expiry).toISOString()).toBe("2026-12-01T10:30:00.000Z");
    expect(overlapEnd(now, 10, expiry).toISOString()).toBe("2026-12-01T10:10:00.000Z");
  });
});

describe("configuration", () => {
  const key = Buffer.alloc(32, 7).toString("base64");
  it("parses the environment with defaults", () => {
    const config = loadConfig({ DATABASE_URL: "postgres://x@127.0.0.1/db", PGAAS_SECRET_KEY: key });
    expect([
      config.listenHosts,
      config.port,
      config.secretKey.length,
      config.initialAdmin,
      String(config.databaseUrl),
    ]).toEqual([["127.0.0.1"], 8080, 32, undefined, "[redacted]"]);
  });

  it("listens on every address of a comma-separated list and rejects other separators", () => {
    const env = { DATABASE_URL: "postgres://x@127.0.0.1/db", PGAAS_SECRET_KEY: key };
    expect(loadConfig({ ...env, PGAAS_LISTEN_HOST: "127.0.0.1,127.0.0.2" }).listenHosts).toEqual([
      "127.0.0.1",
      "127.0.0.2",
    ]);
    expect(() => loadConfig({ ...env, PGAAS_LISTEN_HOST: "127.0.0.1 10.230.1.1" })).toThrow(
      "PGAAS_LISTEN_HOST: addresses separated by commas",
    );
  });

  it("names every bad variable", () => {
    expect(() =>
      loadConfig({ DATABASE_URL: "mysql://x", PGAAS_PORT: "70000", PGAAS_ADMIN_EMAIL: "admin@example.com" }),
    ).toThrow(
      "invalid configuration: DATABASE_URL: a postgres:// URL; PGAAS_PORT: Too big: expected number to be <=65535; " +
        "PGAAS_SECRET_KEY: required (or PGAAS_SECRET_KEY_FILE); PGAAS_ADMIN_EMAIL: set together with PGAAS_ADMIN_PASSWORD (or neither)",
    );
    expect(() => loadConfig({ DATABASE_URL: "postgres://x", PGAAS_SECRET_KEY: "c2hvcnQ=" })).toThrow(
      "PGAAS_SECRET_KEY must be 32 bytes encoded as base64 (got 5 bytes)",
    );
    expect(() =>
      loadConfig({ DATABASE_URL: "postgres://x", PGAAS_SECRET_KEY_FILE: "/nonexistent/key" }),
    ).toThrow("invalid configuration: PGAAS_SECRET_KEY_FILE: cannot read /nonexistent/key");
  });

  it("trusts no proxy by default and only the addresses and networks listed", () => {
    const env = { DATABASE_URL: "postgres://x@127.0.0.1/db", PGAAS_SECRET_KEY: key };
    expect(loadConfig(env).trustedProxies).toEqual([]);
    expect(
      loadConfig({ ...env, PGAAS_TRUSTED_PROXIES: "10.0.0.5, 192.168.0.0/16,::1" }).trustedProxies,
    ).toEqual(["10.0.0.5", "192.168.0.0/16", "::1"]);
    expect(() => loadConfig({ ...env, PGAAS_TRUSTED_PROXIES: "10.0.0.5,loopback" })).toThrow(
      "invalid configuration: PGAAS_TRUSTED_PROXIES.1: an IP address or a CIDR network",
    );
  });

  it("reads the store password from a file only others cannot read", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pgaas-config-"));
    try {
      const env = { DATABASE_URL: "postgres://portal@127.0.0.1/db", PGAAS_SECRET_KEY: key };
      const file = join(dir, "store-password");
      await writeFile(file, "s3cret-store\n", { mode: 0o600 });
      const config = loadConfig({ ...env, PGAAS_DATABASE_PASSWORD_FILE: file });
      expect(config.databasePassword?.reveal()).toBe("s3cret-store");
      await chmod(file, 0o644);
      expect(() => loadConfig({ ...env, PGAAS_DATABASE_PASSWORD_FILE: file })).toThrow(
        `invalid configuration: PGAAS_DATABASE_PASSWORD_FILE: ${file} must not be readable by others (chmod 600)`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
