// SQL on another pair member (the new primary, the witness) from this host, over TCP as repmgr with
// the pair's password file: the rejoin steps need the primary, and the agent has no SSH to it.
import {
  type CommandTransport,
  type Member,
  psqlConninfoCommand,
  repmgrConninfo,
  type SqlTarget,
} from "@pgaas/engine/self-heal";

const SQL_TIMEOUT_MS = 60_000;

export function peerSql(member: Member, transport: CommandTransport): SqlTarget {
  return {
    name: member.name,
    member,
    async sql(sql, step, database) {
      const command = psqlConninfoCommand(repmgrConninfo(member, database ? { database } : {}));
      const result = await transport.runChecked(command, {
        step: `${member.name}.${step}`,
        stdin: sql.endsWith("\n") ? sql : `${sql};\n`,
        timeoutMs: SQL_TIMEOUT_MS,
      });
      return result.stdout.trim();
    },
  };
}
