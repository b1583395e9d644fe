// The rendered bash programs: valid syntax, the reachability probe the fence watcher and the degrade
// command rely on behaves as intended against real sockets, and the VIP gate keepalived tracks opens
// only on a writable, unfenced node, is held only by the former primary that still has the VIP, and is
// guarded by its heartbeat.
import { execFile, spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "@pgaas/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memberLayout } from "../src/layout.js";
import { nodeMember } from "../src/members.js";
import { planNodeFiles, planWitnessFiles } from "../src/plan-files.js";
import {
  renderScriptLib,
  VIP_HOLD_MS,
  VIP_OPEN_PRIORITY_BONUS,
  vipGateStaleMs,
} from "../src/render/scripts.js";
import { parsePairSpec } from "../src/spec.js";
import { SECRETS, SPEC, SPEC_INPUT } from "./fixtures.js";
import { RELOCATED_DIRS, relocatedScripts } from "./relocated-scripts.js";

const run = promisify(execFile);

describe("rendered scripts", () => {
  it("are valid bash", async () => {
    const scripts = [...planNodeFiles(SPEC, "n1", SECRETS), ...planWitnessFiles(SPEC, SECRETS)].filter((f) =>
      f.path.includes("/bin/"),
    );
    expect(scripts.length).toBe(10);
    for (const script of scripts) {
      await expect(run("bash", ["-n", "-c", script.content]), script.path).resolves.toEqual({
        stdout: "",
        stderr: "",
      });
    }
  });
});

describe("pgaas_sees_a_peer", () => {
  let dir = "";
  let peerPort = 0;
  let witnessPort = 0;
  const servers: Server[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "pgaas-scripts-"));
    peerPort = await freePort();
    witnessPort = await freePort();
  });
  afterAll(async () => {
    for (const server of servers) server.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function listen(address: string, port: number): Promise<void> {
    const server = createServer((socket) => socket.end());
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(port, address, resolve));
  }

  async function seesAPeer(): Promise<string> {
    const spec = parsePairSpec({
      name: "probe",
      postgres: { port: peerPort },
      nodes: [
        { name: "n1", address: "127.0.0.2" },
        { name: "n2", address: "127.0.0.3" },
      ],
      witness: { name: "w", address: "127.0.0.4", port: witnessPort },
      endpoint: { kind: "load-balancer", address: "127.0.0.9", port: 5432 },
      network: { nodeCidr: "127.0.0.0/8" },
    });
    const lib = join(dir, "lib.sh");
    await writeFile(lib, renderScriptLib(spec, nodeMember(spec, "n1")));
    const { stdout } = await run("bash", [
      "-c",
      `. ${lib}; if pgaas_sees_a_peer; then echo seen; else echo alone; fi`,
    ]);
    return stdout.trim();
  }

  it("is alone when neither the standby nor the witness answers", async () => {
    expect(await seesAPeer()).toBe("alone");
  });

  it("sees the witness alone", async () => {
    await listen("127.0.0.4", witnessPort);
    expect(await seesAPeer()).toBe("seen");
  });

  it("sees the standby", async () => {
    await listen("127.0.0.3", peerPort);
    expect(await seesAPeer()).toBe("seen");
  });
});

