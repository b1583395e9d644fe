// A stand-in for a systemd VM reached over SSH, for the steps that only run on cloud VMs (no systemd in
// namespace hosts). Uploads land in memory (changed only when bytes, mode or owner differ, like the
// real upload). Shell lines run for real in bash with `systemctl` and `systemd-tmpfiles` replaced by a
// small script that keeps unit state (enabled, active) in a directory and logs every call. argv
// commands other than systemctl and `bash -c` are recorded only, so nothing on this machine is
// touched; `bash -c` scripts (the agent artefact's install) run for real, and files under `root` are
// read from disk, so a test that points a member's paths there sees what such a script wrote.
import { execFile } from "node:child_process";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Secret, shellCommand } from "@pgaas/common";
import type { RemoteCommand, RunOptions, RunResult, SshSession, UploadOptions } from "../src/ssh/session.js";

const FAKE_SYSTEMCTL = `#!/bin/bash
state=$PGAAS_FAKE_STATE
echo "systemctl $*" >>"$state/calls.log"
case $1 in
  daemon-reload) ;;
  # Unit files are not modelled: a unit that is not enabled reads as absent (no output, exit 1).
  is-enabled) if [ -e "$state/enabled/$2" ]; then echo enabled; else exit 1; fi ;;
  is-active) [ "$2" = --quiet ] && shift; [ -e "$state/active/$2" ] || exit 3 ;;
  enable) touch "$state/enabled/$2" ;;
  disable) [ "$2" = --now ] && { shift; rm -f "$state/active/$2"; }; rm -f "$state/enabled/$2" ;;
  start|restart) touch "$state/active/$2" ;;
  stop) rm -f "$state/active/$2" ;;
  show) unit=\${!#}; if [ -e "$state/active/$unit" ]; then printf 'ActiveState=active\\nMainPID=4242\\n'; else printf 'ActiveState=inactive\\nMainPID=0\\n'; fi ;;
  *) echo "fake systemctl: unsupported $1" >&2; exit 1 ;;
esac
`;

const FAKE_TMPFILES = `#!/bin/bash
echo "systemd-tmpfiles $*" >>"$PGAAS_FAKE_STATE/calls.log"
`;

export interface SimulatedVm {
  readonly session: SshSession;
  /** A scratch directory of this VM: the only place on disk its files may be read from. */
  readonly root: string;
  readonly files: Map<string, { content: Buffer; mode: number; owner?: string }>;
  /** Every systemctl / systemd-tmpfiles call and every recorded argv command, in order. */
  calls(): Promise<string[]>;
  clearCalls(): Promise<void>;
  dispose(): Promise<void>;
}

export async function simulatedVm(name: string): Promise<SimulatedVm> {
  const dir = await mkdtemp(join(tmpdir(), "pgaas-simulated-vm-"));
  for (const sub of ["bin", "enabled", "active"]) await mkdir(join(dir, sub));
  await writeFile(join(dir, "bin", "systemctl"), FAKE_SYSTEMCTL);
  await writeFile(join(dir, "bin", "systemd-tmpfiles"), FAKE_TMPFILES);
  await chmod(join(dir, "bin", "systemctl"), 0o755);
  await chmod(join(dir, "bin", "systemd-tmpfiles"), 0o755);
  const log = join(dir, "calls.log");
  const files = new Map<string, { content: Buffer; mode: number; owner?: string }>();

  const bash = (line: string, stdin?: string | Buffer): Promise<RunResult> =>
    new Promise((resolve) => {
      const child = execFile(
        "bash",
        ["-c", line],
        {
          timeout: 10_000,
          env: { PATH: `${join(dir, "bin")}:/usr/bin:/bin`, PGAAS_FAKE_STATE: dir },
        },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
          resolve({ stdout, stderr, code });
        },
      );
      // A line that exits without reading its stdin closes the pipe: that is not an error here.
      child.stdin?.on("error", () => undefined);
      child.stdin?.end(stdin ?? "");
    });

  const run = async (command: RemoteCommand, options: RunOptions): Promise<RunResult> => {
    if (typeof command === "string") return bash(command, options.stdin);
    if (command[0] === "bash" && command[1] === "-c" && command.length === 3) {
      await writeFile(log, "bash -c <script>\n", { flag: "a" });
      return bash(command[2] ?? "", options.stdin);
    }
    if (command[0] === "systemctl") return bash(shellCommand(command));
    await writeFile(log, `${command.join(" ")}\n`, { flag: "a" });
    return { stdout: "", stderr: "", code: 0 };
  };

  const session: SshSession = {
    target: {
      host: "simulated.invalid",
      port: 22,
      username: "root",
      privateKey: new Secret("unused"),
      label: name,
    },
    hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAISimulated",
    run,
    async runChecked(command, options) {
      const result = await run(command, options);
      if (result.code !== 0) throw new Error(`${options.step}: exit ${result.code}: ${result.stderr}`);
      return result;
    },
    async upload(path: string, content: string | Buffer, options: UploadOptions) {
      const bytes = Buffer.from(content);
      const current = files.get(path);
      const same =
        current?.content.equals(bytes) && current.mode === options.mode && current.owner === options.owner;
      if (!same) files.set(path, { content: bytes, mode: options.mode, owner: options.owner });
      return { changed: !same };
    },
    async readFile(path: string) {
      const uploaded = files.get(path);
      if (uploaded) return uploaded.content.toString("utf8");
      if (!path.startsWith(`${dir}/`)) return null;
      return readFile(path, "utf8").catch(() => null);
    },
    isOpen: () => true,
    close: async () => {},
  };

  return {
    session,
    root: dir,
    files,
    async calls() {
      const text = await readFile(log, "utf8").catch(() => "");
      return text.split("\n").filter(Boolean);
    },
    async clearCalls() {
      await rm(log, { force: true });
    },
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}
