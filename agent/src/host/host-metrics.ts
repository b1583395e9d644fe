// Host usage: disk of the data directory (statfs), load (/proc/loadavg) and memory (/proc/meminfo).
// Parsers are pure so they are tested on fixed text; the reader only does the I/O.
import { readFile, statfs } from "node:fs/promises";
import type { HostMetrics } from "@pgaas/common/wire";

export function parseLoadavg(text: string): number {
  const load1 = Number(text.trim().split(/\s+/)[0]);
  if (!Number.isFinite(load1) || load1 < 0) throw new Error(`unexpected /proc/loadavg: ${text.slice(0, 80)}`);
  return load1;
}

/** Used = MemTotal − MemAvailable (what the kernel could not hand out without swapping). */
export function parseMeminfo(text: string): { usedBytes: number; totalBytes: number } {
  const kib = (key: string): number => {
    const match = new RegExp(`^${key}:\\s+(\\d+) kB$`, "m").exec(text);
    if (!match?.[1]) throw new Error(`/proc/meminfo has no ${key}`);
    return Number(match[1]) * 1024;
  };
  const totalBytes = kib("MemTotal");
  return { totalBytes, usedBytes: Math.max(0, totalBytes - kib("MemAvailable")) };
}

export async function readHostMetrics(dataDir: string): Promise<HostMetrics> {
  const [disk, loadavg, meminfo] = await Promise.all([
    statfs(dataDir),
    readFile("/proc/loadavg", "utf8"),
    readFile("/proc/meminfo", "utf8"),
  ]);
  const memory = parseMeminfo(meminfo);
  return {
    dataDiskUsedBytes: (disk.blocks - disk.bfree) * disk.bsize,
    dataDiskTotalBytes: disk.blocks * disk.bsize,
    load1: parseLoadavg(loadavg),
    memoryUsedBytes: memory.usedBytes,
    memoryTotalBytes: memory.totalBytes,
  };
}
