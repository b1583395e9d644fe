// The standby's upstream watch (render/upstream-watch.ts), run for real in bash: a sleeping process stands
// in for the walreceiver, a TCP server on loopback for the upstream's PostgreSQL port (closed: refused),
// and a process named repmgrd counts the SIGHUPs it gets.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "@pgaas/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { memberLayout } from "../src/layout.js";
import { planNodeFiles } from "../src/plan-files.js";
import { UPSTREAM_WATCH_SECS } from "../src/render/upstream-watch.js";
import { parsePairSpec } from "../src/spec.js";
import { SECRETS } from "./fixtures.js";
import { RELOCATED_DIRS, relocatedScripts } from "./relocated-scripts.js";

const run = promisify(execFile);
const UPSTREAM = "127.0.0.3";
/** The watch's bound in these tests, instead of UPSTREAM_WATCH_SECS. */
const TEST_WATCH_SECS = 2;

describe("the upstream watch", () => {
  let dir = "";
  let port = 0;
  let lib = "";
  let hook = "";
  let repmgrd: ChildProcess | undefined;
  let upstream: { server: Server; sockets: Set<Socket>; accepted: number } | undefined;
  let walreceiver: ChildProcess | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "pgaas-upstream-watch-"));
    port = await freePort();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    const spec = parsePairSpec({
      name: "watch",
      postgres: { port },
      nodes: [
        { name: "n1", address: "127.0.0.2" },
        { name: "n2", address: UPSTREAM },
      ],
      witness: { name: "w", address: "127.0.0.4", port: await freePort() },
      endpoint: { kind: "load-balancer", address: "127.0.0.9", port: 5432 },
      network: { nodeCidr: "127.0.0.0/8" },
    });
    const files = planNodeFiles(spec, "n1", SECRETS);
    const relocate = (text: string) =>
      relocatedScripts(text, memberLayout(spec, "n1"), dir).replaceAll(
        `PGAAS_UPSTREAM_WATCH_SECS=${UPSTREAM_WATCH_SECS}`,
        `PGAAS_UPSTREAM_WATCH_SECS=${TEST_WATCH_SECS}`,
      );
    const content = (suffix: string) => relocate(files.find((f) => f.path.endsWith(suffix))?.content ?? "");
    await rm(dir, { recursive: true, force: true });
    for (const sub of RELOCATED_DIRS) await mkdir(join(dir, sub), { recursive: true });
    lib = join(dir, "bin", "pgaas-lib.sh");
    hook = join(dir, "bin", "event-hook");
    await writeFile(lib, content("/bin/pgaas-lib.sh"));
    await writeFile(hook, content("/bin/event-hook"));
    expect(await readFile(lib, "utf8")).toContain(`PGAAS_UPSTREAM_WATCH_SECS=${TEST_WATCH_SECS}`);
    // psql answers repmgr.get_repmgrd_pid() with the PID the file holds.
    await writeFile(join(dir, "pgbin", "psql"), `#!/bin/bash\ncat ${dir}/repmgrd-pid\n`, { mode: 0o755 });
    await writeFile(join(dir, "state", "data", "standby.signal"), "");
    repmgrd = await fakeRepmgrd();
    upstream = await listen();
  });

  afterEach(async () => {
    repmgrd?.kill("SIGKILL");
    walreceiver?.kill("SIGKILL");
    await closeUpstream();
  });

  /** A process named repmgrd that logs each SIGHUP, its PID where psql's stand-in reads it. */
  async function fakeRepmgrd(): Promise<ChildProcess> {
    const path = join(dir, "repmgrd");
    await writeFile(path, `#!/bin/bash\ntrap 'echo hup >>${dir}/hups' HUP\nwhile :; do sleep 0.05; done\n`, {
      mode: 0o755,
    });
    const child = spawn(path, [], { stdio: "ignore" });
    await writeFile(join(dir, "repmgrd-pid"), `${child.pid}\n`);
    for (let look = 0; look < 50; look += 1) {
      const comm = await readFile(`/proc/${child.pid}/comm`, "utf8").catch(() => "");
      if (comm.trim() === "repmgrd") return child;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill("SIGKILL");
    throw new Error("the stand-in repmgrd did not start within 1 s");
  }

  async function listen(): Promise<{ server: Server; sockets: Set<Socket>; accepted: number }> {
    const state = { server: createServer(), sockets: new Set<Socket>(), accepted: 0 };
    state.server.on("connection", (socket) => {
      state.accepted += 1;
      state.sockets.add(socket);
      socket.on("close", () => state.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => state.server.listen(port, UPSTREAM, resolve));
    return state;
  }

  /** The upstream's postmaster is gone: its port refuses. */
  async function closeUpstream(): Promise<void> {
    const current = upstream;
    upstream = undefined;
    if (!current) return;
    for (const socket of current.sockets) socket.destroy();
    await new Promise<void>((resolve) => current.server.close(() => resolve()));
  }

  /** Starts one watch on a stand-in walreceiver; `ended` settles when the watch returns. */
  function startWatch(): { ended: Promise<void> } {
    walreceiver = spawn("sleep", ["60"], { stdio: "ignore" });
    const ended = run("bash", ["-c", `. ${lib}; pgaas_upstream_watch ${walreceiver.pid}`], {
      timeout: 10_000,
    }).then(() => undefined);
    return { ended };
  }

  /** The walreceiver exits (its stream closed) once the watch is surely looking. */
  async function walreceiverExits(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const child = walreceiver;
    if (!child) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }

  /** One whole watch: it starts, its walreceiver exits, it returns, and a wake would have landed. */
  async function watchThroughWalreceiverExit(): Promise<void> {
    const watch = startWatch();
    await walreceiverExits();
    await watch.ended;
    await settle();
  }

  const hups = () => readFile(join(dir, "hups"), "utf8").catch(() => "");
  /** Waits long enough for a trap in the stand-in (it runs between 0.05 s sleeps). */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 300));
  const scriptsLog = () => readFile(join(dir, "log", "pgaas-scripts.log"), "utf8").catch(() => "");

  it("wakes repmgrd once the walreceiver exits and the upstream's port refuses", async () => {
    await closeUpstream();
    await watchThroughWalreceiverExit();
    expect(await hups()).toBe("hup\n");
    expect(await scriptsLog()).toContain(
      `upstream PostgreSQL gone: woke repmgrd ${repmgrd?.pid} to check it now`,
    );
  });

  it("leaves repmgrd alone when the upstream's port still accepts (a shutdown in progress)", async () => {
    await watchThroughWalreceiverExit();
    expect(await hups()).toBe("");
    // Five looks 0.1 s apart, each closed at once: nothing is left open on the upstream.
    expect(upstream?.accepted).toBe(5);
    expect(upstream?.sockets.size).toBe(0);
  });

  it("holds no connection to the upstream while the walreceiver lives, and ends at its bound", async () => {
    const started = Date.now();
    const watch = startWatch();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(upstream?.accepted).toBe(0);
    await watch.ended;
    expect(Date.now() - started).toBeGreaterThanOrEqual((TEST_WATCH_SECS - 1) * 1000);
    expect(upstream?.accepted).toBe(0);
    expect(await hups()).toBe("");
  });

  it("never wakes repmgrd once the event hook marked the upstream lost, until an event says it is back", async () => {
    await run("bash", [hook, "repmgrd_upstream_disconnect", "1", "1"]);
    await expect(stat(join(dir, "run", "upstream-lost"))).resolves.toBeTruthy();
    await closeUpstream();
    await watchThroughWalreceiverExit();
    expect(await hups()).toBe("");
    await run("bash", [hook, "repmgrd_failover_follow", "1", "2"]);
    await expect(stat(join(dir, "run", "upstream-lost"))).rejects.toThrow(/ENOENT/);
    await run("bash", ["-c", `. ${lib}; pgaas_wake_repmgrd`]);
    await settle();
    expect(await hups()).toBe("hup\n");
  });

  it("wakes only repmgrd, and only on a standby", async () => {
    await rm(join(dir, "state", "data", "standby.signal"));
    await run("bash", ["-c", `. ${lib}; pgaas_wake_repmgrd`]);
    await writeFile(join(dir, "state", "data", "standby.signal"), "");
    const other = spawn("sleep", ["30"], { stdio: "ignore" });
    try {
      await writeFile(join(dir, "repmgrd-pid"), `${other.pid}\n`);
      await run("bash", ["-c", `. ${lib}; pgaas_wake_repmgrd`]);
      expect(other.exitCode).toBe(null);
      expect(other.signalCode).toBe(null);
    } finally {
      other.kill("SIGKILL");
    }
    await settle();
    expect(await hups()).toBe("");
  });

  it("the hook's mark waits for a wake in progress (both take one lock)", async () => {
    const lock = join(dir, "run", "repmgrd-wake.lock");
    const released = join(dir, "released");
    const holder = spawn("flock", [lock, "bash", "-c", `sleep 0.5; : >${released}`], { stdio: "ignore" });
    try {
      for (let look = 0; look < 50; look += 1) {
        const { stdout } = await run("bash", ["-c", `flock -n ${lock} true && echo free || echo held`]);
        if (stdout.trim() === "held") break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await run("bash", [hook, "repmgrd_upstream_disconnect", "1", "1"]);
      await expect(stat(released)).resolves.toBeTruthy();
      await expect(stat(join(dir, "run", "upstream-lost"))).resolves.toBeTruthy();
    } finally {
      holder.kill("SIGKILL");
    }
  });
});
