// SSH transport over ssh2: one connection per session, commands as exec channels.
//
//   const session = await connectSsh(target, { connectTimeoutMs: 5000 });
//   try {
//     await session.runChecked(["systemctl", "daemon-reload"], { step: "systemd.reload", timeoutMs: 30_000 });
//     const { changed } = await session.upload("/etc/x.conf", text, { step: "config", mode: 0o640, owner: "postgres" });
//   } finally {
//     await session.close();
//   }
//
// Errors are typed (errors.ts) and name the target's label and the step.
import { createHash } from "node:crypto";
import { constants as osConstants } from "node:os";
import type { Logger } from "@pgaas/common";
import { Client, type ClientChannel, type ConnectConfig } from "ssh2";
import { ChannelLimiter } from "./channel-limiter.js";
import {
  SshAuthError,
  SshCommandError,
  SshDisconnectedError,
  type SshErrorContext,
  SshHostKeyError,
  SshTimeoutError,
  SshUnreachableError,
} from "./errors.js";
import {
  isTimeoutExit,
  MISSING_FILE_EXIT,
  readFileCommand,
  uploadCommand,
  wrapCommand,
} from "./remote-script.js";
import type {
  ConnectOptions,
  RemoteCommand,
  RunOptions,
  RunResult,
  SshSession,
  UploadOptions,
  UploadResult,
} from "./session.js";
import type { SshTarget } from "./target.js";

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_KEEPALIVE_MS = 5_000;
const DEFAULT_RUN_TIMEOUT_MS = 60_000;
/** Extra time the client waits for the remote `timeout` to report before it closes the channel itself. */
const LOCAL_GRACE_MS = 5_000;

export interface SshConnectOptions extends ConnectOptions {
  readonly logger?: Logger;
}

/** Base64 SHA-256 of a host key blob without padding, as OpenSSH prints it after "SHA256:". */
export function hostKeyFingerprint(key: Buffer): string {
  return createHash("sha256").update(key).digest("base64").replace(/=+$/, "");
}

/** The OpenSSH public key line of a host key blob (its first field names the key type). */
export function hostKeyLine(key: Buffer): string {
  const typeLength = key.readUInt32BE(0);
  return `${key.subarray(4, 4 + typeLength).toString("ascii")} ${key.toString("base64")}`;
}

function normalizePin(pin: string): string {
  return pin.replace(/^SHA256:/, "").replace(/=+$/, "");
}

export async function connectSsh(target: SshTarget, options: SshConnectOptions = {}): Promise<SshSession> {
  if (target.jump === undefined) {
    const { client, hostKey } = await handshake(target, options, undefined);
    return new Ssh2Session(target, client, hostKey, options.logger, undefined);
  }
  // The jump host is verified (pinned) and authenticated first; the target's SSH then runs inside a
  // direct-tcpip channel it opens, so the target's key is verified end to end as usual.
  const jumpLabel = `${target.label} (jump host ${target.jump.host})`;
  const jump = await handshake({ ...target.jump, label: jumpLabel }, options, undefined);
  try {
    const channel = await new Promise<ClientChannel>((resolve, reject) => {
      jump.client.forwardOut("127.0.0.1", 0, target.host, target.port, (error, stream) => {
        if (error) {
          reject(
            new SshUnreachableError(
              { host: target.label, step: "connect", cause: error },
              `jump host ${target.jump?.host} cannot reach ${target.host}:${target.port}: ${error.message}`,
            ),
          );
        } else resolve(stream);
      });
    });
    const { client, hostKey } = await handshake(target, options, channel);
    return new Ssh2Session(target, client, hostKey, options.logger, jump.client);
  } catch (error) {
    jump.client.end();
    throw error;
  }
}

/** TCP (or `sock`) + key exchange + host key check + authentication; typed errors naming the target. */
async function handshake(
  target: Omit<SshTarget, "jump">,
  options: SshConnectOptions,
  sock: ClientChannel | undefined,
): Promise<{ client: Client; hostKey: string }> {
  const client = new Client();
  const context = (step: string, cause?: unknown): SshErrorContext => ({ host: target.label, step, cause });
  const pin = target.hostKeySha256 === undefined ? undefined : normalizePin(target.hostKeySha256);
  let presentedKey: string | undefined;
  let presentedLine = "";

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error & { level?: string; code?: string }) => {
      client.removeListener("ready", onReady);
      client.end();
      reject(classifyConnectError(error, context("connect", error), pin, presentedKey));
    };
    const onReady = () => {
      client.removeListener("error", onError);
      resolve();
    };
    client.once("ready", onReady);
    client.once("error", onError);
    try {
      client.connect({
        ...connectConfig(target, options, (key) => {
          presentedKey = hostKeyFingerprint(key);
          presentedLine = hostKeyLine(key);
          return pin === undefined || presentedKey === pin;
        }),
        ...(sock === undefined ? {} : { sock }),
      });
    } catch (error) {
      // ssh2 throws synchronously for a key it cannot parse: that is an authentication problem.
      client.removeListener("ready", onReady);
      client.removeListener("error", onError);
      reject(new SshAuthError(context("connect", error)));
    }
  });
  return { client, hostKey: presentedLine };
}

function connectConfig(
  target: Omit<SshTarget, "jump">,
  options: SshConnectOptions,
  hostVerifier: (key: Buffer) => boolean,
): ConnectConfig {
  return {
    host: target.host,
    port: target.port,
    username: target.username,
    privateKey: target.privateKey.reveal(),
    readyTimeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    keepaliveInterval: options.keepaliveIntervalMs ?? DEFAULT_KEEPALIVE_MS,
    keepaliveCountMax: 3,
    hostVerifier,
  };
}

