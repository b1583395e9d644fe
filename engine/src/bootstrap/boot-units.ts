// Reboot survival on systemd hosts: the member's run directory comes back through tmpfiles.d and its
// PostgreSQL through an enabled oneshot unit (render/postgres-unit.ts); the other daemons' units are
// enabled by the systemd service control and ordered after it. Namespace hosts (detached) skip this.
import { shellCommand } from "@pgaas/common";
import type { MemberSession } from "../member-session.js";
import type { Member } from "../members.js";
import type { RenderedFile } from "../plan-files.js";
import { bootStartPath, renderPostgresBootStart, renderPostgresUnit } from "../render/postgres-unit.js";
import { renderTmpfilesConf, tmpfilesPath } from "../render/tmpfiles.js";
import { postgresUnitName } from "../service-defs.js";
import { UNIT_DIR } from "../services/systemd-unit.js";
import type { PairSpec } from "../spec.js";
import type { StepOutcome } from "./postgres-steps.js";

/** The boot files of a member: tmpfiles entry, boot-start script, PostgreSQL unit. Pure. */
export function planBootFiles(spec: PairSpec, member: Member): RenderedFile[] {
  const root = (path: string, content: string, mode: number): RenderedFile => ({
    path,
    content,
    mode,
    owner: "root",
    group: "root",
    affects: [],
  });
  return [
    root(tmpfilesPath(member), renderTmpfilesConf(member), 0o644),
    root(bootStartPath(member), renderPostgresBootStart(spec, member), 0o755),
    root(`${UNIT_DIR}/${postgresUnitName(member)}`, renderPostgresUnit(member), 0o644),
  ];
}

/** `systemctl is-enabled` prints "enabled" (exit 0) or "disabled"/"not-found" (non-zero). */
function enableIfNeededCommand(unit: string): string {
  const quoted = shellCommand([unit]);
  return `if [ "$(systemctl is-enabled ${quoted} 2>/dev/null)" != enabled ]; then systemctl enable ${quoted} >/dev/null && echo enabled; fi`;
}

/** Installs the boot files (writing only what differs), reloads systemd on change, enables the unit. */
export async function installBootUnits(session: MemberSession, spec: PairSpec): Promise<StepOutcome> {
  const files = planBootFiles(spec, session.member);
  const changed: string[] = [];
  for (const file of files) {
    const result = await session.ssh.upload(file.path, file.content, {
      step: `${session.name}.boot-units`,
      mode: file.mode,
      owner: file.owner,
      group: file.group,
    });
    if (result.changed) changed.push(file.path);
  }
  const tmpfiles = tmpfilesPath(session.member);
  if (changed.includes(tmpfiles))
    await session.sh(shellCommand(["systemd-tmpfiles", "--create", tmpfiles]), "tmpfiles");
  if (changed.some((path) => path.startsWith(`${UNIT_DIR}/`)))
    await session.sh("systemctl daemon-reload", "daemon-reload");
  const enabled = (
    await session.sh(enableIfNeededCommand(postgresUnitName(session.member)), "enable")
  ).trim();
  const detail = [...changed, ...(enabled ? [`${postgresUnitName(session.member)} enabled`] : [])];
  return { changed: detail.length > 0, ...(detail.length > 0 ? { detail: detail.join(", ") } : {}) };
}

/**
 * Marks the unit active over the PostgreSQL the engine started (the boot-start script adopts a running
 * server and exits 0), so that a shutdown stops it cleanly through ExecStop. A no-op when active.
 */
export async function adoptPostgres(session: MemberSession): Promise<StepOutcome> {
  const unit = shellCommand([postgresUnitName(session.member)]);
  const out = await session.sh(
    `if ! systemctl is-active --quiet ${unit}; then systemctl start ${unit} && echo started; fi`,
    "adopt-postgres",
    330_000,
  );
  return { changed: out.trim() === "started" };
}

/**
 * Teardown on systemd hosts: stops (ExecStop: pg-service stop, so before the config is removed) and
 * disables PostgreSQL's unit, then removes the unit and the tmpfiles entry. Safe to run twice.
 */
export async function removeBootUnits(session: MemberSession): Promise<StepOutcome> {
  const unit = postgresUnitName(session.member);
  const step = `${session.name}.remove-boot-units`;
  // Prints enabled/disabled/static…; nothing (exit 1) when no such unit file exists.
  const state = (await session.ssh.run(["systemctl", "is-enabled", unit], { step })).stdout.trim();
  if (state === "") return { changed: false };
  // Failure here (already stopped, already disabled) must not stop the removal.
  await session.ssh.run(["systemctl", "disable", "--now", unit], { step, timeoutMs: 200_000 });
  await session.ssh.runChecked(["rm", "-f", "--", `${UNIT_DIR}/${unit}`, tmpfilesPath(session.member)], {
    step,
  });
  await session.ssh.runChecked(["systemctl", "daemon-reload"], { step });
  return { changed: true };
}
