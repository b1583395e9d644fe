// The rendered bash programs: valid syntax, and the reachability probe the fence watcher and the
// degrade command rely on behaves as intended against real sockets.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "@pgaas/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeMember } from "../src/members.js";
import { planNodeFiles, planWitnessFiles } from "../src/plan-files.js";
import { renderScriptLib } from "../src/render/scripts.js";
import { parsePairSpec } from "../src/spec.js";
import { SECRETS, SPEC } from "./fixtures.js";

const run = promisify(execFile);

describe("rendered scripts", () => {
  it("are valid bash", async () => {
    const scripts = [...planNodeFiles(SPEC, "n1", SECRETS), ...planWitnessFiles(SPEC, SECRETS)].filter((f) =>
      f.path.includes("/bin/"),
    );
    expect(scripts.length).toBe(10);
    for (const script of scripts) {
      await expect(run("bash", ["-n", "-c", script.content]), script.path).resolves.toEqual({
        stdout: "",
        stderr: "",
      });
    }
  });
});

describe("pgaas_sees_a_peer", () => {
  let dir = "";
  let peerPort = 0;
  let witnessPort = 0;
  const servers: Server[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "pgaas-scripts-"));
    peerPort = await freePort();
    witnessPort = await freePort();
  });
  afterAll(async () => {
    for (const server of servers) server.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function listen(address: string, port: number): Promise<void> {
    const server = createServer((socket) => socket.end());
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(port, address, resolve));
  }

  async function seesAPeer(): Promise<string> {
    const spec = parsePairSpec({
      name: "probe",
      postgres: { port: peerPort },
      nodes: [
        { name: "n1", address: "127.0.0.2" },
        { name: "n2", address: "127.0.0.3" },
      ],
      witness: { name: "w", address: "127.0.0.4", port: witnessPort },
      endpoint: { kind: "load-balancer", address: "127.0.0.9", port: 5432 },
      network: { nodeCidr: "127.0.0.0/8" },
    });
    const lib = join(dir, "lib.sh");
    await writeFile(lib, renderScriptLib(spec, nodeMember(spec, "n1")));
    const { stdout } = await run("bash", [
      "-c",
      `. ${lib}; if pgaas_sees_a_peer; then echo seen; else echo alone; fi`,
    ]);
    return stdout.trim();
  }

  it("is alone when neither the standby nor the witness answers", async () => {
    expect(await seesAPeer()).toBe("alone");
  });

  it("sees the witness alone", async () => {
    await listen("127.0.0.4", witnessPort);
    expect(await seesAPeer()).toBe("seen");
  });

  it("sees the standby", async () => {
    await listen("127.0.0.3", peerPort);
    expect(await seesAPeer()).toBe("seen");
  });
});
