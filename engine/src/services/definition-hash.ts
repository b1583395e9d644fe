import { createHash } from "node:crypto";
import type { ServiceDef } from "./service-def.js";

/**
 * Identity of a service definition: a running daemon started from a different definition must be
 * restarted by ensureRunning. Env values (secrets too) feed the hash; only the digest leaves memory.
 */
export function definitionHash(def: ServiceDef): string {
  const env = Object.fromEntries(
    Object.keys(def.env ?? {})
      .sort()
      .map((key) => {
        const value = def.env?.[key];
        return [key, typeof value === "string" ? value : value?.reveal()];
      }),
  );
  const identity = {
    argv: def.argv,
    user: def.user,
    workingDir: def.workingDir,
    logFile: def.logFile,
    pidFile: def.pidFile,
    env,
    pidFileWrittenByDaemon: def.pidFileWrittenByDaemon ?? false,
    daemonizes: def.daemonizes ?? false,
  };
  return createHash("sha256").update(JSON.stringify(identity)).digest("hex").slice(0, 32);
}

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Rejects definitions that cannot work before anything touches a host. */
export function validateServiceDef(def: ServiceDef): void {
  if (!NAME.test(def.name)) throw new TypeError(`service name must match ${NAME}: ${def.name}`);
  if (def.argv.length === 0 || !def.argv[0]?.startsWith("/")) {
    throw new TypeError(`service ${def.name}: argv[0] must be an absolute path`);
  }
  for (const [what, path] of [
    ["workingDir", def.workingDir],
    ["logFile", def.logFile],
    ["pidFile", def.pidFile],
  ] as const) {
    if (!path.startsWith("/")) throw new TypeError(`service ${def.name}: ${what} must be an absolute path`);
  }
}
