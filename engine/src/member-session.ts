// One pair member reached over SSH: the member's shell/SQL steps (MemberCommands) over its session,
// plus service control, which needs the whole session (uploads of unit files).
import type { HostTarget } from "./hosts.js";
import { MemberCommands } from "./member-commands.js";
import type { Member } from "./members.js";
import { serviceControlFor } from "./services/index.js";
import type { ServiceControl } from "./services/service-def.js";
import type { SshSession } from "./ssh/session.js";

export { Inspection } from "./member-commands.js";

export class MemberSession extends MemberCommands {
  readonly host: HostTarget;
  readonly ssh: SshSession;
  readonly services: ServiceControl;

  constructor(member: Member, host: HostTarget, ssh: SshSession, timeoutMs = 60_000) {
    super(member, ssh, timeoutMs);
    this.host = host;
    this.ssh = ssh;
    this.services = serviceControlFor(host.serviceManager, ssh);
  }
}
