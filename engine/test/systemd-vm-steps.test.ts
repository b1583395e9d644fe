// The bootstrap additions that only run on systemd hosts (cloud VMs), against a simulated VM (real
// bash, stand-in systemctl; see simulated-vm.ts): boot units installed and enabled once, PostgreSQL
// adopted by its unit once, the agent artefact installed only when its hash differs and the agent
// restarted exactly then. What this cannot prove: real systemd behaviour at boot (no systemd here).
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Secret, shellCommand } from "@pgaas/common";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AGENT_ARTEFACT_HASH_FILE,
  installAgentArtefact,
  loadAgentArtefact,
} from "../src/bootstrap/agent-artefact.js";
import { adoptPostgres, installBootUnits, removeBootUnits } from "../src/bootstrap/boot-units.js";
import { nodeMember, planNodeFiles } from "../src/index.js";
import { MemberSession } from "../src/member-session.js";
import { agentService } from "../src/service-defs.js";
import { SECRETS, SPEC } from "./fixtures.js";
import { type SimulatedVm, simulatedVm } from "./simulated-vm.js";

const run = promisify(execFile);
const n1 = nodeMember(SPEC, "n1");
const files = planNodeFiles(SPEC, "n1", SECRETS, { agentToken: new Secret("agent-token-n1") });
let vm: SimulatedVm;
let session: MemberSession;
let dir: string;

beforeAll(async () => {
  vm = await simulatedVm("n1");
  session = new MemberSession(n1, { ssh: vm.session.target, serviceManager: "systemd" }, vm.session);
  dir = await mkdtemp(join(tmpdir(), "pgaas-bundle-src-"));
});

