// The first steps on every member: binaries present, directories in place, files uploaded (only when
// bytes differ). Each returns what changed so later steps know what to reload or restart.
import { POSTGRES_MAJOR } from "@pgaas/common/wire";
import {
  ensureAuthorizedKeyCommand,
  ensureDirectoriesCommand,
  preflightCommand,
} from "../commands/host-commands.js";
import { memberDirectories, PG_BIN_DIR } from "../layout.js";
import type { MemberSession } from "../member-session.js";
import type { RenderedFile } from "../plan-files.js";
import { PGBOUNCER_BIN } from "../render/pgbouncer-ini.js";
import { REPMGR_BIN } from "../render/repmgr-conf.js";
import { KEEPALIVED_BIN } from "../service-defs.js";

export async function preflight(
  session: MemberSession,
  needsKeepalived: boolean,
  needsPgbouncer = false,
): Promise<{ changed: false; detail: string }> {
  const binaries: Record<string, string> = {
    postgres: `${PG_BIN_DIR}/postgres`,
    pg_ctl: `${PG_BIN_DIR}/pg_ctl`,
    repmgr: REPMGR_BIN,
  };
  if (needsKeepalived) binaries.keepalived = KEEPALIVED_BIN;
  if (needsPgbouncer) binaries.pgbouncer = PGBOUNCER_BIN;
  const out = await session.sh(preflightCommand(binaries), "preflight");
  const versions = out.trim().split("\n");
  const postgres = versions.find((line) => line.startsWith("postgres="));
  if (!postgres?.includes(` ${POSTGRES_MAJOR}.`))
    throw new Error(`${session.name}: PostgreSQL ${POSTGRES_MAJOR} required, found ${postgres ?? "nothing"}`);
  return { changed: false, detail: versions.join("; ") };
}

export async function ensureDirectories(
  session: MemberSession,
  publicKey: string | undefined,
): Promise<{ changed: boolean }> {
  const out = await session.sh(
    ensureDirectoriesCommand(memberDirectories(session.member.layout)),
    "directories",
  );
  let changed = out.trim().length > 0;
  if (publicKey)
    changed =
      (await session.sh(ensureAuthorizedKeyCommand(publicKey), "authorized-key")).includes("changed") ||
      changed;
  return { changed };
}

/** Uploads every planned file, a few at a time (sshd's MaxSessions is 10 by default); returns the changed ones. */
export async function installFiles(
  session: MemberSession,
  files: readonly RenderedFile[],
): Promise<RenderedFile[]> {
  const changed: RenderedFile[] = [];
  const batch = 5;
  for (let start = 0; start < files.length; start += batch) {
    const slice = files.slice(start, start + batch);
    const results = await Promise.all(
      slice.map((file) =>
        session.ssh.upload(file.path, file.content, {
          step: `${session.name}.files`,
          mode: file.mode,
          owner: file.owner,
          group: file.group,
        }),
      ),
    );
    slice.forEach((file, index) => {
      if (results[index]?.changed) changed.push(file);
    });
  }
  return changed;
}
