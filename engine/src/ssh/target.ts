// Where and as whom the engine reaches a host. The same shape serves cloud VMs and local namespace hosts.
import type { Secret } from "@pgaas/common";

/** An SSH server the connection is tunnelled through (like `ssh -J`, or `connection.proxy` in @pulumi/command). */
export interface SshJumpHost {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly privateKey: Secret;
  /** Pinned like the target's own key; the jump host is verified before anything goes through it. */
  readonly hostKeySha256?: string;
}

export interface SshTarget {
  /** Address or DNS name sshd listens on. */
  readonly host: string;
  readonly port: number;
  readonly username: string;
  /** OpenSSH or PEM private key text (ed25519 recommended). */
  readonly privateKey: Secret;
  /**
   * Pinned host key: base64 SHA-256 of the raw host key blob, as `ssh-keygen -lf` prints after
   * "SHA256:" (with or without that prefix). When set, any other key fails with `SshHostKeyError`.
   */
  readonly hostKeySha256?: string;
  /** The host's name, used in every error and log line (e.g. "n1"). */
  readonly label: string;
  /** Reach the host through this SSH server (a bastion) when the runner has no route to it. */
  readonly jump?: SshJumpHost;
}
