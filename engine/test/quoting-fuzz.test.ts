// Awkward values survive the renderers' escapers, checked with the real parsers: PostgreSQL's own
// configuration lexer (`postgres -C`) and libpq reading a rendered .pgpass against a real server.
import { execFile } from "node:child_process";
import { chown, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Secret, sqlIdent, sqlLiteral } from "@pgaas/common";
import { startThrowawayPostgres, type ThrowawayPostgres } from "@pgaas/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PG_BIN_DIR } from "../src/layout.js";
import { confLine } from "../src/render/conf-quote.js";
import { renderPgpass } from "../src/render/pgpass.js";

const run = promisify(execFile);

const AWKWARD = [
  "plain",
  "it's",
  "''",
  "back\\slash",
  "trailing\\",
  "colon:colon",
  "\\:",
  "*",
  '"double"',
  "$(touch /tmp/pgaas-pwned)",
  "semi;colon # not a comment",
  "ünïcødé 数据库",
  " leading and trailing ",
];

function seeded(seed: number): string {
  const alphabet = "ab'\\:\"$ #*;=\t";
  let state = seed;
  let out = "";
  for (let i = 0; i < 1 + (seed % 12); i += 1) {
    state = (state * 1103515245 + 12345) % 2147483648;
    out += alphabet[state % alphabet.length];
  }
  return out;
}

const VALUES = [...AWKWARD, ...Array.from({ length: 20 }, (_, i) => seeded(i + 1))];

describe("postgresql.conf / repmgr.conf escaper", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "pgaas-conf-fuzz-"));
    await run("chown", ["postgres", dir]);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("round-trips every value through PostgreSQL's own parser", async () => {
    for (const value of VALUES) {
      const conf = `${confLine("log_line_prefix", value)}\n${confLine("data_directory", dir)}\n`;
      await writeFile(join(dir, "postgresql.conf"), conf);
      const { stdout } = await run(
        "runuser",
        ["-u", "postgres", "--", `${PG_BIN_DIR}/postgres`, "-D", dir, "-C", "log_line_prefix"],
        {
          cwd: "/tmp",
        },
      );
      expect(stdout.replace(/\n$/, ""), JSON.stringify(value)).toBe(value);
    }
  });

  it("refuses values that cannot be one line", () => {
    expect(() => confLine("application_name", "a\nb")).toThrow(/one line/);
    expect(() => confLine("bad key", "x")).toThrow(/invalid configuration key/);
  });
});

describe(".pgpass escaper", () => {
  let server: ThrowawayPostgres;
  let dir = "";
  beforeAll(async () => {
    server = await startThrowawayPostgres("pgaas-pgpass-fuzz");
    dir = await mkdtemp(join(tmpdir(), "pgaas-pgpass-"));
  });
  afterAll(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("lets libpq log in as repmgr with every awkward password", async () => {
    const { default: pg } = await import("pg");
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    try {
      await admin.query(`CREATE ROLE ${sqlIdent("repmgr")} LOGIN`);
      const pgpass = join(dir, "pgpass");
      for (const password of VALUES.filter((value) => value.trim() === value && value.length > 0)) {
        await admin.query(`ALTER ROLE ${sqlIdent("repmgr")} PASSWORD ${sqlLiteral(password)}`);
        await writeFile(pgpass, renderPgpass(new Secret(password)), { mode: 0o600 });
        await chown(pgpass, 0, 0);
        const { stdout } = await run(
          `${PG_BIN_DIR}/psql`,
          [
            "-X",
            "-A",
            "-t",
            "-w",
            "-h",
            "127.0.0.1",
            "-p",
            String(server.port),
            "-U",
            "repmgr",
            "-d",
            "postgres",
            "-c",
            "SELECT current_user",
          ],
          { env: { PGPASSFILE: pgpass, PATH: process.env.PATH ?? "" } },
        );
        expect(stdout.trim(), JSON.stringify(password)).toBe("repmgr");
      }
    } finally {
      await admin.end();
    }
  });
});