describe("the VIP gate", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "pgaas-gate-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  interface GateFiles {
    readonly lib: string;
    readonly check: string;
    readonly gate: string;
    readonly priority: string;
    readonly beat: string;
  }

  /**
   * The node's rendered lib and keepalived check with its run, state and log paths moved into `dir`.
   * Stubs answer for the programs: psql what the file `writable` says (t or f), as PostgreSQL would to the
   * writable query; ip lists the VIP while the file `vip-here` exists.
   */
  async function gateFiles(spec = SPEC): Promise<GateFiles> {
    const files = planNodeFiles(spec, "n1", SECRETS);
    const relocate = (text: string) => relocatedScripts(text, memberLayout(spec, "n1"), dir);
    await rm(dir, { recursive: true, force: true });
    for (const sub of RELOCATED_DIRS) await mkdir(join(dir, sub), { recursive: true });
    await writeFile(join(dir, "pgbin", "psql"), `#!/bin/bash\ncat ${dir}/writable\n`, { mode: 0o755 });
    await writeFile(join(dir, "writable"), "f\n");
    await writeFile(
      join(dir, "pgbin", "ip"),
      `#!/bin/bash\n[ "$*" = "-o -4 addr show to 10.40.0.100/32" ] || exit 9\n[ -e ${dir}/vip-here ] && echo "2: eth0    inet 10.40.0.100/32 scope global eth0"\nexit 0\n`,
      { mode: 0o755 },
    );
    const lib = join(dir, "bin", "pgaas-lib.sh");
    const check = join(dir, "bin", "keepalived-check");
    const content = (suffix: string) => relocate(files.find((f) => f.path.endsWith(suffix))?.content ?? "");
    await writeFile(lib, content("/bin/pgaas-lib.sh"));
    await writeFile(check, content("/bin/keepalived-check"));
    const runDir = join(dir, "run");
    return {
      lib,
      check,
      gate: join(runDir, "vip-gate"),
      priority: join(runDir, "vip-priority"),
      beat: join(runDir, "vip-gate.alive"),
    };
  }

  /** Runs `body` after sourcing the lib with psql answering `writable` (t or f) to every query. */
  async function withLib(lib: string, writable: "t" | "f", body: string): Promise<void> {
    await run("bash", ["-c", `. ${lib}; pgaas_psql() { echo ${writable}; }; ${body}`]);
  }

  it("opens only while PostgreSQL is writable and no fence marker exists, raising the priority", async () => {
    const { lib, gate, priority } = await gateFiles();
    const files = async () => [await readFile(gate, "utf8"), await readFile(priority, "utf8")];
    await withLib(lib, "f", "pgaas_vip_gate_follow");
    expect(await files()).toEqual(["1\n", "0\n"]);
    await withLib(lib, "t", "pgaas_vip_gate_follow");
    expect(await files()).toEqual(["0\n", `${VIP_OPEN_PRIORITY_BONUS}\n`]);
    await writeFile(join(dir, "state", "FENCED"), "fenced\n");
    await withLib(lib, "t", "pgaas_vip_gate_follow");
    expect(await files()).toEqual(["1\n", "0\n"]);
    await withLib(lib, "f", "pgaas_vip_gate held");
    expect(await files()).toEqual(["0\n", "0\n"]);
    const log = await readFile(join(dir, "log", "pgaas-scripts.log"), "utf8");
    expect(log.split("\n").map((line) => line.split(" ").slice(2).join(" "))).toEqual([
      "VIP gate closed",
      "VIP gate open",
      "VIP gate closed",
      "VIP gate held",
      "",
    ]);
  });

  it("is replaced only on change, so keepalived sees one event per change", async () => {
    const { lib, gate, priority } = await gateFiles();
    await withLib(lib, "t", "pgaas_vip_gate open");
    const first = (await stat(gate)).ino;
    const firstPriority = (await stat(priority)).ino;
    await withLib(lib, "t", "pgaas_vip_gate open");
    expect((await stat(gate)).ino).toBe(first);
    expect((await stat(priority)).ino).toBe(firstPriority);
    await withLib(lib, "t", "pgaas_vip_gate held");
    expect((await stat(gate)).ino).toBe(first);
    expect((await stat(priority)).ino).not.toBe(firstPriority);
    await withLib(lib, "t", "pgaas_vip_gate closed");
    expect((await stat(gate)).ino).not.toBe(first);
    expect(await readFile(gate, "utf8")).toBe("1\n");
    expect((await readdir(join(dir, "run"))).sort()).toEqual(["vip-gate", "vip-priority"]);
  });

  it("may be held only by the unfenced former primary that still has the VIP, its postmaster gone, for a bounded time", async () => {
    const { lib } = await gateFiles();
    const mayHold = (lastWritableAgoMs: number) =>
      run("bash", ["-c", `. ${lib}; pgaas_vip_may_hold $(($(date +%s%3N) - ${lastWritableAgoMs}))`]).then(
        () => true,
        () => false,
      );
    const pidFile = join(dir, "state", "data", "postmaster.pid");
    await writeFile(join(dir, "vip-here"), "");
    expect(await mayHold(1000)).toBe(true);
    // Seen writable too long ago (or never, 0 at the watcher's start): the gate closes as before.
    expect(await mayHold(VIP_HOLD_MS + 1000)).toBe(false);
    await rm(join(dir, "vip-here"));
    expect(await mayHold(1000)).toBe(false);
    await writeFile(join(dir, "vip-here"), "");
    // A live postmaster (this process stands in), then a killed one its parent has not reaped yet.
    await writeFile(pidFile, `${process.pid}\n/var/lib/data\n`);
    expect(await mayHold(1000)).toBe(false);
    const zombie = await zombieProcess();
    try {
      await writeFile(pidFile, `${zombie.pid}\n/var/lib/data\n`);
      expect(await readFile(`/proc/${zombie.pid}/status`, "utf8")).toMatch(/^State:\s+Z/m);
      expect(await mayHold(1000)).toBe(true);
    } finally {
      zombie.end();
    }
    await rm(pidFile);
    await writeFile(join(dir, "state", "data", "standby.signal"), "");
    expect(await mayHold(1000)).toBe(false);
    await rm(join(dir, "state", "data", "standby.signal"));
    await writeFile(join(dir, "state", "FENCED"), "fenced\n");
    expect(await mayHold(1000)).toBe(false);
    await rm(join(dir, "state", "FENCED"));
    expect(await mayHold(1000)).toBe(true);
  });

  it("keepalived's check passes only with a fresh heartbeat and no fence marker", async () => {
    const { lib, check, beat } = await gateFiles();
    const passes = () =>
      run("bash", [check]).then(
        () => true,
        () => false,
      );
    // No beat yet (upgraded from the plain check, the old fence watcher still runs): the old check.
    expect(await passes()).toBe(false);
    await writeFile(join(dir, "writable"), "t\n");
    expect(await passes()).toBe(true);
    // From the first beat on, only the heartbeat counts: a standby's gate keeps the VIP away.
    await writeFile(join(dir, "writable"), "f\n");
    await withLib(lib, "t", "pgaas_vip_gate_beat");
    expect(await passes()).toBe(true);
    const staleSeconds = vipGateStaleMs(SPEC) / 1000 + 1;
    await utimes(beat, Date.now() / 1000 - staleSeconds, Date.now() / 1000 - staleSeconds);
    expect(await passes()).toBe(false);
    await withLib(lib, "t", "pgaas_vip_gate_beat");
    await writeFile(join(dir, "writable"), "t\n");
    await writeFile(join(dir, "state", "FENCED"), "fenced\n");
    expect(await passes()).toBe(false);
  });

  it("does not exist behind a load balancer", async () => {
    const { lib, gate } = await gateFiles(
      parsePairSpec({ ...SPEC_INPUT, endpoint: { kind: "load-balancer", address: "10.40.0.100" } }),
    );
    await withLib(lib, "t", "pgaas_vip_gate open; pgaas_vip_gate_beat");
    await expect(stat(gate)).rejects.toThrow(/ENOENT/);
    expect(await readdir(join(dir, "run"))).toEqual([]);
  });
});

/**
 * A zombie: a child that exits once its parent has exec'd into sleep, which never reaps it. `end` stops
 * the parent (the zombie goes with it).
 */
async function zombieProcess(): Promise<{ pid: number; end: () => void }> {
  const parent = spawn("bash", ["-c", '( sleep 0.3 ) & echo "$!"; exec sleep 30'], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  const pid = await new Promise<number>((resolve, reject) => {
    parent.stdout.once("data", (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    parent.once("error", reject);
  });
  const end = () => parent.kill("SIGKILL");
  try {
    for (let look = 0; look < 50; look += 1) {
      const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
      if (/^State:\s+Z/m.test(status)) return { pid, end };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } catch (error) {
    end();
    throw error;
  }
  end();
  throw new Error(`process ${pid} did not become a zombie within 2.5 s`);
}
