// Before configuring fresh cloud VMs: wait until each host answers SSH and holds the first-boot
// script's ready marker (packages installed). Bounded by a deadline; the last error is reported.
import { describeError } from "@pgaas/common";
import type { HostTarget } from "@pgaas/engine";
import { connectSsh } from "@pgaas/engine/ssh";

export interface WaitForHostsOptions {
  /** A file each host must hold; only SSH reachability is awaited when undefined. */
  readonly readyFile: string | undefined;
  readonly timeoutMs: number;
  readonly intervalMs?: number;
}

async function hostReady(host: HostTarget, readyFile: string | undefined): Promise<void> {
  const session = await connectSsh(host.ssh, { connectTimeoutMs: 10_000 });
  try {
    if (readyFile !== undefined) {
      await session.runChecked(["test", "-e", readyFile], { step: "wait-for-host", timeoutMs: 10_000 });
    }
  } finally {
    await session.close();
  }
}

export async function waitForHosts(
  hosts: readonly HostTarget[],
  options: WaitForHostsOptions,
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 5000;
  await Promise.all(
    hosts.map(async (host) => {
      for (;;) {
        try {
          await hostReady(host, options.readyFile);
          return;
        } catch (error) {
          if (Date.now() + interval > deadline) {
            throw new Error(
              `host ${host.ssh.label} (${host.ssh.host}) not ready after ${Math.round(options.timeoutMs / 1000)} s${
                options.readyFile === undefined ? "" : ` (waiting for ${options.readyFile})`
              }: ${describeError(error)}`,
            );
          }
          await new Promise((resolve) => setTimeout(resolve, interval));
        }
      }
    }),
  );
}
