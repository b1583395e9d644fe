// Slow statements from the node's PostgreSQL jsonlog (log_min_duration_statement), read incrementally:
// per file the byte offset read so far, so each report carries what was logged since the previous one.
// Memory stays bounded (at most `maxBytes` read per call, at most `maxEntries` kept); a file that was
// truncated or replaced (the weekly rotation reuses names) is read again from its start. Only the
// duration, database, user, query id and time leave the node: never the statement, whose literals may
// be secrets.
import { open, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { MAX_SLOW_QUERIES_PER_REPORT, type SlowQuery } from "@pgaas/common/wire";

/** The collector's jsonlog files (log_filename postgresql-%a.log → postgresql-Mon.json). */
const JSONLOG_FILE = /^postgresql-.*\.json$/;
/** "duration: 1201.871 ms  statement: …" or, for the extended protocol, "… execute <name>: …". */
const DURATION_MESSAGE = /^duration: (\d+(?:\.\d+)?) ms {2}(?:statement|execute [^:]*):/;
/** jsonlog's timestamp with log_timezone UTC: "2026-12-07 06:10:00.123 UTC". */
const UTC_TIMESTAMP = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?) UTC$/;

/**
 * One jsonlog line as a slow statement, or null for anything else (other messages, a statement
 * without a query id, a torn or foreign line). The query id is taken from the JSON source text: it is
 * a 64-bit integer that a JavaScript number would round.
 */
export function parseSlowQueryLine(line: string): SlowQuery | null {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line, (key, value, context?: { source?: string }) =>
      key === "query_id" && typeof value === "number" ? (context?.source ?? null) : value,
    ) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (typeof entry !== "object" || entry === null) return null;
  const { message, dbname, user, query_id: queryId, timestamp } = entry;
  if (typeof message !== "string" || typeof dbname !== "string" || typeof user !== "string") return null;
  if (typeof queryId !== "string" || queryId === "0" || typeof timestamp !== "string") return null;
  const duration = DURATION_MESSAGE.exec(message);
  const time = UTC_TIMESTAMP.exec(timestamp);
  if (duration === null || time === null) return null;
  return {
    at: new Date(`${time[1]}T${time[2]}Z`).toISOString(),
    database: dbname,
    user,
    queryId,
    durationMs: Number(duration[1]),
  };
}

interface FileCursor {
  readonly ino: number;
  readonly offset: number;
}

export class SlowQueryLog {
  readonly #dir: string;
  readonly #maxBytes: number;
  readonly #maxEntries: number;
  #cursors: Map<string, FileCursor> | null = null;

  constructor(dir: string, options: { maxBytes?: number; maxEntries?: number } = {}) {
    this.#dir = dir;
    this.#maxBytes = options.maxBytes ?? 1024 * 1024;
    this.#maxEntries = options.maxEntries ?? MAX_SLOW_QUERIES_PER_REPORT;
  }

  /**
   * What was logged since the previous call. The first call only notes where the files end: history
   * from before the agent started is not reported again after a restart.
   */
  async read(): Promise<SlowQuery[]> {
    const names = (await readdir(this.#dir)).filter((name) => JSONLOG_FILE.test(name)).sort();
    const previous = this.#cursors;
    const cursors = new Map<string, FileCursor>();
    const found: SlowQuery[] = [];
    let budget = this.#maxBytes;
    for (const name of names) {
      const path = join(this.#dir, name);
      const info = await stat(path).catch(() => null);
      if (info === null) continue;
      if (previous === null) {
        cursors.set(name, { ino: info.ino, offset: info.size });
        continue;
      }
      const known = previous.get(name);
      // A new file, or one the rotation truncated or replaced, starts over.
      const from = known && known.ino === info.ino && known.offset <= info.size ? known.offset : 0;
      const length = found.length < this.#maxEntries ? Math.min(info.size - from, budget) : 0;
      if (length <= 0) {
        cursors.set(name, { ino: info.ino, offset: from });
        continue;
      }
      const consumed = await this.#readLines(path, from, length, found);
      budget -= consumed;
      cursors.set(name, { ino: info.ino, offset: from + consumed });
    }
    this.#cursors = cursors;
    return found;
  }

  /** Parses the whole lines in [from, from + length) into `found`; returns the bytes consumed. */
  async #readLines(path: string, from: number, length: number, found: SlowQuery[]): Promise<number> {
    const buffer = Buffer.alloc(length);
    const handle = await open(path, "r");
    let read: number;
    try {
      ({ bytesRead: read } = await handle.read(buffer, 0, length, from));
    } finally {
      await handle.close();
    }
    let consumed = 0;
    while (consumed < read && found.length < this.#maxEntries) {
      const end = buffer.indexOf(0x0a, consumed);
      if (end === -1 || end >= read) break;
      const entry = parseSlowQueryLine(buffer.toString("utf8", consumed, end));
      if (entry !== null) found.push(entry);
      consumed = end + 1;
    }
    // A line longer than the whole budget can never complete: skip it rather than stall on it.
    if (consumed === 0 && read === this.#maxBytes) return read;
    return consumed;
  }
}
