// The rendered bash programs: valid syntax, the reachability probe the fence watcher and the degrade
// command rely on behaves as intended against real sockets, and the VIP gate keepalived tracks opens
// only on a writable, unfenced node and is guarded by its heartbeat.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "@pgaas/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeMember } from "../src/members.js";
import { planNodeFiles, planWitnessFiles } from "../src/plan-files.js";
import { renderScriptLib, vipGateStaleMs } from "../src/render/scripts.js";
import { parsePairSpec } from "../src/spec.js";
import { SECRETS, SPEC, SPEC_INPUT } from "./fixtures.js";

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

  /** The node's rendered lib and keepalived check with its run, state and log paths moved into `dir`. */
  async function gateFiles(spec = SPEC): Promise<{ lib: string; check: string; gate: string; beat: string }> {
    const files = planNodeFiles(spec, "n1", SECRETS);
    const relocate = (text: string) =>
      text
        .replaceAll("/run/pgaas/orders/n1", `${dir}/run`)
        .replaceAll("/var/lib/pgaas/orders/n1", `${dir}/state`)
        .replaceAll("/var/log/pgaas/orders/n1", `${dir}/log`)
        .replaceAll("/etc/pgaas/orders/n1/bin", `${dir}/bin`)
        .replaceAll("/usr/lib/postgresql/15/bin", `${dir}/pgbin`);
    await rm(dir, { recursive: true, force: true });
    for (const sub of ["run", "state", "log", "bin", "pgbin"])
      await mkdir(join(dir, sub), { recursive: true });
    // psql answers what the file `writable` says (t or f), as PostgreSQL would to the writable query.
    await writeFile(join(dir, "pgbin", "psql"), `#!/bin/bash\ncat ${dir}/writable\n`, { mode: 0o755 });
    await writeFile(join(dir, "writable"), "f\n");
    const lib = join(dir, "bin", "pgaas-lib.sh");
    const check = join(dir, "bin", "keepalived-check");
    const content = (suffix: string) => relocate(files.find((f) => f.path.endsWith(suffix))?.content ?? "");
    await writeFile(lib, content("/bin/pgaas-lib.sh"));
    await writeFile(check, content("/bin/keepalived-check"));
    return { lib, check, gate: join(dir, "run", "vip-gate"), beat: join(dir, "run", "vip-gate.alive") };
  }

  /** Runs `body` after sourcing the lib with psql answering `writable` (t or f) to every query. */
  async function withLib(lib: string, writable: "t" | "f", body: string): Promise<void> {
    await run("bash", ["-c", `. ${lib}; pgaas_psql() { echo ${writable}; }; ${body}`]);
  }

  it("opens only while PostgreSQL is writable and no fence marker exists", async () => {
    const { lib, gate } = await gateFiles();
    await withLib(lib, "f", "pgaas_vip_gate_follow");
    expect(await readFile(gate, "utf8")).toBe("1\n");
    await withLib(lib, "t", "pgaas_vip_gate_follow");
    expect(await readFile(gate, "utf8")).toBe("0\n");
    await writeFile(join(dir, "state", "FENCED"), "fenced\n");
    await withLib(lib, "t", "pgaas_vip_gate_follow");
    expect(await readFile(gate, "utf8")).toBe("1\n");
  });

  it("is replaced only on change, so keepalived sees one event per change", async () => {
    const { lib, gate } = await gateFiles();
    await withLib(lib, "t", "pgaas_vip_gate open");
    const first = (await stat(gate)).ino;
    await withLib(lib, "t", "pgaas_vip_gate open");
    expect((await stat(gate)).ino).toBe(first);
    await withLib(lib, "t", "pgaas_vip_gate closed");
    expect((await stat(gate)).ino).not.toBe(first);
    expect(await readFile(gate, "utf8")).toBe("1\n");
    expect((await readdir(join(dir, "run"))).sort()).toEqual(["vip-gate"]);
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
