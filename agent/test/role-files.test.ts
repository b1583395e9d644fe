import { mkdir, mkdtemp, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type RoleFileWatch, watchRoleFiles } from "../src/role-files.js";

let root: string;
let watch: RoleFileWatch | null = null;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "pgaas-agent-watch-"));
});
afterEach(async () => {
  watch?.close();
  await rm(root, { recursive: true, force: true });
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

describe("role file watch", () => {
  it("fires for standby.signal, postmaster.pid and the fence marker, not for other files", async () => {
    const data = join(root, "data");
    await mkdir(data);
    let changes = 0;
    watch = watchRoleFiles(data, join(root, "fenced"), () => {
      changes += 1;
    });
    await writeFile(join(data, "postgresql.auto.conf"), "x\n");
    await settle();
    expect(changes).toBe(0);
    await writeFile(join(data, "standby.signal"), "");
    await unlink(join(data, "standby.signal"));
    await settle();
    const afterSignal = changes;
    expect(afterSignal).toBeGreaterThanOrEqual(1);
    await writeFile(join(root, "fenced"), "");
    await settle();
    expect(changes).toBeGreaterThan(afterSignal);
  });

  it("re-arms when the data directory is replaced or appears later, and says so", async () => {
    const data = join(root, "data");
    let changes = 0;
    watch = watchRoleFiles(data, join(root, "fence", "fenced"), () => {
      changes += 1;
    });
    await mkdir(data);
    watch.refresh();
    await writeFile(join(data, "standby.signal"), "");
    await settle();
    expect(changes).toBeGreaterThanOrEqual(1);
    // A fresh clone: the directory is removed and created again.
    await rm(data, { recursive: true });
    await mkdir(data);
    const beforeRefresh = changes;
    watch.refresh();
    expect(changes).toBe(beforeRefresh + 1);
    await settle();
    const rearmed = changes;
    await writeFile(join(data, "standby.signal"), "");
    await unlink(join(data, "standby.signal"));
    await settle();
    expect(changes).toBeGreaterThan(rearmed);
  });
});
