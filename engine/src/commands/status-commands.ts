// Read-only probes used by pairStatus.
import { shellCommand } from "@pgaas/common";

/** `ip -br addr` lists every address of the host; the VIP shows as `<address>/32` on its holder. */
export const IP_BRIEF_ADDR_COMMAND = shellCommand(["ip", "-br", "addr"]);

export function holdsAddress(ipBriefOutput: string, address: string): boolean {
  return ipBriefOutput.split("\n").some((line) => line.split(/\s+/).slice(2).includes(`${address}/32`));
}

/** Parses `repmgr cluster show --csv`: node_id, available (0 = yes), in_recovery (0 = primary). */
export function parseClusterShowCsv(
  output: string,
): { nodeId: number; available: boolean; primary: boolean }[] {
  return output
    .trim()
    .split("\n")
    .filter((line) => /^\d+,-?\d+,-?\d+$/.test(line.trim()))
    .map((line) => {
      const [id, available, recovery] = line.trim().split(",").map(Number);
      return { nodeId: id ?? 0, available: available === 0, primary: recovery === 0 };
    });
}
