// scripts/lab.ts (also the fixture's last-chance teardown path): up, status, down for real.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { allocateSubnet, type SubnetClaim } from "@pgaas/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { destroyLab } from "../../src/local/index.js";

const run = promisify(execFile);
const cli = (...args: string[]) =>
  run(process.execPath, ["--conditions=pgaas-source", "--import", "tsx", "scripts/lab.ts", ...args], {
    cwd: process.cwd(),
    timeout: 60_000,
  });
let claim: SubnetClaim;

beforeAll(async () => {
  claim = await allocateSubnet({ prefix: "pgh", first: "10.231.0.0/24", count: 10 });
});

afterAll(async () => {
  try {
    await destroyLab(claim.stateDir);
  } finally {
    await claim.release();
  }
});

describe("scripts/lab.ts", () => {
  it("brings a lab up, reports it, and takes it down", async () => {
    const base = claim.subnet.replace(".0/24", "");
    const up = await cli(
      "up",
      "--prefix",
      claim.prefix,
      "--subnet",
      claim.subnet,
      "--hosts",
      "a,b",
      "--state-dir",
      claim.stateDir,
    );
    expect(up.stdout.split("\n").slice(0, 3)).toEqual([
      `lab ${claim.prefix} on ${claim.subnet}; host side ${base}.1`,
      `a\t${base}.2\tssh -i ${claim.stateDir}/id_ed25519 -o StrictHostKeyChecking=no root@${base}.2`,
      `b\t${base}.3\tssh -i ${claim.stateDir}/id_ed25519 -o StrictHostKeyChecking=no root@${base}.3`,
    ]);

    const status = JSON.parse((await cli("status", "--state-dir", claim.stateDir)).stdout);
    expect(status).toEqual({
      prefix: claim.prefix,
      subnet: claim.subnet,
      hostAddress: `${base}.1`,
      switchExists: true,
      hosts: [
        {
          name: "a",
          namespace: `${claim.prefix}-a`,
          address: `${base}.2`,
          namespaceExists: true,
          linkUp: true,
          blackholes: [],
          processCount: 1,
        },
        {
          name: "b",
          namespace: `${claim.prefix}-b`,
          address: `${base}.3`,
          namespaceExists: true,
          linkUp: true,
          blackholes: [],
          processCount: 1,
        },
      ],
    });

    expect((await cli("down", "--state-dir", claim.stateDir)).stdout).toBe(
      `lab in ${claim.stateDir} destroyed\n`,
    );
    expect((await cli("status", "--state-dir", claim.stateDir)).stdout).toBe(`no lab in ${claim.stateDir}\n`);
    const namespaces = (await run("ip", ["netns", "list"])).stdout;
    expect(namespaces.split("\n").filter((line) => line.startsWith(`${claim.prefix}-`))).toEqual([]);
  });

  it("prints usage and exits 2 on a bad command line", async () => {
    const failure = await cli("sideways", "--prefix", "x").catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toBe(
      "usage: lab.ts up|down|status [--prefix P] [--subnet 10.231.N.0/24] [--hosts n1,n2,w] [--state-dir DIR]\n",
    );
  });
});
