// Whether a point in time can be restored from a pair's repository, decided on its inventory alone.
// The engine (before a scratch restore, over SSH or in the agent) and the control plane (before it
// creates anything for a restore through the API) both call this, so they refuse the same targets
// with the same codes, and every refusal names the restorable range.
import { z } from "zod";
import { ConflictError, InputError, NotFoundError } from "../errors.js";
import type { BackupInventory } from "./backup-inventory.js";

/** An ISO 8601 instant with its zone: `2026-12-06T07:01:02Z`, `2026-12-06T08:01:02+01:00`. */
export const RestoreTime = z.iso.datetime({ offset: true });

export interface PointInTime {
  /** ISO 8601 with a zone; absent: the latest archived state. */
  readonly time?: string;
  /** A backup label to restore from (its end, or `time` after it). */
  readonly backup?: string;
}

export interface CheckedTarget {
  /** The instant to recover to; absent: the end of the archive. */
  readonly time?: Date;
  /** The backup to start from; absent: pgBackRest picks the newest before the time. */
  readonly set?: string;
  /** The time lies after what the inventory shows archived: push the current WAL segment first. */
  readonly archiveFirst: boolean;
}

export interface RestorableRange {
  readonly restorableFrom: string | null;
  readonly restorableTo: string | null;
}

export function restorableRange(inventory: BackupInventory): RestorableRange {
  return { restorableFrom: inventory.restorableFrom, restorableTo: inventory.restorableTo };
}

export function rangeText(range: RestorableRange): string {
  return `restorable from ${range.restorableFrom ?? "(no backup yet)"} to ${range.restorableTo ?? "(nothing archived)"}`;
}

export function checkRestoreTarget(
  inventory: BackupInventory,
  target: PointInTime,
  now: Date,
): CheckedTarget {
  const range = restorableRange(inventory);
  const text = rangeText(range);
  if (inventory.backups.length === 0) {
    throw new ConflictError(`the pair has no backup yet: ${text}`, {
      code: "no_backup",
      details: { ...range },
    });
  }
  let set: string | undefined;
  if (target.backup !== undefined) {
    const found = inventory.backups.find((b) => b.label === target.backup);
    if (!found) {
      throw new NotFoundError(`no backup ${target.backup} in the repository: ${text}`, {
        code: "unknown_backup",
        details: { ...range, backups: inventory.backups.map((b) => b.label) },
      });
    }
    set = found.label;
  }
  if (target.time === undefined) return { ...(set ? { set } : {}), archiveFirst: false };
  if (!RestoreTime.safeParse(target.time).success) {
    throw new InputError(`not an ISO 8601 time with a zone: ${target.time}`, {
      code: "invalid_restore_time",
      details: { ...range },
    });
  }
  const time = new Date(target.time);
  const oldest = set ? inventory.backups.find((b) => b.label === set)?.stoppedAt : range.restorableFrom;
  if (oldest && time.getTime() < Date.parse(oldest)) {
    throw new InputError(
      `${time.toISOString()} is before the ${set ? `end of backup ${set}` : "oldest backup"}: ${text}`,
      { code: "restore_time_before_oldest_backup", details: { ...range } },
    );
  }
  if (time.getTime() > now.getTime()) {
    throw new InputError(`${time.toISOString()} is in the future: ${text}`, {
      code: "restore_time_in_future",
      details: { ...range },
    });
  }
  const archiveFirst = range.restorableTo === null || time.getTime() > Date.parse(range.restorableTo);
  return { time, ...(set ? { set } : {}), archiveFirst };
}
