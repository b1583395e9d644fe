import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { memoryLogger } from "@pgaas/common";
import type { AgentReport } from "@pgaas/common/wire";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ReportFactory } from "../src/reports.js";
import { DiskSpool } from "../src/spool/disk-spool.js";
import { encodeSpoolLine, type SpoolClass } from "../src/spool/spool-line.js";
import { composeStateSample } from "../src/state-sample.js";
import { APP_DB, HOST, PRIMARY } from "./support/fakes.js";

const factory = new ReportFactory(new Date("2026-11-29T21:00:00.000Z"));
const state = composeStateSample({
  postgres: PRIMARY,
  error: null,
  fenced: false,
  repmgr: { nodeId: 1, status: "running", upstreamNode: null },
});
const SAMPLED = new Date("2026-11-29T21:00:01.000Z");

function report(kind: SpoolClass): AgentReport {
  return kind === "metrics" ? factory.metrics([APP_DB], HOST, SAMPLED) : factory.state(state, SAMPLED);
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "pgaas-agent-spool-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function openSpool(maxBytes = 1024 * 1024) {
  const logger = memoryLogger("agent");
  return { spool: await DiskSpool.open({ dir, maxBytes, logger }), logger };
}

describe("DiskSpool", () => {
  it("hands reports back in append order, in batches bounded by count and bytes, and removes delivered ones", async () => {
    const { spool } = await openSpool();
    const written = ["state", "metrics", "state", "change", "state"].map((kind) => ({
      class: kind as SpoolClass,
      report: report(kind as SpoolClass),
    }));
    for (const entry of written) await spool.append(entry);
    expect(spool.stats().reports).toBe(5);

    const firstTwo = await spool.peek(2, 1024 * 1024);
    expect(firstTwo.reports.map((r) => r.sequence)).toEqual(
      written.slice(0, 2).map((e) => e.report.sequence),
    );
    const [first] = written;
    if (!first) throw new Error("nothing written");
    const oneLine = Buffer.byteLength(encodeSpoolLine(first));
    const byBytes = await spool.peek(500, oneLine);
    expect(byBytes.reports).toHaveLength(1);

    await spool.remove(new Set(firstTwo.reports.map((r) => r.reportId)));
    const rest = await spool.peek(500, 1024 * 1024);
    expect(rest.reports.map((r) => r.sequence)).toEqual(written.slice(2).map((e) => e.report.sequence));
    await spool.remove(new Set(rest.reports.map((r) => r.reportId)));
    expect(spool.stats()).toEqual({
      reports: 0,
      bytes: 0,
      dropped: { metrics: 0, state: 0 },
      corruptLines: 0,
    });
    expect(await readdir(dir)).toEqual([]);
  });

  it("survives a restart: a new process replays what the old one spooled, in order", async () => {
    const first = await openSpool();
    const entries = ["change", "state", "metrics"].map((kind) => ({
      class: kind as SpoolClass,
      report: report(kind as SpoolClass),
    }));
    for (const entry of entries) await first.spool.append(entry);
    const second = await openSpool();
    await second.spool.append({ class: "state", report: report("state") });
    const batch = await second.spool.peek(500, 1024 * 1024);
    expect(batch.reports).toHaveLength(4);
    expect(batch.reports.slice(0, 3)).toEqual(entries.map((entry) => entry.report));
    expect((await readdir(dir)).sort()).toEqual(["seg-000000000001.jsonl", "seg-000000000002.jsonl"]);
  });

  it("skips a torn last line left by a crash and never appends after it", async () => {
    const first = await openSpool();
    const whole = { class: "change" as const, report: report("state") };
    await first.spool.append(whole);
    const segment = join(dir, "seg-000000000001.jsonl");
    const torn = encodeSpoolLine({ class: "state", report: report("state") }).slice(0, 57);
    await appendFile(segment, torn);

    const { spool, logger } = await openSpool();
    expect(spool.stats().reports).toBe(1);
    expect(spool.stats().corruptLines).toBe(1);
    expect(logger.lines.map((line) => JSON.parse(line).msg)).toEqual([
      "spool: skipped lines that were not whole reports",
    ]);
    const next = { class: "state" as const, report: report("state") };
    await spool.append(next);
    expect((await spool.peek(500, 1024 * 1024)).reports).toEqual([whole.report, next.report]);
    // The torn bytes are still where the crash left them: the new process wrote a new segment.
    expect((await readFile(segment, "utf8")).endsWith(torn)).toBe(true);
    await spool.remove(new Set([whole.report.reportId]));
    expect(await readdir(dir)).toEqual(["seg-000000000002.jsonl"]);
  });

  it("removes a segment that holds nothing but a torn write", async () => {
    await writeFile(join(dir, "seg-000000000003.jsonl"), '{"c":"state","r":{"repo');
    const { spool } = await openSpool();
    expect(spool.stats()).toEqual({
      reports: 0,
      bytes: 0,
      dropped: { metrics: 0, state: 0 },
      corruptLines: 1,
    });
    expect(await readdir(dir)).toEqual([]);
    await spool.append({ class: "state", report: report("state") });
    expect(await readdir(dir)).toEqual(["seg-000000000004.jsonl"]);
  });

  it("ignores a damaged line in the middle and leftover temp files", async () => {
    const good = { class: "state" as const, report: report("state") };
    await writeFile(
      join(dir, "seg-000000000007.jsonl"),
      `${encodeSpoolLine(good)}{"c":"state","r":{"kind":"nope"}}\n`,
    );
    await writeFile(join(dir, "seg-000000000007.jsonl.tmp"), "half a rewrite");
    const { spool } = await openSpool();
    expect(spool.stats().reports).toBe(1);
    expect(spool.stats().corruptLines).toBe(1);
    expect((await spool.peek(500, 1024 * 1024)).reports).toEqual([good.report]);
    expect(await readdir(dir)).toEqual(["seg-000000000007.jsonl"]);
    await spool.append({ class: "state", report: report("state") });
    expect((await readdir(dir)).sort()).toEqual(["seg-000000000007.jsonl", "seg-000000000008.jsonl"]);
  });

  it("stays within maxBytes by dropping the oldest metrics first, then the oldest routine state, never state changes", async () => {
    const maxBytes = 64 * 1024;
    const { spool, logger } = await openSpool(maxBytes);
    const metricsLine = Buffer.byteLength(encodeSpoolLine({ class: "metrics", report: report("metrics") }));
    const appended: Array<{ class: SpoolClass; report: AgentReport }> = [];
    const add = async (kind: SpoolClass) => {
      const entry = { class: kind, report: report(kind) };
      appended.push(entry);
      await spool.append(entry);
    };
    // Fill most of the spool: changes, then metrics interleaved with routine state.
    for (let i = 0; i < 5; i += 1) await add("change");
    while (spool.stats().bytes + 2 * metricsLine < maxBytes) {
      await add("metrics");
      await add("state");
    }
    const metricsBefore = appended.filter((e) => e.class === "metrics").length;
    // Keep appending state: first every metrics report goes (oldest first), then the oldest routine state.
    for (let i = 0; i < 400; i += 1) {
      await add("state");
      expect(spool.stats().bytes).toBeLessThanOrEqual(maxBytes);
    }
    const kept = (await spool.peek(100_000, 10 * maxBytes)).reports;
    const keptIds = new Set(kept.map((r) => r.reportId));
    const stats = spool.stats();
    expect(stats.dropped.metrics).toBe(metricsBefore);
    expect(metricsBefore).toBeGreaterThan(10);
    expect(stats.dropped.state).toBeGreaterThan(100);
    expect(kept.filter((r) => r.kind === "metrics")).toHaveLength(0);
    // Every state change survived; the routine state kept is exactly the newest ones, in order.
    for (const entry of appended.filter((e) => e.class === "change"))
      expect(keptIds.has(entry.report.reportId)).toBe(true);
    const routine = appended.filter((e) => e.class === "state").map((e) => e.report.reportId);
    const keptRoutine = kept
      .filter((r) => !appended.some((e) => e.class === "change" && e.report.reportId === r.reportId))
      .map((r) => r.reportId);
    expect(keptRoutine).toEqual(routine.slice(routine.length - keptRoutine.length));
    expect(stats.dropped.state).toBe(routine.length - keptRoutine.length);
    expect(stats.reports).toBe(kept.length);
    const warnings = logger.lines.map((line) => JSON.parse(line)).filter((line) => line.level === "warn");
    expect(
      warnings
        .filter((w) => w.msg === "spool full: dropped the oldest metrics reports")
        .reduce((n, w) => n + w.dropped, 0),
    ).toBe(metricsBefore);
    expect(
      warnings
        .filter((w) => w.msg === "spool full: dropped the oldest state reports")
        .reduce((n, w) => n + w.dropped, 0),
    ).toBe(stats.dropped.state);
  });

  it("keeps a state change even when only state changes are left and the spool is full", async () => {
    const { spool } = await openSpool(64 * 1024);
    const line = Buffer.byteLength(encodeSpoolLine({ class: "change", report: report("state") }));
    const count = Math.ceil((64 * 1024) / line) + 3;
    for (let i = 0; i < count; i += 1) await spool.append({ class: "change", report: report("state") });
    expect(spool.stats().reports).toBe(count);
    expect(spool.stats().dropped).toEqual({ metrics: 0, state: 0 });
    // A routine report that cannot fit is dropped itself, counted.
    await spool.append({ class: "metrics", report: report("metrics") });
    expect(spool.stats().reports).toBe(count);
    expect(spool.stats().dropped).toEqual({ metrics: 1, state: 0 });
  });
});
