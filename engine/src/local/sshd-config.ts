// The sshd_config of one lab host (pure). Debian's openssh-server, one instance per namespace, each
// with its own host key, pidfile and log (namespaces share one filesystem, so defaults would
// collide). UsePAM stays on: Debian's postgres account is locked and sshd refuses its key without PAM.

export interface SshdConfigInput {
  readonly listenAddress: string;
  readonly port: number;
  readonly hostKeyPath: string;
  readonly pidFile: string;
  /** root's authorized keys (the lab key); other users keep ~/.ssh/authorized_keys. */
  readonly rootAuthorizedKeysFile: string;
}

export function renderSshdConfig(input: SshdConfigInput): string {
  return [
    "# Managed by pgaas (local lab) - do not edit.",
    `ListenAddress ${input.listenAddress}`,
    `Port ${input.port}`,
    `HostKey ${input.hostKeyPath}`,
    `PidFile ${input.pidFile}`,
    "AuthorizedKeysFile .ssh/authorized_keys",
    "PermitRootLogin prohibit-password",
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    "UsePAM yes",
    "StrictModes yes",
    "X11Forwarding no",
    "PrintMotd no",
    "UseDNS no",
    // bash sources ~/.bashrc for `ssh host cmd` when SHLVL < 1 (Debian's SSH_SOURCE_BASHRC); this
    // machine's root .bashrc runs pyenv init, which made every command ~300 ms instead of ~3 ms.
    "SetEnv SHLVL=1",
    "MaxSessions 64",
    "MaxStartups 100:30:200",
    "ClientAliveInterval 5",
    "ClientAliveCountMax 3",
    "Subsystem sftp /usr/lib/openssh/sftp-server",
    "Match User root",
    `  AuthorizedKeysFile ${input.rootAuthorizedKeysFile}`,
    "",
  ].join("\n");
}
