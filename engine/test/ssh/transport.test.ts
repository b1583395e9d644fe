// The SSH transport against a real sshd in a lab host (network namespace).

import { rm } from "node:fs/promises";
import { Secret } from "@pgaas/common";
import { withLab } from "@pgaas/testing";
import { utils } from "ssh2";
import { afterAll, describe, expect, it } from "vitest";
import {
  connectSsh,
  createSshPool,
  hostKeyFingerprint,
  SshAuthError,
  SshCommandError,
  SshDisconnectedError,
  type SshError,
  SshHostKeyError,
  SshTimeoutError,
  SshUnreachableError,
  withSsh,
} from "../../src/ssh/index.js";
import { hostExec, isolateHost, restoreHost } from "../../src/testing/index.js";

const fixture = withLab({ range: { prefix: "pgh", first: "10.231.0.0/24", count: 10 }, hosts: ["n1", "n2"] });
const target = () => fixture.lab.host("n1").ssh;
// Lab hosts share the machine's filesystem: this directory is the same on the host side and in n1
// (and per process, so two runs of this file at once never share it).
const TEST_DIR = `/run/pgaas-test-ssh-${process.pid}`;
afterAll(() => rm(TEST_DIR, { recursive: true, force: true }));

async function rejection(promise: Promise<unknown>): Promise<SshError> {
  try {
    await promise;
  } catch (error) {
    return error as SshError;
  }
  throw new Error("expected a rejection");
}

describe("run", () => {
  it("returns stdout, stderr and the exit code", async () => {
    const result = await withSsh(target(), (ssh) =>
      ssh.run("echo out; echo err >&2; exit 3", { step: "probe", timeoutMs: 5000 }),
    );
    expect(result).toEqual({ stdout: "out\n", stderr: "err\n", code: 3 });
  });

  it("keeps awkward arguments intact (one quoting helper)", async () => {
    const args = ["it's", 'say "hi"', "$HOME", "`id`", "a\nb", "ünï", "-n", "*", ";rm -rf /"];
    const result = await withSsh(target(), (ssh) =>
      ssh.runChecked(["printf", "%s|", ...args], { step: "quote" }),
    );
    expect(result.stdout).toBe(`${args.join("|")}|`);
  });

  it("throws SshCommandError with the exit code and the last 2 KB of stderr", async () => {
    const error = await rejection(
      withSsh(target(), (ssh) =>
        ssh.runChecked("head -c 5000 /dev/zero | tr '\\0' x >&2; echo END >&2; exit 7", {
          step: "fail.step",
        }),
      ),
    );
    expect(error).toBeInstanceOf(SshCommandError);
    const commandError = error as SshCommandError;
    expect(commandError.exitCode).toBe(7);
    expect(commandError.code).toBe("ssh_command_failed");
    expect(commandError.host).toBe("n1");
    expect(commandError.step).toBe("fail.step");
    expect(commandError.stderrTail).toBe(`…${"x".repeat(2044)}END\n`);
    expect(commandError.message.startsWith("n1: fail.step: command failed (exit 7): …xxx")).toBe(true);
  });

  it("closes stdin unless stdin is given, and feeds it when it is", async () => {
    await withSsh(target(), async (ssh) => {
      expect(await ssh.runChecked(["cat"], { step: "no stdin", timeoutMs: 5000 })).toEqual({
        stdout: "",
        stderr: "",
        code: 0,
      });
      const bytes = "line 1\n'quoted' $x\n\u0001\u00ff end";
      expect((await ssh.runChecked(["cat"], { step: "stdin", stdin: bytes })).stdout).toBe(bytes);
    });
  });

  it("passes env values (secrets too) without putting them on a command line", async () => {
    const value = "pa$$ 'w\"ord\nline2";
    const result = await withSsh(target(), (ssh) =>
      ssh.runChecked(
        `printf '%s' "$PGPASSWORD"; echo; tr '\\0' ' ' < /proc/$PPID/cmdline; tr '\\0' ' ' < /proc/$$/cmdline`,
        {
          step: "env",
          env: { PGPASSWORD: new Secret(value), OTHER: "1" },
        },
      ),
    );
    const [printed, ...commandLines] = result.stdout.split("\nline2\n");
    expect(printed).toBe("pa$$ 'w\"ord");
    expect(commandLines.join("")).not.toContain("pa$$");
  });

  it("runs many commands concurrently on one connection", async () => {
    const outputs = await withSsh(target(), (ssh) =>
      Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          ssh.runChecked(["echo", String(index)], { step: `echo ${index}` }),
        ),
      ),
    );
    expect(outputs.map((result) => result.stdout)).toEqual(
      Array.from({ length: 20 }, (_, index) => `${index}\n`),
    );
  });

  it("kills the remote command on timeout and throws SshTimeoutError", async () => {
    const pidFile = `${TEST_DIR}/timeout.pid`;
    await hostExec(fixture.lab, "n1", ["mkdir", "-p", TEST_DIR]);
    const started = Date.now();
    const error = await rejection(
      withSsh(target(), (ssh) =>
        ssh.run(["sh", "-c", 'echo $$ > "$1"; exec sleep 300', "sleeper", pidFile], {
          step: "sleep",
          timeoutMs: 1000,
        }),
      ),
    );
    expect(error).toBeInstanceOf(SshTimeoutError);
    expect(error.message).toBe("n1: sleep: timed out after 1000 ms");
    expect(Date.now() - started).toBeLessThan(4000);
    const pid = (await hostExec(fixture.lab, "n1", ["cat", pidFile])).stdout.trim();
    const state = await hostExec(fixture.lab, "n1", [
      "sh",
      "-c",
      `sed 's/^.*) //' /proc/${pid}/stat | cut -c1`,
    ]);
    expect(["", "Z"]).toContain(state.stdout.trim());
  });
});

