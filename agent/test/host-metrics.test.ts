import { describe, expect, it } from "vitest";
import { isFenced } from "../src/host/fence-marker.js";
import { parseLoadavg, parseMeminfo, readHostMetrics } from "../src/host/host-metrics.js";

describe("host metrics", () => {
  it("parses /proc/loadavg and /proc/meminfo", () => {
    expect(parseLoadavg("0.42 0.30 0.25 2/345 6789\n")).toBe(0.42);
    expect(
      parseMeminfo(
        "MemTotal:        2048000 kB\nMemFree:          100000 kB\nMemAvailable:    1024000 kB\nBuffers: 1 kB\n",
      ),
    ).toEqual({ totalBytes: 2048000 * 1024, usedBytes: 1024000 * 1024 });
    expect(() => parseMeminfo("MemTotal: 1 kB\n")).toThrow("/proc/meminfo has no MemAvailable");
    expect(() => parseLoadavg("garbage")).toThrow("unexpected /proc/loadavg: garbage");
  });

  it("reads this host's figures", async () => {
    const host = await readHostMetrics("/tmp");
    expect(host.dataDiskTotalBytes).toBeGreaterThan(host.dataDiskUsedBytes);
    expect(host.memoryTotalBytes).toBeGreaterThan(host.memoryUsedBytes);
    expect(host.load1).toBeGreaterThanOrEqual(0);
  });

  it("treats a fence marker it cannot check as present", async () => {
    expect(await isFenced("/nonexistent/pgaas/fenced")).toBe(false);
    expect(await isFenced("/etc/hostname")).toBe(true);
    expect(await isFenced("/etc/hostname/fenced")).toBe(true);
  });
});
