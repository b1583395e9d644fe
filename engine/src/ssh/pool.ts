// Connection reuse: one live session per target while a run of engine steps lasts.
import { connectSsh, type SshConnectOptions } from "./connect.js";
import type { SshSession } from "./session.js";
import type { SshTarget } from "./target.js";

/** Opens a session, passes it to `fn`, and closes it whatever happens. */
export async function withSsh<T>(
  target: SshTarget,
  fn: (session: SshSession) => Promise<T>,
  options?: SshConnectOptions,
): Promise<T> {
  const session = await connectSsh(target, options);
  try {
    return await fn(session);
  } finally {
    await session.close();
  }
}

export interface SshPool {
  /** The live session for this target, connecting (or reconnecting after a drop) when needed. */
  session(target: SshTarget): Promise<SshSession>;
  /** Drops the cached session for a target (e.g. after `SshDisconnectedError`), closing it. */
  forget(target: SshTarget): Promise<void>;
  closeAll(): Promise<void>;
}

function keyOf(target: SshTarget): string {
  return `${target.username}@${target.host}:${target.port}/${target.label}`;
}

export function createSshPool(options?: SshConnectOptions): SshPool {
  const sessions = new Map<string, Promise<SshSession>>();
  const forget = async (target: SshTarget) => {
    const cached = sessions.get(keyOf(target));
    sessions.delete(keyOf(target));
    await cached?.then((session) => session.close()).catch(() => undefined);
  };
  return {
    async session(target) {
      const key = keyOf(target);
      let cached = sessions.get(key);
      if (cached && !(await cached.catch(() => undefined))?.isOpen()) cached = undefined;
      if (!cached) {
        cached = connectSsh(target, options);
        cached.catch(() => sessions.delete(key));
        sessions.set(key, cached);
      }
      return cached;
    },
    forget,
    async closeAll() {
      const all = [...sessions.values()];
      sessions.clear();
      await Promise.all(
        all.map((cached) => cached.then((session) => session.close()).catch(() => undefined)),
      );
    },
  };
}
