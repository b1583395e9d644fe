// Runs a command inside a lab host's namespace from the host side, bypassing SSH. For tests and fault
// injection only: the product reaches hosts over SSH.
import type { LocalLab } from "../local/lab-types.js";
import { type LocalResult, runLocal, TOOLS } from "../local/system.js";

export function hostExec(
  lab: LocalLab,
  hostName: string,
  argv: readonly string[],
  options: { timeoutMs?: number } = {},
): Promise<LocalResult> {
  return runLocal([TOOLS.ip, "netns", "exec", lab.host(hostName).namespace, ...argv], options);
}
