// The standby's upstream watch (render/upstream-watch.ts), run for real in bash: a TCP server on loopback
// stands in for the upstream's PostgreSQL port, and a process named repmgrd counts the SIGHUPs it gets.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "@pgaas/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
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
  let upstream: { server: Server; sockets: Set<Socket> } | undefined;

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
      relocatedScripts(text, spec.name, "n1", dir).replaceAll(
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

  async function listen(): Promise<{ server: Server; sockets: Set<Socket> }> {
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(port, UPSTREAM, resolve));
    return { server, sockets };
  }

  /** The upstream's postmaster dies: its connections close and its port refuses. */
  async function closeUpstream(): Promise<void> {
    const current = upstream;
    upstream = undefined;
    if (!current) return;
    for (const socket of current.sockets) socket.destroy();
    await new Promise<void>((resolve) => current.server.close(() => resolve()));
  }

  /** Starts one watch and waits until its connection reached the upstream; `ended` settles when it returns. */
  async function startWatch(): Promise<{ ended: Promise<void> }> {
    const ended = run("bash", ["-c", `. ${lib}; pgaas_upstream_watch`], { timeout: 10_000 }).then(
      () => undefined,
    );
    for (let look = 0; look < 100 && (upstream?.sockets.size ?? 0) === 0; look += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(upstream?.sockets.size).toBe(1);
    return { ended };
  }

  const hups = () => readFile(join(dir, "hups"), "utf8").catch(() => "");
  /** Waits long enough for a trap in the stand-in (it runs between 0.05 s sleeps). */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 300));
  const scriptsLog = () => readFile(join(dir, "log", "pgaas-scripts.log"), "utf8").catch(() => "");

  it("wakes repmgrd once the upstream closes the connection and then refuses one", async () => {
    const watch = await startWatch();
    await closeUpstream();
    await watch.ended;
    await settle();
    expect(await hups()).toBe("hup\n");
    expect(await scriptsLog()).toContain(
      `upstream PostgreSQL gone: woke repmgrd ${repmgrd?.pid} to check it now`,
    );
  });

  it("leaves repmgrd alone when the upstream closes the connection but still accepts (authentication_timeout)", async () => {
    const watch = await startWatch();
    for (const socket of upstream?.sockets ?? []) socket.destroy();
    await watch.ended;
    await settle();
    expect(await hups()).toBe("");
  });

  it("gives its connection up after its bound while the upstream lives, and wakes no one", async () => {
    const started = Date.now();
    await (await startWatch()).ended;
    expect(Date.now() - started).toBeGreaterThanOrEqual(TEST_WATCH_SECS * 1000 - 100);
    expect(upstream?.sockets.size).toBe(0);
    expect(await hups()).toBe("");
  });

  it("never wakes repmgrd once the event hook marked the upstream lost, until an event says it is back", async () => {
    await run("bash", [hook, "repmgrd_upstream_disconnect", "1", "1"]);
    await expect(stat(join(dir, "run", "upstream-lost"))).resolves.toBeTruthy();
    const watch = await startWatch();
    await closeUpstream();
    await watch.ended;
    await settle();
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
