// A look at the whole pair as of a point in time (the agent's `describe_point_in_time` command): its
// parameters, and its outcome as the agent reports it in the command result's message — one line the
// control plane reads back. The agent writes it and the control plane parses it through this one pair
// of functions, so they cannot drift apart.
import { z } from "zod";
import { RestoreTime } from "./restore-target.js";
import { fittedResultMessage, parseResultMessage } from "./result-message.js";

/** Absent time and backup: the latest archived state. */
export const PointInTimeParameters = z.object({
  time: RestoreTime.optional(),
  backup: z.string().min(1).max(100).optional(),
});
export type PointInTimeParameters = z.infer<typeof PointInTimeParameters>;

export const DatabaseAtTime = z.object({
  name: z.string().min(1).max(256),
  owner: z.string().max(256),
  sizeBytes: z.number().int().nonnegative(),
  /**
   * Sum of the planner's row estimates over the database's own tables (system schemas excluded), after
   * ANALYZE in the scratch instance.
   */
  rowEstimate: z.number().int().nonnegative(),
});
export type DatabaseAtTime = z.infer<typeof DatabaseAtTime>;

export const PointInTimeDescribed = z.object({
  /** How many databases the instance held; the figures follow, shortened to fit a command result. */
  databaseCount: z.number().int().nonnegative(),
  databases: z.array(DatabaseAtTime).max(1000),
  durationMs: z.number().int().nonnegative(),
});
export type PointInTimeDescribed = z.infer<typeof PointInTimeDescribed>;

const PREFIX = "point in time described: ";
/** Room for the figures in a command result (4000 characters). */
const MAX_MESSAGE = 3900;

/** Compact rows (`[name, owner, bytes, rows]`): more databases fit in one command result. */
const Row = z.tuple([z.string(), z.string(), z.number(), z.number()]);
const Wire = z.object({
  databaseCount: z.number(),
  databases: z.array(Row),
  durationMs: z.number(),
});

export function pointInTimeMessage(described: {
  readonly databases: readonly DatabaseAtTime[];
  readonly durationMs: number;
}): string {
  const rows = described.databases.map((d) => [d.name, d.owner, d.sizeBytes, d.rowEstimate]);
  return fittedResultMessage(PREFIX, MAX_MESSAGE, rows, (kept) => ({
    databaseCount: described.databases.length,
    databases: kept,
    durationMs: described.durationMs,
  }));
}

/** The described contents in a result message, or null for any other message (a failure's code and reason). */
export function parsePointInTimeMessage(message: string): PointInTimeDescribed | null {
  const wire = parseResultMessage(message, PREFIX, Wire);
  if (wire === null) return null;
  const parsed = PointInTimeDescribed.safeParse({
    ...wire,
    databases: wire.databases.map(([name, owner, sizeBytes, rowEstimate]) => ({
      name,
      owner,
      sizeBytes,
      rowEstimate,
    })),
  });
  return parsed.success ? parsed.data : null;
}
