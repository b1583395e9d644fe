// The single-file agent bundle cloud VMs run: built with target node18 (the build fails on any syntax
// Node 18 lacks), then run as a plain `node pgaas-agent.mjs` from /tmp with no node_modules in reach,
// once with a bad config and once against a real PostgreSQL and a recording control plane.
import { execFile, spawn } from "node:child_process";
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StateReport } from "@pgaas/common/wire";
import { freePort, type LocalPostgres, RecordingControlPlane, startLocalPostgres } from "@pgaas/testing";
import { waitFor } from "@pgaas/testing/agent";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUNDLE_NODE_TARGET, buildAgentBundle } from "../build-bundle.js";

const TOKEN = "agt_bundle_R4nd0mT0k3n";
let dir: string;
let bundle: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pgaas-agent-bundle-"));
  const built = await buildAgentBundle({ outfile: join(dir, "build", "pgaas-agent.mjs") });
  // Away from the repository: a bundle that still imported a package would fail to resolve here.
  bundle = join(dir, "pgaas-agent.mjs");
  await copyFile(built.outfile, bundle);
}, 60_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function runBundle(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bundle, ...args], { cwd: "/tmp", timeout: 30_000 }, (error, _out, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stderr });
    });
  });
}

describe(`agent bundle (${BUNDLE_NODE_TARGET})`, () => {
  it("is one ES module with no import of anything but Node built-ins", async () => {
    const text = await readFile(bundle, "utf8");
    const specifiers = [...text.matchAll(/^import .* from "([^"]+)";$/gm)].map((match) => match[1]);
    expect(specifiers.filter((specifier) => !specifier?.startsWith("node:"))).toEqual([]);
    expect(text.startsWith("#!/usr/bin/env node\n")).toBe(true);
  });

  it("calls none of the runtime APIs Node 18 lacks (esbuild checks syntax only)", async () => {
    const text = await readFile(bundle, "utf8");
    const newerThan18 = [
      ".toSorted(",
      ".toReversed(",
      ".toSpliced(",
      "Promise.withResolvers",
      "Object.groupBy",
      "Map.groupBy",
      "Array.fromAsync",
      "AbortSignal.any",
      "import.meta.dirname",
      "import.meta.filename",
      "process.loadEnvFile",
    ];
    expect(newerThan18.filter((api) => text.includes(api))).toEqual([]);
  });

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
    expect(await runBundle(["--config", file])).toEqual({
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
      const child = spawn(process.execPath, [bundle, "--config", configFile], {
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
