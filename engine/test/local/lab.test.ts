// The local host driver for real: namespaces, bridge, veths, sshd, faults, teardown.
import { execFile } from "node:child_process";
import { access, readFile, rm } from "node:fs/promises";
import { createServer, connect as tcpConnect } from "node:net";
import { promisify } from "node:util";
import { allocateSubnet, type SubnetClaim } from "@pgaas/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createLocalLab,
  destroyLab,
  LocalDriverError,
  type LocalLab,
  labStatus,
} from "../../src/local/index.js";
import { withSsh } from "../../src/ssh/index.js";
import { heal, hostExec, isolateHost, partition, restoreHost } from "../../src/testing/index.js";

const run = promisify(execFile);
const HOSTS = ["n1", "n2", "w"];
let claim: SubnetClaim;
let lab: LocalLab;

beforeAll(async () => {
  claim = await allocateSubnet({ prefix: "pgh", first: "10.231.0.0/24", count: 10 });
  await destroyLab(claim.stateDir);
  lab = await createLocalLab({
    prefix: claim.prefix,
    subnet: claim.subnet,
    hosts: HOSTS,
    stateDir: claim.stateDir,
  });
});

afterAll(async () => {
  try {
    await destroyLab(claim.stateDir);
  } finally {
    await claim.release();
  }
});

/** Can `from` (a lab host) open a TCP connection to address:port? Bounded by a 2 s timeout. */
async function hostReaches(from: string, address: string, port = 22): Promise<boolean> {
  const result = await hostExec(lab, from, [
    "timeout",
    "2",
    "bash",
    "-c",
    `exec 3<>/dev/tcp/${address}/${port}`,
  ]);
  return result.code === 0;
}

/** Can the host side (this process, root namespace) open a TCP connection to address:22? */
function hostSideReaches(address: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: address, port: 22, timeout: timeoutMs });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once("connect", () => done(true));
    socket.once("timeout", () => done(false));
    socket.once("error", () => done(false));
  });
}

async function isDead(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  return stat === "" || /\) Z /.test(stat);
}

