// keepalived on a node: running with the service definition, and its configuration applied by a
// reload (SIGHUP), never a restart. A restart drops the VIP from the primary until the new process
// wins the election again (~2 s measured when a replaced node's address changed its unicast_peer);
// a reload keeps the instance's state and the VIP where it is. Which keepalived.conf the running
// process has read is recorded next to its PID file, so a run interrupted after the upload and
// before the reload still reloads on the next run.
import { createHash } from "node:crypto";
import { shellCommand } from "@pgaas/common";
import type { MemberSession } from "../member-session.js";
import type { RenderedFile } from "../plan-files.js";
import { keepalivedService } from "../service-defs.js";
import type { StepOutcome } from "./postgres-steps.js";

/** Where the sha256 of the keepalived.conf the running keepalived has read is kept (tmpfs: gone at boot). */
export function keepalivedAppliedFile(session: MemberSession): string {
  return `${session.member.layout.runDir}/keepalived.conf.applied`;
}

export async function ensureKeepalived(
  session: MemberSession,
  files: readonly RenderedFile[],
): Promise<StepOutcome> {
  const def = keepalivedService(session.member, files);
  const conf = files.find((file) => file.path === session.member.layout.keepalivedConf);
  if (!conf) throw new TypeError(`${session.name}: no keepalived.conf planned`);
  const wanted = createHash("sha256").update(conf.content).digest("hex");
  const marker = keepalivedAppliedFile(session);
  const started = await session.services.ensureRunning(def);
  const applied = started.changed
    ? ""
    : (await session.sh(`cat ${shellCommand([marker])} 2>/dev/null || true`, "keepalived-applied")).trim();
  let outcome: StepOutcome = started;
  if (!started.changed && applied !== wanted) {
    const status = await session.services.status(def);
    if (!status.running || status.pid === undefined)
      throw new Error(`${session.name}: keepalived is not running`);
    await session.sh(`kill -HUP ${Number(status.pid)}`, "keepalived-reload");
    outcome = { changed: true, detail: "reloaded (SIGHUP): the VIP stays where it is" };
  }
  if (applied !== wanted) {
    await session.sh(
      `printf '%s\\n' ${shellCommand([wanted])} > ${shellCommand([marker])}`,
      "keepalived-applied",
    );
  }
  return outcome;
}