describe("connect errors", () => {
  it("wrong key → SshAuthError", async () => {
    const other = utils.generateKeyPairSync("ed25519");
    const error = await rejection(connectSsh({ ...target(), privateKey: new Secret(other.private) }));
    expect(error).toBeInstanceOf(SshAuthError);
    expect(error.message).toBe("n1: connect: authentication failed");
  });

  it("unreadable key → SshAuthError", async () => {
    const error = await rejection(connectSsh({ ...target(), privateKey: new Secret("not a key") }));
    expect(error).toBeInstanceOf(SshAuthError);
    expect(error.message).toBe("n1: connect: authentication failed");
  });

  it("closed port → SshUnreachableError", async () => {
    const error = await rejection(connectSsh({ ...target(), port: 2222 }));
    expect(error).toBeInstanceOf(SshUnreachableError);
    expect(error.message).toBe("n1: connect: host unreachable (ECONNREFUSED)");
  });

  it("host gone silent → SshUnreachableError after the connect timeout", async () => {
    await isolateHost(fixture.lab, "n1");
    try {
      const started = Date.now();
      const error = await rejection(connectSsh(target(), { connectTimeoutMs: 1000 }));
      expect(error).toBeInstanceOf(SshUnreachableError);
      expect(error.message).toBe("n1: connect: host unreachable (timed out)");
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await restoreHost(fixture.lab, "n1");
    }
  });

  it("a pinned session carries the host key it verified, as an OpenSSH line", async () => {
    const hostKey = await withSsh(target(), async (ssh) => ssh.hostKey);
    const [type, blob] = hostKey.split(" ");
    expect(type).toBe("ssh-ed25519");
    expect(hostKeyFingerprint(Buffer.from(blob ?? "", "base64"))).toBe(target().hostKeySha256);
  });

  it("unexpected host key → SshHostKeyError", async () => {
    const pinned = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    const error = await rejection(connectSsh({ ...target(), hostKeySha256: `SHA256:${pinned}` }));
    expect(error).toBeInstanceOf(SshHostKeyError);
    expect((error as SshHostKeyError).expected).toBe(pinned);
    expect((error as SshHostKeyError).actual).toBe(target().hostKeySha256);
    expect(error.message).toBe(
      `n1: connect: host key mismatch (expected SHA256:${pinned}, got SHA256:${target().hostKeySha256})`,
    );
  });

  it("connection lost mid-command → SshDisconnectedError", async () => {
    const ssh = await connectSsh(target(), { keepaliveIntervalMs: 300 });
    try {
      const running = ssh.run(["sleep", "30"], { step: "long", timeoutMs: 30_000 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      await isolateHost(fixture.lab, "n1");
      const error = await rejection(running);
      expect(error).toBeInstanceOf(SshDisconnectedError);
      expect(error.message).toBe("n1: long: connection lost");
      expect(ssh.isOpen()).toBe(false);
    } finally {
      await restoreHost(fixture.lab, "n1");
      await ssh.close();
    }
  });
});

describe("through a jump host", () => {
  const viaN1 = () => {
    const jump = fixture.lab.host("n1").ssh;
    return {
      ...fixture.lab.host("n2").ssh,
      jump: {
        host: jump.host,
        port: jump.port,
        username: jump.username,
        privateKey: jump.privateKey,
        hostKeySha256: jump.hostKeySha256,
      },
    };
  };

  it("reaches the target through the jump host's channel, both keys pinned", async () => {
    const result = await withSsh(viaN1(), async (ssh) => {
      const run = await ssh.runChecked('printf %s "$SSH_CONNECTION"', { step: "probe" });
      return { connection: run.stdout.split(" "), hostKey: ssh.hostKey };
    });
    // sshd on n2 sees the connection coming from n1: it went through the jump host.
    expect([result.connection[0], result.connection[2]]).toEqual([
      fixture.lab.host("n1").address,
      fixture.lab.host("n2").address,
    ]);
    expect(hostKeyFingerprint(Buffer.from(result.hostKey.split(" ")[1] ?? "", "base64"))).toBe(
      fixture.lab.host("n2").ssh.hostKeySha256,
    );
  });

  it("refuses a jump host with another key, naming it and both fingerprints", async () => {
    const target = viaN1();
    const pinned = "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";
    const error = await rejection(connectSsh({ ...target, jump: { ...target.jump, hostKeySha256: pinned } }));
    expect(error).toBeInstanceOf(SshHostKeyError);
    expect(error.message).toBe(
      `n2 (jump host ${fixture.lab.host("n1").address}): connect: host key mismatch (expected SHA256:${pinned}, got SHA256:${fixture.lab.host("n1").ssh.hostKeySha256})`,
    );
  });

  it("names the target when the jump host cannot reach it", async () => {
    const error = await rejection(connectSsh({ ...viaN1(), port: 2222 }));
    expect(error).toBeInstanceOf(SshUnreachableError);
    expect(error.message).toMatch(
      new RegExp(
        `^n2: connect: host unreachable \\(jump host ${fixture.lab.host("n1").address.replaceAll(".", "\\.")} cannot reach ${fixture.lab.host("n2").address.replaceAll(".", "\\.")}:2222: `,
      ),
    );
  });
});

describe("upload and readFile", () => {
  const dir = `${TEST_DIR}/up load`;
  const awkward = `${dir}/we ird 'name" $x;.conf`;

  it("writes atomically with mode and owner, and reports changed only when something differs", async () => {
    await withSsh(target(), async (ssh) => {
      await ssh.runChecked(["sh", "-c", 'rm -rf "$1" && mkdir -p "$1"', "x", dir], { step: "prepare" });
      const content = "a = 'b'\n$(touch /tmp/pwned)\n`id`\n\u00e9\u4e2d\n";
      const first = await ssh.upload(awkward, content, {
        step: "upload",
        mode: 0o640,
        owner: "postgres",
        group: "postgres",
      });
      expect(first).toEqual({ changed: true });
      expect(await ssh.readFile(awkward)).toBe(content);
      const stat = await ssh.runChecked(["stat", "-c", "%a %U %G", awkward], { step: "stat" });
      expect(stat.stdout).toBe("640 postgres postgres\n");

      expect(
        await ssh.upload(awkward, content, {
          step: "again",
          mode: 0o640,
          owner: "postgres",
          group: "postgres",
        }),
      ).toEqual({ changed: false });
      expect(await ssh.upload(awkward, content, { step: "mode", mode: 0o600, owner: "postgres" })).toEqual({
        changed: true,
      });
      expect((await ssh.runChecked(["stat", "-c", "%a %U", awkward], { step: "stat" })).stdout).toBe(
        "600 postgres\n",
      );
      expect(await ssh.upload(awkward, `${content}more\n`, { step: "bytes", mode: 0o600 })).toEqual({
        changed: true,
      });
      expect(await ssh.readFile(awkward)).toBe(`${content}more\n`);

      const listing = await ssh.runChecked(["ls", "-A", dir], { step: "ls" });
      expect(listing.stdout).toBe(`we ird 'name" $x;.conf\n`);
      expect(await ssh.run(["test", "-e", "/tmp/pwned"], { step: "pwned?" })).toMatchObject({ code: 1 });
    });
  });

  it("uploads binary content byte for byte", async () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, index) => index));
    await withSsh(target(), async (ssh) => {
      expect(await ssh.upload(`${dir}/bin`, bytes, { step: "bin", mode: 0o600 })).toEqual({ changed: true });
      const sum = await ssh.runChecked(["sha256sum", `${dir}/bin`], { step: "sum" });
      expect(sum.stdout.split(" ")[0]).toBe(
        "40aff2e9d2d8922e47afd4648e6967497158785fbd1da870e7110266bf944880",
      );
    });
  });

  it("readFile returns null for a missing file and fails for a directory", async () => {
    await withSsh(target(), async (ssh) => {
      expect(await ssh.readFile(`${dir}/missing`)).toBeNull();
      expect(await rejection(ssh.readFile(dir, { step: "read dir" }))).toBeInstanceOf(SshCommandError);
    });
  });

  it("a failed upload leaves no temp file behind", async () => {
    await withSsh(target(), async (ssh) => {
      const error = await rejection(
        ssh.upload(`${dir}/owned`, "x", { step: "bad owner", mode: 0o600, owner: "no-such-user" }),
      );
      expect(error).toBeInstanceOf(SshCommandError);
      const listing = await ssh.runChecked(["ls", "-A", dir], { step: "ls" });
      expect(listing.stdout).toBe(`bin\nwe ird 'name" $x;.conf\n`);
    });
  });
});

describe("pool", () => {
  it("reuses one session per target and reconnects after close", async () => {
    const pool = createSshPool();
    try {
      const first = await pool.session(target());
      expect(await pool.session(target())).toBe(first);
      await first.close();
      const second = await pool.session(target());
      expect(second).not.toBe(first);
      expect((await second.runChecked(["echo", "ok"], { step: "pool" })).stdout).toBe("ok\n");
      await pool.forget(target());
      expect(second.isOpen()).toBe(false);
      const third = await pool.session(target());
      expect(third).not.toBe(second);
      expect(third.isOpen()).toBe(true);
    } finally {
      await pool.closeAll();
    }
  });
});
