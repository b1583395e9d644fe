// A bounded, append-only, crash-safe spool of reports the control plane has not taken yet.
//
// Layout: `<dir>/seg-<n>.jsonl`, oldest first, one entry a line (spool-line.ts). A process appends only
// to segments it created, so a torn last line left by a crash sits at the end of an old segment, where
// reading skips it. Delivered reports are removed by rewriting their segment (temp file + rename) or
// deleting it; a crash in between re-sends them, which the control plane de-duplicates by reportId.
// When an append would exceed `maxBytes`, the oldest metrics are dropped first, then the oldest routine
// state samples, each with a counted warning; state changes are never dropped.
import { mkdir, open, readdir, readFile, rename, rm, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "@pgaas/common";
import type { AgentReport } from "@pgaas/common/wire";
import {
  DROP_ORDER,
  type DroppableClass,
  decodeSpoolLine,
  encodeSpoolLine,
  type SpoolClass,
  type SpoolEntry,
} from "./spool-line.js";

const SEGMENT_NAME = /^seg-(\d{12})\.jsonl$/;
const MAX_SEGMENT_BYTES = 4 * 1024 * 1024;
const MIN_SEGMENT_BYTES = 16 * 1024;

export interface DiskSpoolOptions {
  readonly dir: string;
  readonly maxBytes: number;
  readonly logger: Logger;
}

export interface SpoolStats {
  readonly reports: number;
  readonly bytes: number;
  readonly dropped: Readonly<Record<DroppableClass, number>>;
  /** Lines that were not whole entries (torn by a crash or damaged) and were skipped. */
  readonly corruptLines: number;
}

export interface SpoolBatch {
  readonly reports: readonly AgentReport[];
  readonly bytes: number;
}

interface Segment {
  readonly seq: number;
  readonly path: string;
  bytes: number;
  counts: Record<SpoolClass, number>;
}

interface ParsedLine {
  readonly text: string;
  readonly entry: SpoolEntry | null;
}

export class DiskSpool {
  readonly #dir: string;
  readonly #maxBytes: number;
  readonly #segmentBytes: number;
  readonly #logger: Logger;
  readonly #segments: Segment[] = [];
  /** The segment this process appends to; null until the first append (or after it was emptied). */
  #active: Segment | null = null;
  #nextSeq = 1;
  readonly #dropped: Record<DroppableClass, number> = { metrics: 0, state: 0 };
  #corruptLines = 0;

  private constructor(options: DiskSpoolOptions) {
    this.#dir = options.dir;
    this.#maxBytes = options.maxBytes;
    this.#segmentBytes = Math.min(
      MAX_SEGMENT_BYTES,
      Math.max(MIN_SEGMENT_BYTES, Math.floor(options.maxBytes / 16)),
    );
    this.#logger = options.logger;
  }

  /** Opens (creating) the spool directory and indexes what a previous run left behind. */
  static async open(options: DiskSpoolOptions): Promise<DiskSpool> {
    const spool = new DiskSpool(options);
    await mkdir(options.dir, { recursive: true, mode: 0o700 });
    const names = (await readdir(options.dir)).sort();
    for (const name of names) {
      if (name.endsWith(".tmp")) await rm(join(options.dir, name), { force: true });
      const seq = Number(SEGMENT_NAME.exec(name)?.[1]);
      if (!Number.isInteger(seq) || seq <= 0) continue;
      const segment: Segment = { seq, path: join(options.dir, name), bytes: 0, counts: emptyCounts() };
      spool.#account(segment, await spool.#readLines(segment));
      spool.#nextSeq = seq + 1;
      // A segment with no whole entry (only a torn write) would never be replayed nor cleaned up.
      if (segment.counts.metrics + segment.counts.state + segment.counts.change === 0)
        await unlink(segment.path);
      else spool.#segments.push(segment);
    }
    if (spool.#corruptLines > 0) {
      options.logger.warn("spool: skipped lines that were not whole reports", { lines: spool.#corruptLines });
    }
    return spool;
  }

  stats(): SpoolStats {
    let reports = 0;
    let bytes = 0;
    for (const segment of this.#segments) {
      reports += segment.counts.metrics + segment.counts.state + segment.counts.change;
      bytes += segment.bytes;
    }
    return { reports, bytes, dropped: { ...this.#dropped }, corruptLines: this.#corruptLines };
  }

  async append(entry: SpoolEntry): Promise<void> {
    const line = encodeSpoolLine(entry);
    const lineBytes = Buffer.byteLength(line);
    await this.#makeRoom(lineBytes);
    if (entry.class !== "change" && this.stats().bytes + lineBytes > this.#maxBytes) {
      this.#countDrop(entry.class, 1);
      return;
    }
    if (this.#active === null || this.#active.bytes + lineBytes > this.#segmentBytes) {
      this.#active = {
        seq: this.#nextSeq,
        path: this.#segmentPath(this.#nextSeq),
        bytes: 0,
        counts: emptyCounts(),
      };
      this.#nextSeq += 1;
      this.#segments.push(this.#active);
    }
    const file = await open(this.#active.path, "a", 0o600);
    try {
      await file.write(line);
      // A state change must survive a power cut; losing the last routine sample is acceptable.
      if (entry.class === "change") await file.datasync();
    } finally {
      await file.close();
    }
    this.#active.bytes += lineBytes;
    this.#active.counts[entry.class] += 1;
  }

  /** The oldest reports, in order: at most `maxReports`, and at most `maxBytes` unless one alone is larger. */
  async peek(maxReports: number, maxBytes: number): Promise<SpoolBatch> {
    const reports: AgentReport[] = [];
    let bytes = 0;
    for (const segment of this.#segments) {
      for (const line of await this.#readLines(segment)) {
        if (!line.entry) continue;
        const size = Buffer.byteLength(line.text);
        if (reports.length >= maxReports || (reports.length > 0 && bytes + size > maxBytes)) {
          return { reports, bytes };
        }
        reports.push(line.entry.report);
        bytes += size;
      }
    }
    return { reports, bytes };
  }

  /** Removes delivered reports (by id) from the oldest segments. */
  async remove(reportIds: ReadonlySet<string>): Promise<void> {
    let remaining = reportIds.size;
    for (const segment of [...this.#segments]) {
      if (remaining === 0) break;
      const lines = await this.#readLines(segment);
      const kept = lines.filter((line) => line.entry !== null && !reportIds.has(line.entry.report.reportId));
      remaining -= lines.filter((line) => line.entry !== null).length - kept.length;
      await this.#replace(segment, kept);
    }
  }

  async #makeRoom(incomingBytes: number): Promise<void> {
    const excess = (): number => this.stats().bytes + incomingBytes - this.#maxBytes;
    if (excess() <= 0) return;
    // Free a little more than needed so a full spool does not rewrite a segment on every append.
    let toFree = excess() + Math.floor(this.#maxBytes / 32);
    for (const victim of DROP_ORDER) {
      for (const segment of [...this.#segments]) {
        if (toFree <= 0) return;
        if (segment.counts[victim] === 0) continue;
        const lines = await this.#readLines(segment);
        let dropped = 0;
        const kept = lines.filter((line) => {
          if (toFree <= 0 || line.entry?.class !== victim) return line.entry !== null;
          toFree -= Buffer.byteLength(line.text);
          dropped += 1;
          return false;
        });
        await this.#replace(segment, kept);
        this.#countDrop(victim, dropped);
      }
    }
  }

  #countDrop(victim: DroppableClass, count: number): void {
    this.#dropped[victim] += count;
    this.#logger.warn(`spool full: dropped the oldest ${victim} reports`, {
      dropped: count,
      droppedTotal: this.#dropped[victim],
      maxBytes: this.#maxBytes,
    });
  }

  /** Rewrites a segment with only `kept` (or deletes it when nothing is left). */
  async #replace(segment: Segment, kept: readonly ParsedLine[]): Promise<void> {
    if (kept.length === 0) {
      await unlink(segment.path).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "ENOENT") throw error;
      });
      this.#segments.splice(this.#segments.indexOf(segment), 1);
      if (this.#active === segment) this.#active = null;
      return;
    }
    const tmp = `${segment.path}.tmp`;
    const file = await open(tmp, "w", 0o600);
    try {
      await file.write(kept.map((line) => line.text).join(""));
      await file.datasync();
    } finally {
      await file.close();
    }
    await rename(tmp, segment.path);
    segment.bytes = 0;
    segment.counts = emptyCounts();
    this.#account(segment, kept);
  }

  #account(segment: Segment, lines: readonly ParsedLine[]): void {
    for (const line of lines) {
      segment.bytes += Buffer.byteLength(line.text);
      if (line.entry) segment.counts[line.entry.class] += 1;
      else this.#corruptLines += 1;
    }
  }

  async #readLines(segment: Segment): Promise<ParsedLine[]> {
    const text = await readFile(segment.path, "utf8");
    const parts = text.split("\n");
    // The part after the last "\n" is a torn write (or ""): never a whole entry.
    const torn = parts.pop() ?? "";
    const lines: ParsedLine[] = parts.map((part) => ({ text: `${part}\n`, entry: decodeSpoolLine(part) }));
    if (torn.length > 0) lines.push({ text: torn, entry: null });
    return lines;
  }

  #segmentPath(seq: number): string {
    return join(this.#dir, `seg-${String(seq).padStart(12, "0")}.jsonl`);
  }
}

function emptyCounts(): Record<SpoolClass, number> {
  return { metrics: 0, state: 0, change: 0 };
}
