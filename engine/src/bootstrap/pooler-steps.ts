// PgBouncer on a node: its [databases] include exists (the agent owns its content afterwards, so an
// existing one is never overwritten), then the daemon runs. Only while the spec enables the pooler.
import type { MemberSession } from "../member-session.js";
import type { RenderedFile } from "../plan-files.js";
import { renderPgbouncerDatabases } from "../render/pgbouncer-ini.js";
import { pgbouncerService } from "../service-defs.js";
import { MISSING_FILE_EXIT, readFileCommand } from "../ssh/remote-script.js";
import type { StepOutcome } from "./postgres-steps.js";

export async function ensurePooler(
  session: MemberSession,
  files: readonly RenderedFile[],
): Promise<StepOutcome> {
  const layout = session.member.layout;
  const step = `${session.name}.pooler`;
  const read = await session.ssh.run(readFileCommand(layout.pgbouncerDatabases), { step });
  let created = false;
  if (read.code === MISSING_FILE_EXIT) {
    const empty = renderPgbouncerDatabases({ socketDir: layout.runDir, port: session.member.port }, []);
    await session.ssh.upload(layout.pgbouncerDatabases, empty, {
      step,
      mode: 0o640,
      owner: "postgres",
      group: "postgres",
    });
    created = true;
  }
  const running = await session.services.ensureRunning(pgbouncerService(session.member, files));
  return {
    changed: created || running.changed,
    ...(created ? { detail: "no database pooled yet" } : {}),
  };
}
