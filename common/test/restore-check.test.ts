// The restore check's result line: what the agent writes, the control plane reads back exactly.
import { describe, expect, it } from "vitest";
import { parseRestoreCheckMessage, restoreCheckMessage } from "../src/wire/restore-check.js";

describe("restore check message", () => {
  it("carries the backup, the databases and the duration", () => {
    const message = restoreCheckMessage({
      backup: "20261207-070000F",
      databases: ["app", "postgres"],
      durationMs: 4200,
    });
    expect(message).toBe(
      'restore check passed: {"backup":"20261207-070000F","databaseCount":2,"databases":["app","postgres"],"durationMs":4200}',
    );
    expect(parseRestoreCheckMessage(message)).toEqual({
      backup: "20261207-070000F",
      databaseCount: 2,
      databases: ["app", "postgres"],
      durationMs: 4200,
    });
  });

  it("drops names, never the count, to fit a command result", () => {
    const databases = Array.from({ length: 300 }, (_, i) => `tenant_database_${String(i).padStart(3, "0")}`);
    const message = restoreCheckMessage({ backup: "20261207-070000F", databases, durationMs: 1 });
    const parsed = parseRestoreCheckMessage(message);
    expect(message.length).toBeLessThanOrEqual(3500);
    expect(parsed?.databaseCount).toBe(300);
    expect(parsed?.databases).toEqual(databases.slice(0, parsed?.databases.length));
    // As many as fit: one more name (22 characters with its quotes and comma) would not.
    expect(parsed?.databases.length).toBe(154);
    expect(message.length + 22).toBeGreaterThan(3500);
  });

  it("reads a failure or a garbled line as no pass", () => {
    expect(parseRestoreCheckMessage("restore_check_failed: database app did not answer")).toBeNull();
    expect(parseRestoreCheckMessage("restore check passed: {not json")).toBeNull();
    expect(parseRestoreCheckMessage('restore check passed: {"backup":""}')).toBeNull();
  });
});
