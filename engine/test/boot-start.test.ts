// The boot-start script of a node, run for real by bash with its real library, against stand-ins for
// psql (what the peer and the witness answer), pg_ctl (running or not) and pg-service (records the
// start). Each case asserts the exact decision: exit code, fence marker, whether PostgreSQL starts.
import { execFile } from "node:child_process";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeMember } from "../src/index.js";
import { BOOT_PEER_ATTEMPTS, renderPostgresBootStart } from "../src/render/postgres-unit.js";
import { renderScriptLib } from "../src/render/scripts.js";
import { SPEC } from "./fixtures.js";

const n1 = nodeMember(SPEC, "n1");
let dir: string;

/** Replaces the value of one `readonly NAME=…` line of the rendered library. */
function setVar(lib: string, name: string, value: string): string {
  const pattern = new RegExp(`^readonly ${name}=.*$`, "m");
  if (!pattern.test(lib)) throw new Error(`no ${name} in the library`);
  return lib.replace(pattern, `readonly ${name}='${value}'`);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pgaas-boot-start-"));
  await mkdir(join(dir, "bin"));
  await mkdir(join(dir, "path"));
  let lib = renderScriptLib(SPEC, n1);
  lib = setVar(lib, "PGAAS_PG_BIN", join(dir, "bin"));
  lib = setVar(lib, "PGAAS_DATA_DIR", join(dir, "data"));
  lib = setVar(lib, "PGAAS_FENCE_MARKER", join(dir, "FENCED"));
  lib = setVar(lib, "PGAAS_LOG", join(dir, "scripts.log"));
  await writeFile(join(dir, "lib.sh"), lib);
  const script = renderPostgresBootStart(SPEC, n1)
    .replace(". /etc/pgaas/orders/n1/bin/pgaas-lib.sh", `. ${join(dir, "lib.sh")}`)
    .replace(
      "readonly PGAAS_PG_SERVICE=/etc/pgaas/orders/n1/bin/pg-service",
      `readonly PGAAS_PG_SERVICE=${join(dir, "pg-service")}`,
    );
  const executables: Record<string, string> = {
    "pg-boot-start": script,
    "pg-service": `#!/bin/bash\necho "$1" >>"${dir}/pg-service.calls"\n`,
    "bin/pg_ctl": `#!/bin/bash\n[ "$FAKE_PG_RUNNING" = yes ] && exit 0\nexit 3\n`,
    // Answers by host: 10.40.0.12 is the peer n2, 10.40.1.5 the witness; empty = unreachable.
    "bin/psql": `#!/bin/bash
host=""; while [ $# -gt 0 ]; do [ "$1" = -h ] && host=$2; shift; done
echo "$host" >>"${dir}/psql.calls"
case $host in 10.40.0.12) answer=$FAKE_PEER ;; 10.40.1.5) answer=$FAKE_WITNESS ;; *) answer="" ;; esac
[ -n "$answer" ] || exit 2
echo "$answer"
`,
    "path/sleep": "#!/bin/sh\nexit 0\n",
  };
  for (const [name, content] of Object.entries(executables)) {
    await writeFile(join(dir, name), content);
    await chmod(join(dir, name), 0o755);
  }
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Situation {
  readonly running?: boolean;
  readonly standby?: boolean;
  readonly fenced?: boolean;
  readonly peer?: "t" | "f";
  readonly witness?: "n1" | "n2";
}

interface Outcome {
  readonly code: number | null;
  readonly started: boolean;
  readonly marker: string | null;
  readonly peerProbes: number;
}

async function boot(situation: Situation): Promise<Outcome> {
  for (const file of ["data", "FENCED", "pg-service.calls", "psql.calls", "scripts.log"])
    await rm(join(dir, file), { recursive: true, force: true });
  await mkdir(join(dir, "data"));
  if (situation.standby) await writeFile(join(dir, "data", "standby.signal"), "");
  if (situation.fenced) await writeFile(join(dir, "FENCED"), "fenced by the watcher\n");
  const code = await new Promise<number | null>((resolve) => {
    execFile(
      join(dir, "pg-boot-start"),
      [],
      {
        timeout: 20_000,
        env: {
          PATH: `${join(dir, "path")}:${process.env.PATH ?? "/usr/bin:/bin"}`,
          FAKE_PG_RUNNING: situation.running ? "yes" : "no",
          FAKE_PEER: situation.peer ?? "",
          FAKE_WITNESS: situation.witness ?? "",
        },
      },
      (error) => resolve(error ? (typeof error.code === "number" ? error.code : null) : 0),
    );
  });
  const read = (name: string) => readFile(join(dir, name), "utf8").catch(() => null);
  const probes = (await read("psql.calls")) ?? "";
  return {
    code,
    started: (await read("pg-service.calls")) === "start\n",
    marker: await read("FENCED"),
    peerProbes: probes.split("\n").filter((host) => host === "10.40.0.12").length,
  };
}

describe("pg-boot-start on a node", () => {
  it("adopts a PostgreSQL that already runs and starts nothing", async () => {
    expect(await boot({ running: true, peer: "f" })).toEqual({
      code: 0,
      started: false,
      marker: null,
      peerProbes: 0,
    });
  });

  it("starts a standby without asking anyone", async () => {
    expect(await boot({ standby: true, peer: "f" })).toEqual({
      code: 0,
      started: true,
      marker: null,
      peerProbes: 0,
    });
  });

  it("hands a fenced node to pg-service, which refuses a fenced primary", async () => {
    expect(await boot({ fenced: true, peer: "t" })).toEqual({
      code: 0,
      started: true,
      marker: "fenced by the watcher\n",
      peerProbes: 0,
    });
  });

  it("fences itself when the peer answers as a writable primary", async () => {
    expect(await boot({ peer: "f", witness: "n1" })).toEqual({
      code: 3,
      started: false,
      marker: "fenced at boot: n2 is a writable primary\n",
      peerProbes: 1,
    });
  });

  it("starts as the primary when the peer answers as a standby", async () => {
    expect(await boot({ peer: "t", witness: "n2" })).toEqual({
      code: 0,
      started: true,
      marker: null,
      peerProbes: 1,
    });
  });

  it("fences itself when the peer is unreachable and the witness records the peer as the primary", async () => {
    expect(await boot({ witness: "n2" })).toEqual({
      code: 3,
      started: false,
      marker: "fenced at boot: the witness records n2 as the primary\n",
      peerProbes: 1,
    });
  });

  it("starts as the primary after the whole wait when only the witness answers, naming this node", async () => {
    expect(await boot({ witness: "n1" })).toEqual({
      code: 0,
      started: true,
      marker: null,
      peerProbes: BOOT_PEER_ATTEMPTS,
    });
  });

  it("stays down, unfenced, when neither the peer nor the witness answers", async () => {
    expect(await boot({})).toEqual({ code: 4, started: false, marker: null, peerProbes: BOOT_PEER_ATTEMPTS });
  });
});
