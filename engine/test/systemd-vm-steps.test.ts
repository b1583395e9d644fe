// The bootstrap additions that only run on systemd hosts (cloud VMs), against a simulated VM (real
// bash, stand-in systemctl; see simulated-vm.ts): boot units installed and enabled once, PostgreSQL
// adopted by its unit once, the agent bundle uploaded only when its bytes differ and the agent
// restarted exactly then. What this cannot prove: real systemd behaviour at boot (no systemd here).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Secret } from "@pgaas/common";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AGENT_BUNDLE_REMOTE_PATH,
  loadAgentBundle,
  uploadAgentBundle,
} from "../src/bootstrap/agent-bundle.js";
import { adoptPostgres, installBootUnits, removeBootUnits } from "../src/bootstrap/boot-units.js";
import { DEFAULT_AGENT_ARGV } from "../src/bootstrap/bootstrap.js";
import { nodeMember, planNodeFiles } from "../src/index.js";
import { MemberSession } from "../src/member-session.js";
import { agentService } from "../src/service-defs.js";
import { SECRETS, SPEC } from "./fixtures.js";
import { type SimulatedVm, simulatedVm } from "./simulated-vm.js";

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
  const deliver = async (code: string) => {
    const path = join(dir, "pgaas-agent.mjs");
    await writeFile(path, code);
    const bundle = await loadAgentBundle(path);
    await vm.clearCalls();
    const upload = await uploadAgentBundle(session, bundle);
    const agent = await session.services.ensureRunning(
      agentService(n1, files, DEFAULT_AGENT_ARGV, bundle.sha256),
    );
    const restarts = (await vm.calls()).filter((call) => /^systemctl (start|restart) /.test(call));
    return { uploaded: upload.changed, agentChanged: agent.changed, restarts };
  };

  it("uploads the bundle and starts the agent from it", async () => {
    expect(await deliver("console.log('v1');\n")).toEqual({
      uploaded: true,
      agentChanged: true,
      restarts: ["systemctl start pgaas-agent-orders-n1.service"],
    });
    const installed = vm.files.get(AGENT_BUNDLE_REMOTE_PATH);
    expect(installed?.content.toString("utf8")).toBe("console.log('v1');\n");
    expect([installed?.mode, installed?.owner]).toEqual([0o644, "root"]);
    expect(vm.files.get("/etc/systemd/system/pgaas-agent-orders-n1.service")?.content.toString()).toContain(
      "ExecStart=/usr/bin/node --max-semi-space-size=1 /opt/pgaas/agent/pgaas-agent.mjs --config /etc/pgaas/orders/n1/agent.json",
    );
  });

  it("neither writes nor restarts for the same bundle", async () => {
    expect(await deliver("console.log('v1');\n")).toEqual({
      uploaded: false,
      agentChanged: false,
      restarts: [],
    });
  });

  it("writes a changed bundle and restarts the agent exactly once", async () => {
    expect(await deliver("console.log('v2');\n")).toEqual({
      uploaded: true,
      agentChanged: true,
      restarts: ["systemctl restart pgaas-agent-orders-n1.service"],
    });
  });

  it("names the build command when the bundle is missing", async () => {
    const missing = join(dir, "nope.mjs");
    await expect(loadAgentBundle(missing)).rejects.toThrow(
      `agent bundle not found at ${missing}: build it with \`npm run build:agent\` (npx tsx agent/build-bundle.ts)`,
    );
  });
});
