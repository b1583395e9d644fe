// SSH transport: the one way the engine acts on a host, cloud VM or
// local namespace alike, so the path tested locally is the one that runs in the cloud.
//
//   connectSsh(target, { connectTimeoutMs?, keepaliveIntervalMs?, logger? }) → SshSession
//   session.run(argv | shellCommandLine, { step, timeoutMs?, stdin?, env? }) → { stdout, stderr, code }
//   session.runChecked(…) → same, or throws SshCommandError (exit code + last 2 KB of stderr)
//   session.upload(path, content, { step, mode, owner?, group? }) → { changed } (atomic; no write if same)
//   session.readFile(path) → string | null;  session.isOpen();  session.close()
//   session.hostKey — the host key the server presented ("ssh-ed25519 AAAA…"), the pinned one if pinned
//   withSsh(target, fn) — connect, run, always close;  createSshPool() — one live session per target
// Errors (all name host label + step): SshUnreachableError, SshAuthError, SshHostKeyError,
// SshTimeoutError (remote process group killed), SshCommandError, SshDisconnectedError.
// stdin is /dev/null unless given; env values travel over stdin (never on a command line); at most 8
// channels run at once per connection (sshd MaxSessions defaults to 10).
export { connectSsh, hostKeyFingerprint, type SshConnectOptions } from "./connect.js";
export * from "./errors.js";
export { createSshPool, type SshPool, withSsh } from "./pool.js";
export type * from "./session.js";
export type { SshTarget } from "./target.js";
