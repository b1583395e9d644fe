// Detached service control against a real lab host over SSH: real daemons, real PID files.
import { rm } from "node:fs/promises";
import { Secret } from "@pgaas/common";
import { withLab } from "@pgaas/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detachedServices, type ServiceDef } from "../../src/services/index.js";
import { connectSsh, SshCommandError, type SshSession } from "../../src/ssh/index.js";
import { hostExec } from "../../src/testing/index.js";

const fixture = withLab({ range: { prefix: "pgh", first: "10.231.0.0/24", count: 10 }, hosts: ["n1"] });
// Lab hosts share the machine's filesystem: paths here are the same inside n1 (per process, so two
// runs of this file at once never share them).
const DIR = `/run/pgaas-test-services-${process.pid}`;
let ssh: SshSession;

beforeAll(async () => {
  ssh = await connectSsh(fixture.lab.host("n1").ssh);
  await ssh.runChecked(["sh", "-c", 'rm -rf "$1" && mkdir -p "$1/logs" "$1/run"', "prepare", DIR], {
    step: "prepare",
  });
});

afterAll(async () => {
  await ssh?.close();
  await rm(DIR, { recursive: true, force: true });
});

function sleeper(name: string, extra: Partial<ServiceDef> = {}): ServiceDef {
  return {
    name,
    argv: ["/bin/sh", "-c", 'echo "started as $(id -un) in $(pwd) with X=$X"; exec sleep 600'],
    user: "nobody",
    workingDir: "/",
    logFile: `${DIR}/logs/${name}.log`,
    pidFile: `${DIR}/run/${name}.pid`,
    env: { X: "1" },
    ...extra,
  };
}

async function processState(pid: number): Promise<string> {
  const result = await hostExec(fixture.lab, "n1", [
    "sh",
    "-c",
    `sed 's/^.*) //' /proc/${pid}/stat 2>/dev/null | cut -c1`,
  ]);
  // An empty answer must mean "no such process", never a failed look.
  if (result.code !== 0) throw new Error(`reading the state of ${pid} in n1 failed: ${result.stderr}`);
  return result.stdout.trim();
}

