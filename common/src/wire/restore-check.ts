// A restore check's outcome as the agent reports it in its command result's message, one line the
// control plane reads back (the label, the databases that answered, the duration). The agent writes
// it and the control plane parses it through this one pair of functions, so they cannot drift apart.
import { z } from "zod";
import { fittedResultMessage, parseResultMessage } from "./result-message.js";

export const RestoreCheckPassed = z.object({
  backup: z.string().min(1).max(100),
  /** How many databases answered; the names follow, shortened to fit a command result. */
  databaseCount: z.number().int().nonnegative(),
  databases: z.array(z.string()).max(1000),
  durationMs: z.number().int().nonnegative(),
});
export type RestoreCheckPassed = z.infer<typeof RestoreCheckPassed>;

const PREFIX = "restore check passed: ";
/** Room for the names in a command result (4000 characters). */
const MAX_MESSAGE = 3500;

export function restoreCheckMessage(passed: {
  readonly backup: string;
  readonly databases: readonly string[];
  readonly durationMs: number;
}): string {
  return fittedResultMessage(PREFIX, MAX_MESSAGE, passed.databases, (names) => ({
    backup: passed.backup,
    databaseCount: passed.databases.length,
    databases: names,
    durationMs: passed.durationMs,
  }));
}

/** The passed check in a result message, or null for any other message (a failure's code and reason). */
export function parseRestoreCheckMessage(message: string): RestoreCheckPassed | null {
  return parseResultMessage(message, PREFIX, RestoreCheckPassed);
}
