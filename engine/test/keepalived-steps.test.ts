// ensureKeepalived: a changed keepalived.conf reaches the running keepalived by SIGHUP (the VIP stays),
// never by a restart; a run interrupted after the upload still reloads. The member session is a
// recording stand-in: nothing is signalled on this machine.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ensureKeepalived } from "../src/bootstrap/keepalived-steps.js";
import type { MemberSession } from "../src/member-session.js";
import { nodeMember } from "../src/members.js";
import { planNodeFiles, type RenderedFile } from "../src/plan-files.js";
import { keepalivedService } from "../src/service-defs.js";
import { parsePairSpec } from "../src/spec.js";
import { SECRETS, SPEC, SPEC_INPUT } from "./fixtures.js";

const member = nodeMember(SPEC, "n1");
const marker = `${member.layout.runDir}/keepalived.conf.applied`;

function standIn(options: { started: boolean; applied: string }) {
  const commands: string[] = [];
  const session = {
    name: "n1",
    member,
    services: {
      ensureRunning: async () => ({ changed: options.started }),
      status: async () => ({ running: true, pid: 4242 }),
    },
    sh: async (command: string) => {
      commands.push(command);
      return command.startsWith("cat ") ? `${options.applied}\n` : "";
    },
  } as unknown as MemberSession;
  return { session, commands };
}

function confHash(files: readonly RenderedFile[]): string {
  const conf = files.find((file) => file.path === member.layout.keepalivedConf);
  return createHash("sha256")
    .update(conf?.content ?? "")
    .digest("hex");
}

const files = planNodeFiles(SPEC, "n1", SECRETS);

describe("ensureKeepalived", () => {
  it("does nothing when the running keepalived has read this configuration", async () => {
    const { session, commands } = standIn({ started: false, applied: confHash(files) });
    expect(await ensureKeepalived(session, files)).toEqual({ changed: false });
    expect(commands).toEqual([`cat ${marker} 2>/dev/null || true`]);
  });

  it("reloads a running keepalived with SIGHUP when its configuration changed, and records it", async () => {
    const { session, commands } = standIn({ started: false, applied: "an-older-configuration" });
    expect(await ensureKeepalived(session, files)).toEqual({
      changed: true,
      detail: "reloaded (SIGHUP): the VIP stays where it is",
    });
    expect(commands).toEqual([
      `cat ${marker} 2>/dev/null || true`,
      "kill -HUP 4242",
      `printf '%s\\n' ${confHash(files)} > ${marker}`,
    ]);
  });

  it("records the configuration a freshly started keepalived read, without a reload", async () => {
    const { session, commands } = standIn({ started: true, applied: "" });
    expect(await ensureKeepalived(session, files)).toEqual({ changed: true });
    expect(commands).toEqual([`printf '%s\\n' ${confHash(files)} > ${marker}`]);
  });

  it("keeps keepalived.conf out of the service definition: a new peer address restarts nothing", () => {
    const moved = parsePairSpec({
      ...SPEC_INPUT,
      nodes: [SPEC_INPUT.nodes[0], { name: "n2", address: "10.40.0.99" }],
    });
    const movedFiles = planNodeFiles(moved, "n1", SECRETS);
    expect(confHash(movedFiles)).not.toBe(confHash(files));
    expect(keepalivedService(member, movedFiles).env).toEqual(keepalivedService(member, files).env);
  });
});
