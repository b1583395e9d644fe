// Hands each test file its own lab subnet and prefix from a range, so files running in parallel never
// share namespaces or addresses. A claim is a file created with O_EXCL holding the claimer's PID; a
// claim whose process is gone is taken over.
import { mkdir, open, readFile, rm } from "node:fs/promises";
import { join } from "node:path";

export const LAB_ROOT = "/run/pgaas-lab";
const CLAIMS = join(LAB_ROOT, "claims");

export interface SubnetRange {
  /** Namespace/link prefix of the caller (e.g. "pgh"); the claimed index is appended ("pgh3"). */
  readonly prefix: string;
  /** First /24 of the range, e.g. "10.231.0.0/24". */
  readonly first: string;
  /** How many consecutive /24s the range holds (third octet counts up). */
  readonly count: number;
}

export interface SubnetClaim {
  readonly prefix: string;
  readonly subnet: string;
  /** A state directory for this claim (root-owned, under /run, so sshd accepts the lab key). */
  readonly stateDir: string;
  release(): Promise<void>;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function tryClaim(path: string): Promise<boolean> {
  try {
    const handle = await open(path, "wx", 0o600);
    await handle.writeFile(String(process.pid));
    await handle.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const owner = Number((await readFile(path, "utf8").catch(() => "")).trim());
  if (Number.isInteger(owner) && owner > 0 && processAlive(owner)) return false;
  await rm(path, { force: true });
  return tryClaim(path);
}

export async function allocateSubnet(range: SubnetRange): Promise<SubnetClaim> {
  const match = /^(\d+)\.(\d+)\.(\d+)\.0\/24$/.exec(range.first);
  if (!match) throw new TypeError(`range.first must be a /24 like 10.231.0.0/24: ${range.first}`);
  const [, a, b, c] = match;
  await mkdir(CLAIMS, { recursive: true, mode: 0o700 });
  for (let index = 0; index < range.count; index += 1) {
    const subnet = `${a}.${b}.${Number(c) + index}.0/24`;
    const prefix = `${range.prefix}${index}`;
    const claimFile = join(CLAIMS, `${a}.${b}.${Number(c) + index}`);
    if (await tryClaim(claimFile)) {
      return {
        prefix,
        subnet,
        stateDir: join(LAB_ROOT, prefix),
        release: () => rm(claimFile, { force: true }),
      };
    }
  }
  throw new Error(`no free subnet in ${range.first} + ${range.count} (all claimed by live processes)`);
}
