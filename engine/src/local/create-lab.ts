// createLocalLab: N hosts as network namespaces on a bridge in a switch namespace, each with its own
// address and sshd; the host side joins by one veth, so nothing else touches the
// machine's own network and teardown removes everything.
//
//   const lab = await createLocalLab({ prefix: "pgh3", subnet: "10.231.3.0/24", hosts: ["n1", "n2", "w"],
//     stateDir: "/run/pgaas-lab/pgh3" });
//   await withSsh(lab.host("n1").ssh, (s) => s.runChecked(["hostname"], { step: "probe" }));
//   await lab.destroy();   // or destroyLab(stateDir) after a crash
//
// Idempotent: re-running reuses what exists and repairs what is missing (a dead sshd, a lost address).
// Requires root; every created name is recorded in <stateDir>/lab.json before it is created.

import type { Secret } from "@pgaas/common";
import type { SshTarget } from "../ssh/target.js";
import { destroyLab } from "./destroy-lab.js";
import { LocalDriverError } from "./errors.js";
import { ensureLabKey } from "./lab-keys.js";
import { ensureHostNetwork, ensureSwitch } from "./lab-network.js";
import { BRIDGE, type LabPlan, planLab, SSH_PORT } from "./lab-plan.js";
import { ensureSshd, waitForSshd } from "./lab-sshd.js";
import { type LabHostRecord, type LabRecord, readLabRecord, writeLabRecord } from "./lab-state.js";
import type { LocalHost, LocalLab, LocalLabOptions } from "./lab-types.js";
import { ensureStateDir } from "./state-dir.js";
import { preflight } from "./system.js";

function recordOf(plan: LabPlan, previous: LabRecord | undefined): LabRecord {
  const hosts = new Map<string, LabHostRecord>(previous?.hosts.map((host) => [host.name, host]));
  for (const host of plan.hosts) {
    hosts.set(host.name, {
      ...hosts.get(host.name),
      name: host.name,
      namespace: host.namespace,
      address: host.address,
    });
  }
  return {
    version: 1,
    prefix: plan.prefix,
    subnet: plan.subnet,
    switchNamespace: plan.switchNamespace,
    hostLink: plan.hostLink,
    hostAddress: plan.hostAddress,
    hosts: [...hosts.values()],
  };
}

export async function createLocalLab(options: LocalLabOptions): Promise<LocalLab> {
  await preflight();
  const stateDir = await ensureStateDir(options.stateDir);
  const previous = await readLabRecord(stateDir);
  if (previous && (previous.prefix !== options.prefix || previous.subnet !== options.subnet)) {
    throw new LocalDriverError(
      "invalid_options",
      `${stateDir} holds lab ${previous.prefix} on ${previous.subnet}; destroy it before reusing the directory`,
    );
  }
  const plan = planLab(options, new Map(previous?.hosts.map((host) => [host.name, host.address])));
  let record = recordOf(plan, previous);
  await writeLabRecord(stateDir, record);

  const key = await ensureLabKey(stateDir);
  await ensureSwitch(plan);
  for (const host of plan.hosts) await ensureHostNetwork(plan, host);
  const sshds = await Promise.all(
    plan.hosts.map((host) => ensureSshd(stateDir, host, key.authorizedKeysFile)),
  );
  record = {
    ...record,
    hosts: record.hosts.map((entry) => {
      const index = plan.hosts.findIndex((host) => host.name === entry.name);
      const sshd = sshds[index];
      return sshd ? { ...entry, sshdPid: sshd.pid, hostKeySha256: sshd.hostKeySha256 } : entry;
    }),
  };
  await writeLabRecord(stateDir, record);
  await Promise.all(plan.hosts.map(waitForSshd));

  const hosts = plan.hosts.map(
    (host, index): LocalHost => ({
      name: host.name,
      namespace: host.namespace,
      address: host.address,
      ssh: sshTarget(host.name, host.address, key.privateKey, sshds[index]?.hostKeySha256),
      serviceManager: "detached",
    }),
  );
  return {
    prefix: plan.prefix,
    subnet: plan.subnet,
    stateDir,
    hosts,
    hostAddress: plan.hostAddress,
    bridge: BRIDGE,
    switchNamespace: plan.switchNamespace,
    host(name: string): LocalHost {
      const found = hosts.find((host) => host.name === name);
      if (!found) throw new LocalDriverError("unknown_host", `lab ${plan.prefix} has no host ${name}`);
      return found;
    },
    destroy: () => destroyLab(stateDir),
  };
}

function sshTarget(
  label: string,
  address: string,
  privateKey: Secret,
  hostKeySha256: string | undefined,
): SshTarget {
  return {
    host: address,
    port: SSH_PORT,
    username: "root",
    privateKey,
    label,
    ...(hostKeySha256 === undefined ? {} : { hostKeySha256 }),
  };
}
