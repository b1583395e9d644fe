// What every step does on one pair member, independent of how commands reach it: over SSH from the
// engine (MemberSession) or on the host itself (the agent's automatic rejoin). Shell and SQL only.
import { z } from "zod";
import { inspectMemberCommand } from "./commands/host-commands.js";
import { psqlCommand } from "./commands/pg-commands.js";
import { PG_BIN_DIR } from "./layout.js";
import type { Member } from "./members.js";
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

/** Runs a shell command on the member's host; a non-zero exit throws `SshCommandError`. */
export type CommandTransport = Pick<SshSession, "runChecked">;

/** Runs SQL as a superuser on some member: all a step needs of the primary it works against. */
export interface SqlTarget {
  readonly name: string;
  readonly member: Member;
  sql(sql: string, step: string, database?: string): Promise<string>;
}

export class MemberCommands implements SqlTarget {
  readonly member: Member;
  readonly transport: CommandTransport;
  /** Limit for commands that do not set their own (status probes use a short one). */
  readonly timeoutMs: number;

  constructor(member: Member, transport: CommandTransport, timeoutMs = 60_000) {
    this.member = member;
    this.transport = transport;
    this.timeoutMs = timeoutMs;
  }

  get name(): string {
    return this.member.name;
  }

  async sh(command: string, step: string, timeoutMs = this.timeoutMs): Promise<string> {
    const result = await this.transport.runChecked(command, { step: `${this.name}.${step}`, timeoutMs });
    return result.stdout;
  }

  /** Runs SQL as postgres over the local socket; returns psql's unaligned output, trimmed. */
  async sql(sql: string, step: string, database = "postgres"): Promise<string> {
    const result = await this.transport.runChecked(
      psqlCommand(this.member.layout, this.member.port, database),
      {
        step: `${this.name}.${step}`,
        stdin: sql.endsWith("\n") ? sql : `${sql};\n`,
        timeoutMs: this.timeoutMs,
      },
    );
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
