// The slow-query log reader against jsonlog lines a real PostgreSQL 15 wrote (fixtures/
// postgresql-15.jsonlog: server start, a slow simple query with a literal, a slow PREPARE/EXECUTE,
// a slow extended-protocol execute with parameters, an error, shutdown), then its incremental reading
// across appends, rotation and torn lines.
import { appendFile, mkdtemp, readFile, rm, truncate, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseSlowQueryLine, SlowQueryLog } from "../src/postgres/slow-query-log.js";

const FIXTURE = new URL("./fixtures/postgresql-15.jsonlog", import.meta.url);
const lines = async () => (await readFile(FIXTURE, "utf8")).split("\n").filter((line) => line.length > 0);

const SIMPLE = {
  at: "2026-12-07T06:09:56.365Z",
  database: "shop",
  user: "shop_owner",
  queryId: "4886029646263231914",
  durationMs: 1206.292,
};
const PREPARED = {
  at: "2026-12-07T06:09:57.736Z",
  database: "shop",
  user: "postgres",
  queryId: "-5708647359667481494",
  durationMs: 1101.752,
};
const EXTENDED = {
  at: "2026-12-07T06:10:02.221Z",
  database: "shop",
  user: "shop_owner",
  queryId: "-438564118017757859",
  durationMs: 1101.765,
};

describe("parseSlowQueryLine", () => {
  it("keeps only the slow statements, with the exact 64-bit query ids and no statement text", async () => {
    const parsed = (await lines()).map(parseSlowQueryLine).filter((entry) => entry !== null);
    expect(parsed).toEqual([SIMPLE, PREPARED, EXTENDED]);
    // The literals and parameters in the log never leave the parser.
    expect(JSON.stringify(parsed)).not.toMatch(/secret|pg_sleep/);
  });

  it("refuses torn, foreign and id-less lines", () => {
    const simple = JSON.stringify({
      timestamp: "2026-12-07 06:09:56.365 UTC",
      user: "u",
      dbname: "d",
      message: "duration: 5.000 ms  statement: SELECT 1",
    });
    expect(parseSlowQueryLine(simple.slice(0, 40))).toBeNull();
    expect(parseSlowQueryLine("not json")).toBeNull();
    expect(parseSlowQueryLine("[1,2]")).toBeNull();
    expect(parseSlowQueryLine(simple)).toBeNull();
    expect(parseSlowQueryLine(simple.replace("}", ',"query_id":0}'))).toBeNull();
    expect(parseSlowQueryLine(simple.replace("}", ',"query_id":12}'))).toEqual({
      at: "2026-12-07T06:09:56.365Z",
      database: "d",
      user: "u",
      queryId: "12",
      durationMs: 5,
    });
    // Not UTC (log_timezone is fixed to UTC; anything else is not guessed at).
    expect(parseSlowQueryLine(simple.replace(" UTC", " CET").replace("}", ',"query_id":12}'))).toBeNull();
  });
});

describe("SlowQueryLog", () => {
  let dir = "";
  const file = (name: string) => join(dir, name);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "pgaas-slow-log-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("starts at the end of the existing files, then reports what is appended, once", async () => {
    const [start, ...rest] = await lines();
    await writeFile(file("postgresql-Mon.json"), `${rest.join("\n")}\n`);
    await writeFile(file("postgresql-Mon.log"), "not read\n");
    const log = new SlowQueryLog(dir);
    expect(await log.read()).toEqual([]);
    await appendFile(file("postgresql-Mon.json"), `${start}\n${rest.join("\n")}\n`);
    expect(await log.read()).toEqual([SIMPLE, PREPARED, EXTENDED]);
    expect(await log.read()).toEqual([]);
  });

  it("leaves a torn last line for the next read", async () => {
    const all = await lines();
    const slow = all.find((line) => line.includes("1206.292")) as string;
    await writeFile(file("postgresql-Mon.json"), "");
    const log = new SlowQueryLog(dir);
    await log.read();
    await appendFile(file("postgresql-Mon.json"), slow.slice(0, 100));
    expect(await log.read()).toEqual([]);
    await appendFile(file("postgresql-Mon.json"), `${slow.slice(100)}\n`);
    expect(await log.read()).toEqual([SIMPLE]);
  });

  it("reads a truncated (rotated) file and a new day's file from their start, forgets deleted ones", async () => {
    const all = await lines();
    const slow = all.filter((line) => line.includes("duration"));
    await writeFile(file("postgresql-Mon.json"), `${all.join("\n")}\n`);
    const log = new SlowQueryLog(dir);
    await log.read();
    // The weekly rotation truncates the reused file and starts writing it again.
    await truncate(file("postgresql-Mon.json"), 0);
    await appendFile(file("postgresql-Mon.json"), `${slow[0]}\n`);
    await writeFile(file("postgresql-Tue.json"), `${slow[2]}\n`);
    expect(await log.read()).toEqual([SIMPLE, EXTENDED]);
    await unlink(file("postgresql-Mon.json"));
    await appendFile(file("postgresql-Tue.json"), `${slow[1]}\n`);
    expect(await log.read()).toEqual([PREPARED]);
  });

  it("keeps memory bounded: at most maxEntries a read, the rest on the next ones, none lost", async () => {
    const slow = (await lines()).filter((line) => line.includes("duration"));
    await writeFile(file("postgresql-Mon.json"), "");
    const log = new SlowQueryLog(dir, { maxEntries: 2 });
    await log.read();
    await appendFile(file("postgresql-Mon.json"), `${slow.join("\n")}\n`);
    expect(await log.read()).toEqual([SIMPLE, PREPARED]);
    expect(await log.read()).toEqual([EXTENDED]);
  });

  it("skips a line longer than the whole read budget instead of stalling on it", async () => {
    const slow = (await lines()).find((line) => line.includes("1206.292")) as string;
    await writeFile(file("postgresql-Mon.json"), "");
    const log = new SlowQueryLog(dir, { maxBytes: 1000 });
    await log.read();
    await appendFile(file("postgresql-Mon.json"), `${"x".repeat(3000)}\n${slow}\n`);
    const seen = [];
    for (let read = 0; read < 4; read += 1) seen.push(...(await log.read()));
    expect(seen).toEqual([SIMPLE]);
  });
});