describe("detachedServices", () => {
  it("starts a daemon as its user, reports it, is idempotent, and stops it", async () => {
    const services = detachedServices(ssh);
    const def = sleeper("sleeper");
    expect(await services.ensureRunning(def)).toEqual({ changed: true });
    const status = await services.status(def);
    expect(status.running).toBe(true);
    const pid = status.pid as number;
    expect(["S", "R"]).toContain(await processState(pid));
    const owner = await hostExec(fixture.lab, "n1", ["stat", "-c", "%U", `/proc/${pid}`]);
    expect(owner.stdout).toBe("nobody\n");
    expect(await ssh.readFile(def.logFile)).toBe("started as nobody in / with X=1\n");

    expect(await services.ensureRunning(def)).toEqual({ changed: false });
    expect(await services.status(def)).toEqual({ running: true, pid });

    expect(await services.stop(def, { timeoutMs: 5000 })).toEqual({ changed: true });
    expect(await services.status(def)).toEqual({ running: false });
    expect(["", "Z"]).toContain(await processState(pid));
    expect(await services.stop(def)).toEqual({ changed: false });
  });

  it("restarts when the definition changed (env included) and on restart()", async () => {
    const services = detachedServices(ssh);
    const def = sleeper("changing", { env: { X: "1", TOKEN: new Secret("a") } });
    await services.ensureRunning(def);
    const first = (await services.status(def)).pid;
    expect(await services.ensureRunning({ ...def, env: { X: "2", TOKEN: new Secret("a") } })).toEqual({
      changed: true,
    });
    const second = (await services.status(def)).pid;
    expect(second).not.toBe(first);
    expect(await services.ensureRunning({ ...def, env: { X: "2", TOKEN: new Secret("b") } })).toEqual({
      changed: true,
    });
    const third = (await services.status(def)).pid;
    expect(third).not.toBe(second);
    await services.restart({ ...def, env: { X: "2", TOKEN: new Secret("b") } });
    const fourth = (await services.status(def)).pid;
    expect(fourth).not.toBe(third);
    // runuser adds a "Terminated" line when its child is stopped; the daemon's own lines are these:
    const log = (await ssh.readFile(def.logFile)) ?? "";
    expect(log.split("\n").filter((line) => line.startsWith("started"))).toEqual([
      "started as nobody in / with X=1",
      "started as nobody in / with X=2",
      "started as nobody in / with X=2",
      "started as nobody in / with X=2",
    ]);
    await services.stop(def);
  });

  it("supports daemons that write their own pidfile and daemons that fork", async () => {
    const services = detachedServices(ssh);
    const writes: ServiceDef = {
      ...sleeper("writes-pid"),
      user: "root",
      argv: ["/bin/sh", "-c", `sleep 0.3; echo $$ > ${DIR}/run/writes-pid.pid; exec sleep 600`],
      pidFileWrittenByDaemon: true,
    };
    const forks: ServiceDef = {
      ...sleeper("forks"),
      user: "root",
      argv: ["/bin/sh", "-c", `sleep 600 </dev/null >/dev/null 2>&1 & echo $! > ${DIR}/run/forks.pid`],
      daemonizes: true,
    };
    for (const def of [writes, forks]) {
      expect(await services.ensureRunning(def)).toEqual({ changed: true });
      const status = await services.status(def);
      expect(status.running).toBe(true);
      expect(await services.ensureRunning(def)).toEqual({ changed: false });
      expect(await services.stop(def)).toEqual({ changed: true });
      expect(await services.status(def)).toEqual({ running: false });
    }
  });

  it("treats a zombie in the pidfile as stopped and starts a fresh daemon", async () => {
    const services = detachedServices(ssh);
    const def = sleeper("zombie");
    // A zombie: the child exits only once its parent has exec'd into sleep, which never reaps it. (A
    // child that exits at once was sometimes reaped by the shell before its exec, about 1 in 20 runs.)
    // The command returns once the maker has left this SSH session (setsid) and written the pidfile.
    const child =
      'i=0; while [ "$(cat /proc/$PPID/comm)" != sleep ] && [ "$i" -lt 200 ]; do sleep 0.05; i=$((i + 1)); done';
    const made = await ssh.runChecked(
      [
        "sh",
        "-c",
        `setsid sh -c 'sh -c "$2" zombie-child & echo $! > "$1"; exec sleep 600' zombie-maker "$1" "$2" </dev/null >/dev/null 2>&1 &
i=0
while [ ! -s "$1" ] && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
cat "$1"`,
        "x",
        def.pidFile,
        child,
      ],
      { step: "make zombie" },
    );
    const zombiePid = Number(made.stdout.trim());
    expect(Number.isInteger(zombiePid) && zombiePid > 0).toBe(true);
    // The child needs a moment to see its parent's exec: wait (bounded) for it to exit.
    for (let attempt = 0; attempt < 100 && (await processState(zombiePid)) !== "Z"; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await processState(zombiePid)).toBe("Z");
    expect(await services.status(def)).toEqual({ running: false });
    expect(await services.ensureRunning(def)).toEqual({ changed: true });
    const status = await services.status(def);
    expect(status.running).toBe(true);
    expect(status.pid).not.toBe(zombiePid);
    await services.stop(def);
    // The zombie's parent (sleep 600) goes with the lab: teardown kills every process in n1 by PID.
  });

  it("escalates to KILL when the daemon ignores the stop signal", async () => {
    const services = detachedServices(ssh);
    const def = sleeper("stubborn", { argv: ["/bin/sh", "-c", "trap '' TERM; exec sleep 600"] });
    await services.ensureRunning(def);
    const pid = (await services.status(def)).pid as number;
    const started = Date.now();
    expect(await services.stop(def, { signal: "TERM", timeoutMs: 500 })).toEqual({ changed: true });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(["", "Z"]).toContain(await processState(pid));
  });

  it("stops with the service's own stop signal when none is given", async () => {
    const services = detachedServices(ssh);
    // Ignores TERM, dies on INT: only the declared stop signal stops it before the KILL deadline.
    const def = sleeper("int-stops", {
      argv: ["/bin/sh", "-c", "trap '' TERM; exec sleep 600"],
      stopSignal: "INT",
    });
    await services.ensureRunning(def);
    const started = Date.now();
    expect(await services.stop(def, { timeoutMs: 10_000 })).toEqual({ changed: true });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await services.status(def)).toEqual({ running: false });
  });

  it("fails with the log tail when the daemon does not stay up", async () => {
    const services = detachedServices(ssh);
    const def = sleeper("crashes", {
      argv: ["/bin/sh", "-c", "echo config is broken; exit 3"],
      startTimeoutMs: 1000,
    });
    let failure: unknown;
    try {
      await services.ensureRunning(def);
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(SshCommandError);
    expect((failure as SshCommandError).stderrTail).toBe(
      `did not stay up; last lines of ${DIR}/logs/crashes.log:\nconfig is broken\n`,
    );
  });

  it("rejects definitions that cannot work", async () => {
    const services = detachedServices(ssh);
    await expect(services.ensureRunning(sleeper("Bad Name"))).rejects.toThrow("service name must match");
    await expect(services.ensureRunning(sleeper("rel", { argv: ["sleep", "1"] }))).rejects.toThrow(
      "service rel: argv[0] must be an absolute path",
    );
  });
});
