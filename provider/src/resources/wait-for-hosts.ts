// Before configuring a pair: wait until the nodes answer SSH and hold their first-boot script's ready
// marker (packages installed), and until the witness host answers SSH and has the programs the
// witness runs. A node whose first boot failed holds a failure marker instead: that fails at once
// with the marker and the tail of the boot log, instead of waiting out the deadline. The witness lives on the control-plane host, which no first boot of ours prepares:
// when it lacks a program, waiting cannot help, so that fails at once and names what to install.
// Bounded by a deadline; the last error is reported.
import { describeError } from "@pgaas/common";
import {
  HOST_FAILED_FILE,
  HOST_SETUP_LOG,
  HOST_SETUP_LOG_TAIL_LINES,
  POSTGRES_BIN_DIR,
} from "@pgaas/common/wire";
import type { HostTarget, PairHosts } from "@pgaas/engine";
import { connectSsh, type SshSession } from "@pgaas/engine/ssh";

export interface WaitForHostsOptions {
  /** A file each node must hold; only SSH reachability is awaited when undefined. */
  readonly readyFile: string | undefined;
  /** With readyFile: the first boot's failure marker and log. Default HOST_FAILED_FILE, HOST_SETUP_LOG. */
  readonly failedFile?: string;
  readonly setupLog?: string;
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  /** Programs the witness host must have. Default WITNESS_PROGRAMS. */
  readonly witnessPrograms?: readonly string[];
}

/** What the witness runs on its host: PostgreSQL 15 (initdb, pg_ctl) and repmgr. */
export const WITNESS_PROGRAMS = ["initdb", "pg_ctl", "postgres", "repmgr"].map(
  (program) => `${POSTGRES_BIN_DIR}/${program}`,
);

/** A host that answered but can never become ready by waiting. */
export class HostPrerequisiteError extends Error {
  readonly code = "host_prerequisite_missing";
}

/** A node's first boot failed: waiting cannot help, its boot log says why. */
export class FirstBootFailedError extends Error {
  readonly code = "host_first_boot_failed";
}

async function withSession(host: HostTarget, check: (session: SshSession) => Promise<void>): Promise<void> {
  const session = await connectSsh(host.ssh, { connectTimeoutMs: 10_000 });
  try {
    await check(session);
  } finally {
    await session.close();
  }
}

function nodeReady(options: WaitForHostsOptions) {
  return async (session: SshSession) => {
    if (options.readyFile === undefined) return;
    const failedFile = options.failedFile ?? HOST_FAILED_FILE;
    const marker = await session.run(["cat", failedFile], { step: "wait-for-host", timeoutMs: 10_000 });
    if (marker.code === 0) {
      const setupLog = options.setupLog ?? HOST_SETUP_LOG;
      const tail = await session.run(["tail", "-n", String(HOST_SETUP_LOG_TAIL_LINES), setupLog], {
        step: "wait-for-host",
        timeoutMs: 10_000,
      });
      throw new FirstBootFailedError(
        `first boot of ${session.target.label} (${session.target.host}) failed: ${marker.stdout.trim()} ` +
          `(${failedFile}); last lines of ${setupLog}:\n${tail.stdout.trimEnd()}`,
      );
    }
    await session.runChecked(["test", "-e", options.readyFile], { step: "wait-for-host", timeoutMs: 10_000 });
  };
}

/** Fails with HostPrerequisiteError naming every missing program of `programs`. */
function witnessReady(programs: readonly string[]) {
  return async (session: SshSession) => {
    const missing: string[] = [];
    for (const program of programs) {
      const { code } = await session.run(["test", "-x", program], {
        step: "witness-prerequisites",
        timeoutMs: 10_000,
      });
      if (code !== 0) missing.push(program);
    }
    if (missing.length > 0) {
      throw new HostPrerequisiteError(
        `witness host ${session.target.label} (${session.target.host}) lacks ${missing.join(", ")}: ` +
          "install postgresql-15 and postgresql-15-repmgr there (scripts/install-os-packages.sh)",
      );
    }
  };
}

async function waitForHost(
  host: HostTarget,
  check: (session: SshSession) => Promise<void>,
  options: WaitForHostsOptions,
  deadline: number,
  awaited: string,
): Promise<void> {
  const interval = options.intervalMs ?? 5000;
  for (;;) {
    try {
      await withSession(host, check);
      return;
    } catch (error) {
      if (error instanceof HostPrerequisiteError || error instanceof FirstBootFailedError) throw error;
      if (Date.now() + interval > deadline) {
        throw new Error(
          `host ${host.ssh.label} (${host.ssh.host}) not ready after ${Math.round(options.timeoutMs / 1000)} s${awaited}: ${describeError(error)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, interval));
    }
  }
}

export async function waitForPairHosts(hosts: PairHosts, options: WaitForHostsOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const awaited = options.readyFile === undefined ? "" : ` (waiting for ${options.readyFile})`;
  await Promise.all([
    ...hosts.nodes.map((node) => waitForHost(node, nodeReady(options), options, deadline, awaited)),
    waitForHost(
      hosts.witness,
      witnessReady(options.witnessPrograms ?? WITNESS_PROGRAMS),
      options,
      deadline,
      "",
    ),
  ]);
}

/**
 * One host about to carry a control plane: the ready marker of our first boot (a failed first boot
 * fails at once), or, on a host brought by the user (no readyFile), the programs the store and the
 * witnesses need, failing at once naming what is missing.
 */
export async function waitForControlPlaneHost(host: HostTarget, options: WaitForHostsOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const check =
    options.readyFile === undefined
      ? witnessReady(options.witnessPrograms ?? WITNESS_PROGRAMS)
      : nodeReady(options);
  const awaited = options.readyFile === undefined ? "" : ` (waiting for ${options.readyFile})`;
  await waitForHost(host, check, options, deadline, awaited);
}