function classifyConnectError(
  error: Error & { level?: string; code?: string },
  context: SshErrorContext,
  pin: string | undefined,
  presentedKey: string | undefined,
): Error {
  if (pin !== undefined && presentedKey !== undefined && presentedKey !== pin) {
    return new SshHostKeyError(context, pin, presentedKey);
  }
  if (error.level === "client-authentication") return new SshAuthError(context);
  if (error.level === "client-timeout") return new SshUnreachableError(context, "timed out");
  if (error.code) return new SshUnreachableError(context, error.code);
  return new SshUnreachableError(context, error.message);
}

interface Pending {
  readonly step: string;
  readonly fail: (error: Error) => void;
}

class Ssh2Session implements SshSession {
  readonly target: SshTarget;
  readonly hostKey: string;
  readonly #client: Client;
  /** The jump host's connection the session's channel runs through; closed with the session. */
  readonly #jump: Client | undefined;
  readonly #log: Logger | undefined;
  readonly #pending = new Set<Pending>();
  readonly #channels = new ChannelLimiter();
  #closed = false;

  constructor(
    target: SshTarget,
    client: Client,
    hostKey: string,
    logger: Logger | undefined,
    jump: Client | undefined,
  ) {
    this.target = target;
    this.hostKey = hostKey;
    this.#client = client;
    this.#jump = jump;
    this.#log = logger?.child({ host: target.label });
    const onGone = () => this.#connectionGone();
    client.on("close", onGone);
    client.on("error", onGone);
    // The jump connection lives exactly as long as the session: a lost jump drops the tunnel too.
    client.on("close", () => jump?.end());
    jump?.on("error", () => client.destroy());
  }

  #connectionGone(): void {
    this.#closed = true;
    for (const pending of this.#pending) {
      pending.fail(new SshDisconnectedError({ host: this.target.label, step: pending.step }));
    }
    this.#pending.clear();
  }

  async run(command: RemoteCommand, options: RunOptions): Promise<RunResult> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS;
    const wrapped = wrapCommand(command, { timeoutMs, stdin: options.stdin, env: options.env });
    const context: SshErrorContext = { host: this.target.label, step: options.step };
    if (this.#closed) throw new SshDisconnectedError(context);
    const started = Date.now();
    this.#log?.debug("ssh run", { step: options.step, timeoutMs });
    const result = await this.#channels.run(() =>
      this.#exec(wrapped.line, wrapped.input, options.step, timeoutMs + LOCAL_GRACE_MS),
    );
    const elapsed = Date.now() - started;
    if (result === "timeout" || (isTimeoutExit(result.code) && elapsed >= timeoutMs - 50)) {
      throw new SshTimeoutError(context, timeoutMs);
    }
    return result;
  }

  async runChecked(command: RemoteCommand, options: RunOptions): Promise<RunResult> {
    const result = await this.run(command, options);
    if (result.code !== 0) {
      throw new SshCommandError(
        { host: this.target.label, step: options.step },
        result.code,
        result.stderr,
        result.stdout,
      );
    }
    return result;
  }

  async upload(path: string, content: string | Buffer, options: UploadOptions): Promise<UploadResult> {
    const result = await this.runChecked(uploadCommand(path, content, options), {
      step: options.step,
      stdin: Buffer.from(content),
      timeoutMs: options.timeoutMs,
    });
    return { changed: result.stdout.trim() === "changed" };
  }

  async readFile(path: string, options?: { readonly step?: string }): Promise<string | null> {
    const step = options?.step ?? `read ${path}`;
    const result = await this.run(readFileCommand(path), { step });
    if (result.code === MISSING_FILE_EXIT) return null;
    if (result.code !== 0) {
      throw new SshCommandError({ host: this.target.label, step }, result.code, result.stderr, result.stdout);
    }
    return result.stdout;
  }

  isOpen(): boolean {
    return !this.#closed;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.#client.destroy();
        resolve();
      }, 2_000);
      this.#client.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
      this.#client.end();
    });
    this.#jump?.end();
  }

  #exec(line: string, input: Buffer, step: string, localLimitMs: number): Promise<RunResult | "timeout"> {
    return new Promise((resolve, reject) => {
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let channel: ClientChannel | undefined;
      let settled = false;
      const pending: Pending = { step, fail: (error) => finish(() => reject(error)) };
      const timer = setTimeout(() => {
        channel?.close();
        finish(() => resolve("timeout"));
      }, localLimitMs);
      const finish = (settle: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.#pending.delete(pending);
        settle();
      };
      if (this.#closed) {
        finish(() => reject(new SshDisconnectedError({ host: this.target.label, step })));
        return;
      }
      this.#pending.add(pending);
      this.#client.exec(line, (error, stream) => {
        if (error) {
          finish(() => reject(new SshDisconnectedError({ host: this.target.label, step, cause: error })));
          return;
        }
        channel = stream;
        let exitCode: number | undefined;
        stream.on("data", (chunk: Buffer) => stdout.push(chunk));
        stream.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
        stream.on("exit", (code: number | null, signal?: string) => {
          exitCode = code ?? signalExitCode(signal);
        });
        stream.on("close", () => {
          finish(() =>
            resolve({
              stdout: Buffer.concat(stdout).toString("utf8"),
              stderr: Buffer.concat(stderr).toString("utf8"),
              code: exitCode ?? 255,
            }),
          );
        });
        stream.end(input);
      });
    });
  }
}

function signalExitCode(signal: string | undefined): number {
  const number = signal ? osConstants.signals[`SIG${signal}` as keyof typeof osConstants.signals] : undefined;
  return 128 + (number ?? 0);
}
