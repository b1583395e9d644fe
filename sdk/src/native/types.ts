// Input shapes shared by the provider's resources, as the provider schema (provider/schema.json) types them.
import type * as pulumi from "@pulumi/pulumi";

/** How the provider reaches one host over SSH (a pair node or the witness host). */
/** A node's VM as PairConfiguration sees it: a changed instance id means the node moved to a new VM. */
export interface NodeInstanceInput {
  /** The node's name in the pair spec. */
  name: pulumi.Input<string>;
  /** The cloud's id of the VM (changes when the VM is replaced). */
  instanceId: pulumi.Input<string>;
  /** Flavor (OpenStack) or machine type (GCP). */
  size?: pulumi.Input<string>;
  /** The data volume's size; when it grows the node's filesystem is grown online. */
  dataVolumeSizeGb?: pulumi.Input<number>;
}

export interface HostConnectionInput {
  /** The host's name in the pair spec (node name or witness name). */
  name: pulumi.Input<string>;
  /** Address sshd listens on. */
  host: pulumi.Input<string>;
  /** Default 22. */
  port?: pulumi.Input<number>;
  /** Default "root": the engine installs packages, files and services. */
  username?: pulumi.Input<string>;
  /** OpenSSH private key text; kept secret in state. */
  privateKey: pulumi.Input<string>;
  /** Pinned host key (base64 SHA-256, as `ssh-keygen -lf` prints); unpinned when omitted. */
  hostKeySha256?: pulumi.Input<string>;
  /** "systemd" on cloud VMs (default), "detached" on local namespace hosts. */
  serviceManager?: pulumi.Input<"systemd" | "detached">;
  /** An SSH server to reach the host through (like `ssh -J`); direct when omitted. */
  bastion?: pulumi.Input<SshBastionInput>;
}

/** A jump host (like `connection.proxy` in @pulumi/command): pinned, its key kept secret. */
export interface SshBastionInput {
  /** The bastion's address, reachable from where `pulumi up` runs. */
  host: pulumi.Input<string>;
  /** Default 22. */
  port?: pulumi.Input<number>;
  /** Default "root"; the user needs only TCP forwarding (`AllowTcpForwarding yes`). */
  username?: pulumi.Input<string>;
  privateKey: pulumi.Input<string>;
  /** The bastion's host key, `SHA256:…` as `ssh-keygen -lf` prints it. */
  hostKeySha256: pulumi.Input<string>;
}

/** The pair spec the engine validates (engine/src/spec.ts); defaults noted per field there. */
export interface PairSpecInput {
  name: pulumi.Input<string>;
  postgres?: pulumi.Input<{ major?: 15; port?: pulumi.Input<number>; memoryMb?: pulumi.Input<number> }>;
  /** Exactly two; nodes[0] is the initial primary. */
  nodes: pulumi.Input<pulumi.Input<{ name: pulumi.Input<string>; address: pulumi.Input<string> }>[]>;
  witness: pulumi.Input<{
    name: pulumi.Input<string>;
    address: pulumi.Input<string>;
    port: pulumi.Input<number>;
  }>;
  endpoint: pulumi.Input<{
    kind?: pulumi.Input<"vip" | "load-balancer">;
    address: pulumi.Input<string>;
    port?: pulumi.Input<number>;
    interface?: pulumi.Input<string>;
    vrrpRouterId?: pulumi.Input<number>;
  }>;
  network: pulumi.Input<{
    nodeCidr: pulumi.Input<string>;
    clientCidrs?: pulumi.Input<pulumi.Input<string>[]>;
    controlPlaneCidrs?: pulumi.Input<pulumi.Input<string>[]>;
  }>;
  replication?: pulumi.Input<{
    mode?: pulumi.Input<"synchronous" | "asynchronous">;
    degradeAfterSeconds?: pulumi.Input<number>;
  }>;
  settings?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  agent?: pulumi.Input<{
    controlPlaneUrl: pulumi.Input<string>;
    controlPlaneCa?: pulumi.Input<string>;
    listenPort?: pulumi.Input<number>;
  }>;
  /** WAL archiving and backups with pgBackRest; absent: none. */
  backup?: pulumi.Input<PairBackupInput>;
  /** Seed the first primary from another pair's backups instead of initdb (see PairRestoreFromInput). */
  restoreFrom?: pulumi.Input<PairRestoreFromInput>;
}

/**
 * Where a pair's pgBackRest repository lives and how long backups are kept (engine/src/backup/backup-spec.ts).
 * `local`: a directory on the witness (control-plane) host; `gcs`: a bucket the nodes reach with their
 * service account. The repository is always encrypted with a generated key kept in the pair's secrets.
 */
export interface PairBackupInput {
  repository: pulumi.Input<
    | { kind: "local"; path?: pulumi.Input<string> }
    | { kind: "gcs"; bucket: pulumi.Input<string>; path?: pulumi.Input<string> }
  >;
  /** Five-field cron schedules; defaults full "0 1 * * 0", differential "0 1 * * 1-6". */
  schedule?: pulumi.Input<{ full?: pulumi.Input<string>; differential?: pulumi.Input<string> }>;
  /** Full backups kept (default 2) and differential ones per full backup (default 6). */
  retention?: pulumi.Input<{ full?: pulumi.Input<number>; differential?: pulumi.Input<number> }>;
}

/**
 * A new pair restored from another pair's pgBackRest repository as of a point in time
 * (engine/src/backup/restore-from-spec.ts). Read-only use of the source: the new pair archives into
 * its own repository (`backup` is required, of the same kind), so the source pair may still run.
 * It only seeds the pair's first primary: changing or removing it later changes nothing.
 */
export interface PairRestoreFromInput {
  /** The source pair's `backup.repository`; a local one is read on this pair's witness host. */
  repository: pulumi.Input<
    | { kind: "local"; path?: pulumi.Input<string> }
    | { kind: "gcs"; bucket: pulumi.Input<string>; path?: pulumi.Input<string> }
  >;
  /** The source pair's name (its stanza). */
  stanza: pulumi.Input<string>;
  /** ISO 8601 with a zone, e.g. "2026-12-07T06:15:00Z"; absent: the end of the source's archive. */
  time?: pulumi.Input<string>;
  /** A source backup label to start from, e.g. "20261207-010002F"; absent: the newest before `time`. */
  backup?: pulumi.Input<string>;
  /**
   * The source repository's encryption key: `backupCipherPass` in the source pair's secrets
   * (`PairConfiguration.pairSecrets`). Kept secret.
   */
  cipherPass: pulumi.Input<string>;
}

/** A node as the control plane knows it. */
export interface RegisteredNodeInput {
  name: pulumi.Input<string>;
  address: pulumi.Input<string>;
  /** PostgreSQL port on the node. */
  port: pulumi.Input<number>;
  /** The agent's HTTP port (/health, /primary). */
  agentPort: pulumi.Input<number>;
}
