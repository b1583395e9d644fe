// Vitest fixture: a fresh local lab (network-namespace hosts with sshd) for one test file.
//
//   import { withLab } from "./lab.js";
//   const fixture = withLab({ range: { prefix: "pgc", first: "10.231.10.0/24", count: 10 }, hosts: ["n1", "n2", "w"] });
//   it("reaches n1", async () => {
//     const lab = fixture.lab;                       // LocalLab: hosts, host(name).ssh, hostAddress, …
//     await withSsh(lab.host("n1").ssh, (s) => s.runChecked(["true"], { step: "probe" }));
//   });
//
// beforeAll claims a free subnet/prefix from your range (parallel files never share one), removes any
// leftover lab in that slot, and creates the lab; afterAll destroys it and releases the claim, also
// when tests failed. If the process dies (exit, SIGINT, SIGTERM) the lab is destroyed too. Needs root.
// Use your own range from your brief; the claimed prefix is `<prefix><index>` (e.g. pgc3).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { LocalLab } from "@pgaas/engine/local";
import { afterAll, beforeAll } from "vitest";
import { type ClaimedLab, claimFreshLab } from "./fresh-lab.js";
import type { SubnetRange } from "./subnet-allocation.js";

export { type ClaimedLab, claimFreshLab } from "./fresh-lab.js";
export { allocateSubnet, type SubnetClaim, type SubnetRange } from "./subnet-allocation.js";

export interface LabFixtureOptions {
  readonly range: SubnetRange;
  readonly hosts: readonly string[];
}

export interface LabFixture {
  /** The lab; available inside tests and hooks that run after the fixture's beforeAll. */
  readonly lab: LocalLab;
}

const labScript = fileURLToPath(new URL("../../scripts/lab.ts", import.meta.url));

/** Last-chance teardown when the process is exiting: synchronous, through the lab CLI. */
function destroyOnExit(stateDir: string): void {
  spawnSync(
    process.execPath,
    ["--conditions=pgaas-source", "--import", "tsx", labScript, "down", "--state-dir", stateDir],
    {
      stdio: "ignore",
      timeout: 60_000,
    },
  );
}

export function withLab(options: LabFixtureOptions): LabFixture {
  let claimed: ClaimedLab | undefined;
  const onExit = () => {
    if (claimed) destroyOnExit(claimed.claim.stateDir);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    onExit();
    claimed = undefined;
    process.exit(signal === "SIGINT" ? 130 : 143);
  };

  beforeAll(async () => {
    process.once("exit", onExit);
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    claimed = await claimFreshLab(options.range, options.hosts);
  });

  afterAll(async () => {
    const current = claimed;
    claimed = undefined;
    process.removeListener("exit", onExit);
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
    await current?.release();
  });

  return {
    get lab(): LocalLab {
      if (!claimed) throw new Error("the lab exists only inside tests (after withLab's beforeAll)");
      return claimed.lab;
    },
  };
}
