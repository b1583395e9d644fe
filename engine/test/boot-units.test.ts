// The systemd side of a member (cloud VMs): boot files and every daemon's unit, byte for byte, plus the
// facts that make a reboot safe (boot order, fenced primaries stay down, repmgrd never kills postgres).
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { Secret } from "@pgaas/common";
import { describe, expect, it } from "vitest";
import { planBootFiles } from "../src/bootstrap/boot-units.js";
import { nodeMember, planNodeFiles, witnessMember } from "../src/index.js";
import { agentService, fenceWatcherService, keepalivedService, repmgrdService } from "../src/service-defs.js";
import {
  renderEnvFile,
  renderSystemdUnit,
  type SystemdServiceDef,
  unitPath,
} from "../src/services/systemd-unit.js";
import { SECRETS, SPEC } from "./fixtures.js";

const GOLDEN_DIR = new URL("./golden/systemd/", import.meta.url);
const ARTEFACT_SHA256 = "ab".repeat(32);

async function checkGolden(name: string, content: string): Promise<void> {
  const url = new URL(name, GOLDEN_DIR);
  if (process.env.UPDATE_GOLDEN === "1") {
    await mkdir(GOLDEN_DIR, { recursive: true });
    await writeFile(url, content);
  }
  expect(content, name).toBe(await readFile(url, "utf8"));
}

const n1 = nodeMember(SPEC, "n1");
const n1Files = planNodeFiles(SPEC, "n1", SECRETS, { agentToken: new Secret("agent-token-n1") });
const daemons: SystemdServiceDef[] = [
  repmgrdService(n1, n1Files),
  keepalivedService(n1, n1Files),
  fenceWatcherService(n1, n1Files),
  agentService(n1, n1Files, ARTEFACT_SHA256),
];
const lines = (text: string) => text.split("\n");

describe("boot files", () => {
  it("plans exactly the tmpfiles entry, the boot-start script and the PostgreSQL unit", () => {
    const plan = (files: ReturnType<typeof planBootFiles>) =>
      files.map((f) => `${f.path} ${f.mode.toString(8)} ${f.owner}`);
    expect(plan(planBootFiles(SPEC, n1))).toEqual([
      "/etc/tmpfiles.d/pgaas-orders-n1.conf 644 root",
      "/etc/pgaas/orders/n1/bin/pg-boot-start 755 root",
      "/etc/systemd/system/pgaas-postgres-orders-n1.service 644 root",
    ]);
    expect(plan(planBootFiles(SPEC, witnessMember(SPEC)))).toEqual([
      "/etc/tmpfiles.d/pgaas-orders-w.conf 644 root",
      "/etc/pgaas/orders/w/bin/pg-boot-start 755 root",
      "/etc/systemd/system/pgaas-postgres-orders-w.service 644 root",
    ]);
  });

  it("match the golden files byte for byte", async () => {
    for (const member of [n1, witnessMember(SPEC)]) {
      for (const file of planBootFiles(SPEC, member)) {
        await checkGolden(`${member.name}_${file.path.split("/").at(-1)}`, file.content);
      }
    }
  });

  it("recreate the run directory at boot, owned by postgres", () => {
    const [tmpfiles] = planBootFiles(SPEC, n1);
    expect(lines(tmpfiles?.content ?? "").slice(2)).toEqual([
      "d /run/pgaas 0755 root root -",
      "d /run/pgaas/orders 0755 root root -",
      "d /run/pgaas/orders/n1 0755 postgres postgres -",
      "",
    ]);
  });

  it("start PostgreSQL once at boot through pg-boot-start and stop it with pg-service", () => {
    const unit = planBootFiles(SPEC, n1)[2]?.content ?? "";
    for (const line of [
      "After=network-online.target systemd-tmpfiles-setup.service",
      "Type=oneshot",
      "RemainAfterExit=yes",
      "User=postgres",
      "ExecStart=/etc/pgaas/orders/n1/bin/pg-boot-start",
      "ExecStop=-/etc/pgaas/orders/n1/bin/pg-service stop",
      "Restart=no",
      "WantedBy=multi-user.target",
    ]) {
      expect(lines(unit)).toContain(line);
    }
  });
});

describe("daemon units on systemd hosts", () => {
  it("match the golden files byte for byte, with their env files", async () => {
    for (const def of daemons) {
      await checkGolden(`${def.name}.service`, renderSystemdUnit(def));
      const env = renderEnvFile(def) ?? "";
      // The agent's env carries the bundle hash: a new bundle restarts it, an unchanged one does not.
      if (def.name.startsWith("agent-"))
        expect(lines(env)).toContain(`PGAAS_AGENT_ARTEFACT_SHA256="${ARTEFACT_SHA256}"`);
    }
    expect(daemons.map((def) => unitPath(def.name))).toEqual([
      "/etc/systemd/system/pgaas-repmgrd-orders-n1.service",
      "/etc/systemd/system/pgaas-keepalived-orders-n1.service",
      "/etc/systemd/system/pgaas-fence-orders-n1.service",
      "/etc/systemd/system/pgaas-agent-orders-n1.service",
    ]);
  });

  it("start after the member's PostgreSQL unit and are enabled for boot", () => {
    for (const def of daemons) {
      const unit = lines(renderSystemdUnit(def));
      expect(unit, def.name).toContain("After=network-online.target pgaas-postgres-orders-n1.service");
      expect(unit, def.name).toContain("WantedBy=multi-user.target");
      // Ordering only: starting a daemon never pulls PostgreSQL up behind the engine's back.
      expect(unit.filter((line) => line.startsWith("Wants=") || line.startsWith("Requires="))).toEqual([
        "Wants=network-online.target",
      ]);
    }
  });

  it("stops only repmgrd's main process, so a PostgreSQL it started survives its restart", () => {
    expect(daemons.map((def) => lines(renderSystemdUnit(def)).includes("KillMode=process"))).toEqual([
      true,
      false,
      false,
      false,
    ]);
  });

  it("runs the installed agent artefact with its own runtime", () => {
    expect(lines(renderSystemdUnit(daemons[3] as SystemdServiceDef))).toContain(
      "ExecStart=/opt/pgaas/orders/n1/agent/bin/node --max-semi-space-size=1 /opt/pgaas/orders/n1/agent/pgaas-agent.mjs --config /etc/pgaas/orders/n1/agent.json",
    );
  });
});
