// One pair member reached over SSH: its session, its service control and the few actions every
// step needs (SQL over the local socket, inspecting its data directory).
import { z } from "zod";
import { inspectMemberCommand } from "./commands/host-commands.js";
import { psqlCommand } from "./commands/pg-commands.js";
import type { HostTarget } from "./hosts.js";
import { PG_BIN_DIR } from "./layout.js";
import type { Member } from "./members.js";
import { serviceControlFor } from "./services/index.js";
import type { ServiceControl } from "./services/service-def.js";
import { MEMBER_STATE_SQL, MemberState } from "./sql/status-sql.js";
import type { SshSession } from "./ssh/session.js";

export const Inspection = z.object({
  exists: z.boolean(),
  complete: z.boolean(),
  standbySignal: z.boolean(),
  fenced: z.boolean(),
  running: z.boolean(),
  timeline: z.number().int().nullable(),
  clusterState: z.string(),
});
export type Inspection = z.infer<typeof Inspection>;

export class MemberSession {
  readonly member: Member;
  readonly host: HostTarget;
  readonly ssh: SshSession;
  readonly services: ServiceControl;
  /** Limit for commands that do not set their own (status probes use a short one). */
  readonly timeoutMs: number;

  constructor(member: Member, host: HostTarget, ssh: SshSession, timeoutMs = 60_000) {
    this.member = member;
    this.host = host;
    this.ssh = ssh;
    this.services = serviceControlFor(host.serviceManager, ssh);
    this.timeoutMs = timeoutMs;
  }

  get name(): string {
    return this.member.name;
  }

  async sh(command: string, step: string, timeoutMs = this.timeoutMs): Promise<string> {
    const result = await this.ssh.runChecked(command, { step: `${this.name}.${step}`, timeoutMs });
    return result.stdout;
  }

  /** Runs SQL as postgres over the local socket; returns psql's unaligned output, trimmed. */
  async sql(sql: string, step: string, database = "postgres"): Promise<string> {
    const result = await this.ssh.runChecked(psqlCommand(this.member.layout, this.member.port, database), {
      step: `${this.name}.${step}`,
      stdin: sql.endsWith("\n") ? sql : `${sql};\n`,
      timeoutMs: this.timeoutMs,
    });
    return result.stdout.trim();
  }

  async inspect(): Promise<Inspection> {
    const layout = this.member.layout;
    const out = await this.sh(
      inspectMemberCommand({
        dataDir: layout.dataDir,
        fenceMarker: layout.fenceMarker,
        completeMarker: layout.dataCompleteMarker,
        pgBin: PG_BIN_DIR,
      }),
      "inspect",
    );
    return Inspection.parse(JSON.parse(out.trim()));
  }

  async state(): Promise<MemberState> {
    return MemberState.parse(JSON.parse(await this.sql(MEMBER_STATE_SQL, "state")));
  }
}
