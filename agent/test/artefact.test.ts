// The one agent artefact every host runs: built from the sources and the `node` devDependency's
// runtime, unpacked away from the repository and run as a host runs it (its own bin/node, cwd /tmp, no
// node_modules in reach), once with a bad config and once against a real PostgreSQL and a recording
// control plane.
import { execFile, spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { StateReport } from "@pgaas/common/wire";
import { agentArtefactArgv } from "@pgaas/common/wire";
import { freePort, type LocalPostgres, RecordingControlPlane, startLocalPostgres } from "@pgaas/testing";
import { waitFor } from "@pgaas/testing/agent";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ArtefactResult, buildAgentArtefact } from "../build-artefact.js";
import { AGENT_ARTEFACT_NAME } from "../src/launch.js";

const TOKEN = "agt_bundle_R4nd0mT0k3n";
let dir: string;
let built: ArtefactResult;
/** Where the artefact was unpacked, as the pair engine installs it (top directory stripped). */
let installed: string;
let agentArgv: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pgaas-agent-artefact-"));
  built = await buildAgentArtefact({ outfile: join(dir, "build", `${AGENT_ARTEFACT_NAME}.tar.gz`) });
  installed = join(dir, "installed");
  await mkdir(installed);
  await promisify(execFile)("tar", ["-xzf", built.outfile, "-C", installed, "--strip-components=1"]);
  agentArgv = agentArtefactArgv(installed);
}, 120_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function runAgent(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const [node = "", ...argv] = agentArgv;
  return new Promise((resolve) => {
    execFile(node, [...argv, ...args], { cwd: "/tmp", timeout: 30_000, env: {} }, (error, _out, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stderr });
    });
  });
}

describe("agent artefact", () => {
  it("holds exactly the runtime and the bundle, the bundle importing only Node built-ins", async () => {
    const { stdout } = await promisify(execFile)("tar", ["-tzvf", built.outfile]);
    const entries = stdout
      .trim()
      .split("\n")
      .map((line) => {
        const fields = line.split(/\s+/);
        return `${fields[0]} ${fields[1]} ${fields.at(-1)}`;
      });
    expect(entries).toEqual([
      `drwxr-xr-x 0/0 ${AGENT_ARTEFACT_NAME}/`,
      `drwxr-xr-x 0/0 ${AGENT_ARTEFACT_NAME}/bin/`,
      `-rwxr-xr-x 0/0 ${AGENT_ARTEFACT_NAME}/bin/node`,
      `-rw-r--r-- 0/0 ${AGENT_ARTEFACT_NAME}/pgaas-agent.mjs`,
    ]);
    const text = await readFile(join(installed, "pgaas-agent.mjs"), "utf8");
    const specifiers = [...text.matchAll(/^import .* from "([^"]+)";$/gm)].map((match) => match[1]);
    expect(specifiers.filter((specifier) => !specifier?.startsWith("node:"))).toEqual([]);
  });

  it("ships the Node 24 runtime of the node devDependency", async () => {
    const { stdout } = await promisify(execFile)(agentArgv[0] ?? "", ["--version"], { env: {} });
    const pinned = JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8")) as {
      devDependencies: { node: string };
    };
    expect([stdout.trim(), built.nodeVersion]).toEqual([
      `v${pinned.devDependencies.node}`,
      `v${pinned.devDependencies.node}`,
    ]);
  });

  it("is byte for byte the same when built again, so hosts receive nothing new", async () => {
    const again = await buildAgentArtefact({ outfile: join(dir, "again", `${AGENT_ARTEFACT_NAME}.tar.gz`) });
    expect(again.sha256).toBe(built.sha256);
  }, 120_000);

  it("exits 2 naming the bad field for a bad config file", async () => {
    const file = join(dir, "bad.json");
    await writeFile(
      file,
      JSON.stringify({
        pairName: "orders",
        nodeName: "n1",
        controlPlane: { url: "ftp://cp", tokenFile: join(dir, "agent.token") },
        postgres: { socketDir: "/run/pgaas/orders/n1", port: 5432, dataDir: "/var/lib/pgaas/orders/n1/data" },
        repmgr: { configFile: "/etc/pgaas/orders/n1/repmgr.conf" },
        fenceMarkerFile: "/var/lib/pgaas/orders/n1/fenced",
        listen: {},
        intervals: {},
        spool: { dir: join(dir, "spool-bad") },
      }),
    );
    expect(await runAgent(["--config", file])).toEqual({
      code: 2,
      stderr: `pgaas-agent: invalid config ${file}: controlPlane.url: Invalid URL\n`,
    });
  });

  describe("against a real PostgreSQL and control plane", () => {
    let pg: LocalPostgres;
    let cp: RecordingControlPlane;

    beforeAll(async () => {
      pg = await startLocalPostgres("pgaas-bundle");
      cp = new RecordingControlPlane(TOKEN);
      await cp.start();
    }, 60_000);

    afterAll(async () => {
      await cp?.stop();
      await pg?.stop();
    });

    it("sends a state report for its primary and exits 0 on SIGTERM", async () => {
      const tokenFile = join(dir, "agent.token");
      await writeFile(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
      const configFile = join(dir, "agent.json");
      await writeFile(
        configFile,
        JSON.stringify({
          pairName: "orders",
          nodeName: "n1",
          controlPlane: { url: cp.url, tokenFile, timeoutMs: 1000 },
          postgres: { socketDir: pg.socketDir, port: pg.port, user: pg.user, dataDir: pg.dataDir },
          repmgr: { configFile: join(dir, "repmgr.conf") },
          fenceMarkerFile: join(dir, "fenced"),
          listen: { host: "127.0.0.1", port: await freePort() },
          intervals: { stateSeconds: 60, metricsSeconds: 60 },
          spool: { dir: join(dir, "spool") },
        }),
      );
      const [node = "", ...argv] = agentArgv;
      const child = spawn(node, [...argv, "--config", configFile], {
        cwd: "/tmp",
        stdio: ["ignore", "ignore", "pipe"],
      });
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      const states = () => cp.accepted.filter((r): r is StateReport => r.kind === "state");
      try {
        await waitFor("the first state report", () => states().length > 0, 20_000);
        // With 60 s intervals, exactly the start-up report has arrived.
        expect(states().length).toBe(1);
        expect(states()[0]?.state).toMatchObject({
          role: "primary",
          fenced: false,
          writable: true,
          timeline: 1,
          error: null,
        });
        expect(cp.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
      } finally {
        child.kill("SIGTERM");
      }
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      expect(await exited).toBe(0);
      clearTimeout(timer);
    }, 60_000);
  });
});