/** A killed process exits when the scheduler runs it: wait for that (bounded, 5 s). */
async function waitUntilDead(pid: number): Promise<void> {
  for (let attempt = 0; attempt < 50 && !(await isDead(pid)); attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function reachability(): Promise<Record<string, boolean>> {
  const [n1, n2, w] = HOSTS.map((name) => lab.host(name).address) as [string, string, string];
  return {
    "n1→n2": await hostReaches("n1", n2),
    "n2→n1": await hostReaches("n2", n1),
    "n1→w": await hostReaches("n1", w),
    "n2→w": await hostReaches("n2", w),
    "host→n1": await hostSideReaches(n1),
    "host→n2": await hostSideReaches(n2),
  };
}

const ALL_REACHABLE = {
  "n1→n2": true,
  "n2→n1": true,
  "n1→w": true,
  "n2→w": true,
  "host→n1": true,
  "host→n2": true,
};

describe("createLocalLab", () => {
  it("gives each host its address on the subnet, the host side .1, and root over SSH with a pinned key", async () => {
    const base = claim.subnet.replace(".0/24", "");
    expect(lab.hostAddress).toBe(`${base}.1`);
    expect(lab.hosts.map((host) => [host.name, host.namespace, host.address, host.serviceManager])).toEqual([
      ["n1", `${claim.prefix}-n1`, `${base}.2`, "detached"],
      ["n2", `${claim.prefix}-n2`, `${base}.3`, "detached"],
      ["w", `${claim.prefix}-w`, `${base}.4`, "detached"],
    ]);
    for (const host of lab.hosts) {
      expect(host.ssh).toMatchObject({ host: host.address, port: 22, username: "root", label: host.name });
      expect(host.ssh.hostKeySha256).toMatch(/^[A-Za-z0-9+/]{43}$/);
      const result = await withSsh(host.ssh, (ssh) =>
        ssh.runChecked(
          ["sh", "-c", "id -u; ip -br -4 addr show dev eth0; sysctl -n net.ipv4.ip_nonlocal_bind"],
          {
            step: "whoami",
          },
        ),
      );
      const [uid, addr, nonlocal] = result.stdout.trim().split("\n");
      expect(uid).toBe("0");
      expect(addr?.split(/\s+/)[2]).toBe(`${host.address}/24`);
      expect(nonlocal).toBe("1");
    }
  });

  it("hosts reach each other and the host side over TCP", async () => {
    expect(await reachability()).toEqual(ALL_REACHABLE);
    const received = new Promise<string>((resolve) => {
      const server = createServer((socket) => {
        socket.setEncoding("utf8");
        let text = "";
        socket.on("data", (chunk: string) => {
          text += chunk;
        });
        socket.on("end", () => {
          server.close();
          resolve(text);
        });
      });
      server.listen(0, lab.hostAddress, async () => {
        const address = server.address();
        const port = typeof address === "object" && address ? address.port : 0;
        await hostExec(lab, "w", ["bash", "-c", `echo hello-from-w >/dev/tcp/${lab.hostAddress}/${port}`]);
      });
    });
    expect(await received).toBe("hello-from-w\n");
  });

  it("adds exactly one link to the root namespace", async () => {
    const { stdout } = await run("ip", ["-br", "link"]);
    const ours = stdout.split("\n").filter((line) => line.startsWith(`${claim.prefix}-`));
    expect(ours.map((line) => line.split(/\s+/)[0]?.split("@")[0])).toEqual([`${claim.prefix}-h`]);
  });

  it("is idempotent: a second run reuses namespaces, addresses, keys and the running sshds", async () => {
    const before = JSON.parse(await readFile(`${claim.stateDir}/lab.json`, "utf8"));
    const again = await createLocalLab({
      prefix: claim.prefix,
      subnet: claim.subnet,
      hosts: HOSTS,
      stateDir: claim.stateDir,
    });
    const after = JSON.parse(await readFile(`${claim.stateDir}/lab.json`, "utf8"));
    expect(after).toEqual(before);
    expect(again.hosts.map((host) => [host.name, host.address, host.ssh.hostKeySha256])).toEqual(
      lab.hosts.map((host) => [host.name, host.address, host.ssh.hostKeySha256]),
    );
    expect(await reachability()).toEqual(ALL_REACHABLE);
  });

  it("adds a host on a re-run without renumbering the others", async () => {
    const base = claim.subnet.replace(".0/24", "");
    const grown = await createLocalLab({
      prefix: claim.prefix,
      subnet: claim.subnet,
      hosts: ["x", ...HOSTS],
      stateDir: claim.stateDir,
    });
    expect(grown.hosts.map((host) => [host.name, host.address])).toEqual([
      ["x", `${base}.5`],
      ["n1", `${base}.2`],
      ["n2", `${base}.3`],
      ["w", `${base}.4`],
    ]);
    expect(await hostReaches("n1", `${base}.5`)).toBe(true);
  });

  it("repairs a host whose sshd died", async () => {
    const record = JSON.parse(await readFile(`${claim.stateDir}/lab.json`, "utf8"));
    const n2 = record.hosts.find((host: { name: string }) => host.name === "n2");
    process.kill(n2.sshdPid, "SIGKILL");
    await waitUntilDead(n2.sshdPid);
    expect(await hostSideReaches(lab.host("n2").address)).toBe(false);
    await createLocalLab({
      prefix: claim.prefix,
      subnet: claim.subnet,
      hosts: HOSTS,
      stateDir: claim.stateDir,
    });
    expect(await hostSideReaches(lab.host("n2").address)).toBe(true);
  });

  it("refuses another subnet for the same state directory", async () => {
    await expect(
      createLocalLab({
        prefix: claim.prefix,
        subnet: "10.231.99.0/24",
        hosts: HOSTS,
        stateDir: claim.stateDir,
      }),
    ).rejects.toThrow(
      `holds lab ${claim.prefix} on ${claim.subnet}; destroy it before reusing the directory`,
    );
  });

  it("refuses a state directory under a world-writable parent (sshd would refuse the key)", async () => {
    const unsafe = `/tmp/${claim.prefix}-unsafe-${process.pid}`;
    try {
      const failure = await createLocalLab({
        prefix: "pghu",
        subnet: "10.231.98.0/24",
        hosts: ["n1"],
        stateDir: unsafe,
      }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(LocalDriverError);
      expect((failure as LocalDriverError).code).toBe("invalid_options");
      expect((failure as LocalDriverError).message).toContain(
        "/tmp is not root-owned or is group/world-writable",
      );
    } finally {
      await rm(unsafe, { recursive: true, force: true });
    }
  });

  it("says needs_root when not root", async () => {
    const script = [
      'import { createLocalLab } from "./engine/src/local/index.ts";',
      'createLocalLab({ prefix: "pghr", subnet: "10.231.97.0/24", hosts: ["n1"], stateDir: "/run/pgaas-lab/pghr" })',
      '  .catch((error) => { process.stdout.write(error.code + ": " + error.message); });',
    ].join("\n");
    const { stdout } = await run(
      "runuser",
      [
        "-u",
        "nobody",
        "--",
        process.execPath,
        "--conditions=pgaas-source",
        "--import",
        "tsx",
        "--input-type=module",
        "-e",
        script,
      ],
      { cwd: process.cwd(), env: { ...process.env, HOME: "/tmp" }, timeout: 60_000 },
    );
    expect(stdout).toBe(
      "needs_root: the local host driver creates network namespaces and needs root on Linux (run as root, e.g. sudo)",
    );
  });
});

describe("faults", () => {
  it("isolateHost makes a host vanish silently and restoreHost brings it back", async () => {
    await isolateHost(lab, "n2");
    await isolateHost(lab, "n2");
    try {
      expect(await reachability()).toEqual({
        ...ALL_REACHABLE,
        "n1→n2": false,
        "n2→n1": false,
        "n2→w": false,
        "host→n2": false,
      });
      // Silent: no refusal, the connection attempt just times out.
      const started = Date.now();
      expect(await hostSideReaches(lab.host("n2").address, 1500)).toBe(false);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
      const status = await labStatus(claim.stateDir);
      expect(status?.hosts.map((host) => [host.name, host.linkUp])).toEqual([
        ["n1", true],
        ["n2", false],
        ["w", true],
        ["x", true],
      ]);
    } finally {
      await restoreHost(lab, "n2");
    }
    await restoreHost(lab, "n2");
    expect(await reachability()).toEqual(ALL_REACHABLE);
  });

  it("partition cuts only a↔b, heal restores it; both are idempotent", async () => {
    await partition(lab, "n1", "n2");
    await partition(lab, "n1", "n2");
    try {
      expect(await reachability()).toEqual({ ...ALL_REACHABLE, "n1→n2": false, "n2→n1": false });
      const status = await labStatus(claim.stateDir);
      expect(status?.hosts.map((host) => [host.name, host.blackholes])).toEqual([
        ["n1", [lab.host("n2").address]],
        ["n2", [lab.host("n1").address]],
        ["w", []],
        ["x", []],
      ]);
    } finally {
      await heal(lab, "n1", "n2");
    }
    await heal(lab, "n1", "n2");
    expect(await reachability()).toEqual(ALL_REACHABLE);
  });
});

describe("destroy", () => {
  it("leaves no namespace, no link, no process and no state file; a second destroy is a no-op", async () => {
    const extra: number[] = [];
    for (const name of ["n1", "w"]) {
      const { stdout } = await withSsh(lab.host(name).ssh, (ssh) =>
        ssh.runChecked("setsid sleep 600 </dev/null >/dev/null 2>&1 & echo $!", { step: "spawn" }),
      );
      extra.push(Number(stdout.trim()));
    }
    const record = JSON.parse(await readFile(`${claim.stateDir}/lab.json`, "utf8"));
    const pids: number[] = [...extra, ...record.hosts.map((host: { sshdPid: number }) => host.sshdPid)];
    expect(pids).toHaveLength(6);

    await lab.destroy();

    const namespaces = (await run("ip", ["netns", "list"])).stdout;
    expect(namespaces.split("\n").filter((line) => line.startsWith(`${claim.prefix}-`))).toEqual([]);
    const links = (await run("ip", ["-br", "link"])).stdout;
    expect(links.split("\n").filter((line) => line.startsWith(`${claim.prefix}-`))).toEqual([]);
    for (const pid of pids) expect(await isDead(pid)).toBe(true);
    await expect(access(`${claim.stateDir}/lab.json`)).rejects.toThrow("ENOENT");
    await lab.destroy();
  });
});