afterAll(async () => {
  await vm?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("boot units on a systemd host", () => {
  it("installs the boot files, creates the run directory, reloads systemd and enables PostgreSQL's unit", async () => {
    await vm.clearCalls();
    expect(await installBootUnits(session, SPEC)).toEqual({
      changed: true,
      detail:
        "/etc/tmpfiles.d/pgaas-orders-n1.conf, /etc/pgaas/orders/n1/bin/pg-boot-start, /etc/systemd/system/pgaas-postgres-orders-n1.service, pgaas-postgres-orders-n1.service enabled",
    });
    expect(await vm.calls()).toEqual([
      "systemd-tmpfiles --create /etc/tmpfiles.d/pgaas-orders-n1.conf",
      "systemctl daemon-reload",
      "systemctl is-enabled pgaas-postgres-orders-n1.service",
      "systemctl enable pgaas-postgres-orders-n1.service",
    ]);
    expect(vm.files.get("/etc/pgaas/orders/n1/bin/pg-boot-start")?.mode).toBe(0o755);
  });

  it("changes nothing when run again", async () => {
    await vm.clearCalls();
    expect(await installBootUnits(session, SPEC)).toEqual({ changed: false });
    expect(await vm.calls()).toEqual(["systemctl is-enabled pgaas-postgres-orders-n1.service"]);
  });

  it("has the unit adopt the running PostgreSQL once", async () => {
    await vm.clearCalls();
    expect(await adoptPostgres(session)).toEqual({ changed: true });
    expect(await adoptPostgres(session)).toEqual({ changed: false });
    expect(await vm.calls()).toEqual([
      "systemctl is-active --quiet pgaas-postgres-orders-n1.service",
      "systemctl start pgaas-postgres-orders-n1.service",
      "systemctl is-active --quiet pgaas-postgres-orders-n1.service",
    ]);
  });
});

describe("boot units at teardown", () => {
  it("stops and disables PostgreSQL's unit and removes its files, once", async () => {
    await vm.clearCalls();
    expect(await removeBootUnits(session)).toEqual({ changed: true });
    expect(await removeBootUnits(session)).toEqual({ changed: false });
    expect(await vm.calls()).toEqual([
      "systemctl is-enabled pgaas-postgres-orders-n1.service",
      "systemctl disable --now pgaas-postgres-orders-n1.service",
      "rm -f -- /etc/systemd/system/pgaas-postgres-orders-n1.service /etc/tmpfiles.d/pgaas-orders-n1.conf",
      "systemctl daemon-reload",
      "systemctl is-enabled pgaas-postgres-orders-n1.service",
    ]);
  });
});

describe("agent delivery on a systemd host", () => {
  // The member's agent directory inside the simulated VM's scratch space, where the install script
  // really runs (real tar, real sha256sum).
  let member: typeof n1;
  let agentSession: MemberSession;
  beforeAll(() => {
    member = { ...n1, layout: { ...n1.layout, agentDir: join(vm.root, "opt/orders/n1/agent") } };
    agentSession = new MemberSession(
      member,
      { ssh: vm.session.target, serviceManager: "systemd" },
      vm.session,
    );
  });

  /** A stand-in artefact with the real layout: a top directory holding bin/node and the bundle. */
  const artefactFile = async (code: string): Promise<string> => {
    const top = join(dir, "pgaas-agent-0.0.0-linux-x64");
    await rm(top, { recursive: true, force: true });
    await mkdir(join(top, "bin"), { recursive: true });
    await writeFile(join(top, "bin", "node"), "#!/bin/sh\n", { mode: 0o755 });
    await writeFile(join(top, "pgaas-agent.mjs"), code);
    const path = join(dir, "artefact.tar.gz");
    // Fixed times, as the real build packs it: the same content gives the same bytes.
    const tar = shellCommand([
      "tar",
      "--mtime=@0",
      "--sort=name",
      "-C",
      dir,
      "-cf",
      "-",
      "pgaas-agent-0.0.0-linux-x64",
    ]);
    await run("bash", ["-c", `${tar} | gzip -n > ${shellCommand([path])}`]);
    return path;
  };

  const deliver = async (code: string) => {
    const artefact = await loadAgentArtefact(await artefactFile(code));
    await vm.clearCalls();
    const install = await installAgentArtefact(agentSession, artefact);
    const agent = await agentSession.services.ensureRunning(agentService(member, files, artefact.sha256));
    const calls = await vm.calls();
    return {
      installed: install.changed,
      transferred: calls.includes("bash -c <script>"),
      agentChanged: agent.changed,
      restarts: calls.filter((call) => /^systemctl (start|restart) /.test(call)),
      bundle: await readFile(join(member.layout.agentDir, "pgaas-agent.mjs"), "utf8"),
      hash: (await readFile(join(member.layout.agentDir, AGENT_ARTEFACT_HASH_FILE), "utf8")).trim(),
      sha256: artefact.sha256,
    };
  };

  it("installs the artefact into the member's agent directory and starts the agent from its runtime", async () => {
    const first = await deliver("console.log('v1');\n");
    expect(first).toEqual({
      installed: true,
      transferred: true,
      agentChanged: true,
      restarts: ["systemctl start pgaas-agent-orders-n1.service"],
      bundle: "console.log('v1');\n",
      hash: first.sha256,
      sha256: first.sha256,
    });
    const agentDir = member.layout.agentDir;
    expect((await stat(join(agentDir, "bin", "node"))).mode & 0o777).toBe(0o755);
    expect(vm.files.get("/etc/systemd/system/pgaas-agent-orders-n1.service")?.content.toString()).toContain(
      `ExecStart=${agentDir}/bin/node --max-semi-space-size=1 ${agentDir}/pgaas-agent.mjs --config /etc/pgaas/orders/n1/agent.json`,
    );
  });

  it("neither transfers nor restarts for the same artefact", async () => {
    expect(await deliver("console.log('v1');\n")).toMatchObject({
      installed: false,
      transferred: false,
      agentChanged: false,
      restarts: [],
    });
  });

  it("replaces a changed artefact and restarts the agent exactly once", async () => {
    expect(await deliver("console.log('v2');\n")).toMatchObject({
      installed: true,
      transferred: true,
      agentChanged: true,
      restarts: ["systemctl restart pgaas-agent-orders-n1.service"],
      bundle: "console.log('v2');\n",
    });
  });

  it("keeps the installed agent when the bytes that arrive do not match their hash", async () => {
    const artefact = await loadAgentArtefact(await artefactFile("console.log('v3');\n"));
    await expect(
      installAgentArtefact(agentSession, { content: artefact.content, sha256: "00".repeat(32) }),
    ).rejects.toThrow("n1.agent-artefact: exit 1");
    expect(await readFile(join(member.layout.agentDir, "pgaas-agent.mjs"), "utf8")).toBe(
      "console.log('v2');\n",
    );
  });

  it("names the build command when the artefact is missing", async () => {
    const missing = join(dir, "nope.tar.gz");
    await expect(loadAgentArtefact(missing)).rejects.toMatchObject({
      code: "agent_artefact_missing",
      message: `agent artefact not found at ${missing}: build it with \`npm run build:agent\``,
    });
  });
});
