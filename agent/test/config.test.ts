import { execFile } from "node:child_process";
import { mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  loadAgentConfig,
  parseAgentConfig,
  readAgentToken,
  readControlPlaneCa,
  watchedAgentToken,
} from "../src/config.js";
import { AgentConfigError, reactionTo } from "../src/errors.js";
import { agentSourceArgv } from "../src/launch.js";

export const VALID = {
  pairName: "orders",
  nodeName: "n1",
  controlPlane: { url: "https://10.231.40.1:8080", tokenFile: "/etc/pgaas/orders/n1/agent.token" },
  postgres: { socketDir: "/run/pgaas/orders/n1", port: 5432, dataDir: "/var/lib/pgaas/orders/n1/data" },
  repmgr: { configFile: "/etc/pgaas/orders/n1/repmgr.conf" },
  fenceMarkerFile: "/var/lib/pgaas/orders/n1/fenced",
  listen: {},
  intervals: {},
  spool: { dir: "/var/lib/pgaas/orders/n1/spool" },
};

function runMain(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const [node, ...argv] = agentSourceArgv();
    execFile(
      node ?? process.execPath,
      [...argv, ...args],
      { cwd: "/tmp", timeout: 30_000 },
      (error, _stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stderr });
      },
    );
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pgaas-agent-config-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("agent config", () => {
  it("fills the documented defaults", () => {
    const config = parseAgentConfig(VALID, "test");
    expect([
      config.intervals,
      config.listen,
      config.spool.maxBytes,
      config.controlPlane.timeoutMs,
      config.postgres.user,
    ]).toEqual([
      { stateSeconds: 2, metricsSeconds: 15 },
      { host: "0.0.0.0", port: 9187 },
      64 * 1024 * 1024,
      3000,
      "postgres",
    ]);
  });

  it("refuses an http:// control plane off loopback (the token would cross the network in clear)", () => {
    const withUrl = (url: string) => ({ ...VALID, controlPlane: { ...VALID.controlPlane, url } });
    expect(() => parseAgentConfig(withUrl("http://10.231.40.1:8080"), "/etc/agent.json")).toThrow(
      new AgentConfigError(
        "invalid config /etc/agent.json: controlPlane.url: http:// is refused except on loopback (the agent token would cross the network in clear): use https://",
        { details: { fields: ["controlPlane.url"] } },
      ),
    );
    expect(
      ["http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080", "https://10.231.40.1:8080"].map(
        (url) => parseAgentConfig(withUrl(url), "test").controlPlane.url,
      ),
    ).toEqual([
      "http://127.0.0.1:8080",
      "http://localhost:8080",
      "http://[::1]:8080",
      "https://10.231.40.1:8080",
    ]);
  });

  it("names every bad field in one message", () => {
    const bad = { ...VALID, nodeName: "N1", intervals: { stateSeconds: 0 }, spool: {} };
    const error = (() => {
      try {
        parseAgentConfig(bad, "/etc/agent.json");
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(AgentConfigError);
    expect(reactionTo(error)).toBe("exit");
    expect((error as AgentConfigError).message).toBe(
      "invalid config /etc/agent.json: nodeName: Invalid string: must match pattern /^[a-z][a-z0-9_]{0,30}$/; " +
        "intervals.stateSeconds: Too small: expected number to be >=0.2; spool.dir: Invalid input: expected string, received undefined",
    );
    expect((error as AgentConfigError).details).toEqual({
      fields: ["nodeName", "intervals.stateSeconds", "spool.dir"],
    });
  });

  it("refuses a missing file, non-JSON and a missing or empty token file", async () => {
    await expect(loadAgentConfig(join(dir, "absent.json"))).rejects.toThrow(
      /^cannot read config .*absent\.json: ENOENT/,
    );
    await writeFile(join(dir, "broken.json"), "{ not json");
    await expect(loadAgentConfig(join(dir, "broken.json"))).rejects.toThrow(
      /^config .*broken\.json is not JSON: /,
    );
    await expect(readAgentToken(join(dir, "absent.token"))).rejects.toThrow(
      /^controlPlane\.tokenFile: cannot read .*absent\.token: ENOENT/,
    );
    await writeFile(join(dir, "empty.token"), "\n");
    await expect(readAgentToken(join(dir, "empty.token"))).rejects.toThrow(
      /^controlPlane\.tokenFile: .*empty\.token is empty$/,
    );
  });

  it("reads the pinned CA and refuses a missing file or one that holds no certificate", async () => {
    const pem = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n";
    const good = join(dir, "ca.pem");
    const bad = join(dir, "not-a-ca.pem");
    await writeFile(good, pem);
    await writeFile(bad, "-----BEGIN PRIVATE KEY-----\n");
    expect(await readControlPlaneCa(good)).toBe(pem);
    await expect(readControlPlaneCa(bad)).rejects.toThrow(
      new AgentConfigError(`controlPlane.caFile: ${bad} is not a PEM certificate`),
    );
    await expect(readControlPlaneCa(join(dir, "missing.pem"))).rejects.toThrow(
      `controlPlane.caFile: cannot read ${join(dir, "missing.pem")}: ENOENT`,
    );
  });

  it("picks up a rotated token and keeps the last good one when the file breaks", async () => {
    const file = join(dir, "agent.token");
    await writeFile(file, "first\n");
    const token = await watchedAgentToken(file);
    expect((await token()).reveal()).toBe("first");
    await writeFile(file, "second\n");
    await utimes(file, new Date(), new Date(Date.now() + 5000));
    expect((await token()).reveal()).toBe("second");
    await writeFile(file, "");
    await utimes(file, new Date(), new Date(Date.now() + 10_000));
    expect((await token()).reveal()).toBe("second");
  });
});

describe("pgaas-agent process", () => {
  it("exits 2 naming the bad field for a bad config file", async () => {
    const file = join(dir, "agent.json");
    await writeFile(
      file,
      JSON.stringify({ ...VALID, controlPlane: { ...VALID.controlPlane, url: "ftp://cp" } }),
    );
    expect(await runMain(["--config", file])).toEqual({
      code: 2,
      stderr: `pgaas-agent: invalid config ${file}: controlPlane.url: Invalid URL\n`,
    });
  });

  it("exits 2 with usage when --config is missing, and when the token file is missing", async () => {
    expect(await runMain([])).toEqual({
      code: 2,
      stderr: "pgaas-agent: --config is required\nusage: pgaas-agent --config <file>\n",
    });
    const file = join(dir, "agent-no-token.json");
    const tokenFile = join(dir, "missing.token");
    await writeFile(file, JSON.stringify({ ...VALID, controlPlane: { ...VALID.controlPlane, tokenFile } }));
    expect(await runMain([`--config=${file}`])).toEqual({
      code: 2,
      stderr: `pgaas-agent: controlPlane.tokenFile: cannot read ${tokenFile}: ENOENT: no such file or directory, open '${tokenFile}'\n`,
    });
  });
});
