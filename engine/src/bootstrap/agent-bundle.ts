// Agent delivery to systemd hosts (cloud VMs): the caller hands over the single-file agent bundle
// (Node 18 syntax, no node_modules; @pgaas/agent builds it), which is uploaded over SSH to
// /opt/pgaas/agent and run by Debian's `nodejs`. The upload writes only when the bytes differ; the
// bundle's sha256 goes into the agent's service definition, so the agent restarts exactly when its
// code changed.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { shellCommand } from "@pgaas/common";
import type { MemberSession } from "../member-session.js";

export const AGENT_INSTALL_DIR = "/opt/pgaas/agent";
export const AGENT_BUNDLE_REMOTE_PATH = `${AGENT_INSTALL_DIR}/pgaas-agent.mjs`;

export interface AgentBundle {
  readonly content: Buffer;
  readonly sha256: string;
}

export async function loadAgentBundle(path: string): Promise<AgentBundle> {
  let content: Buffer;
  try {
    content = await readFile(path);
  } catch (error) {
    throw new Error(
      `agent bundle not found at ${path}: build it with \`npm run build:agent\` (npx tsx agent/build-bundle.ts)`,
      { cause: error },
    );
  }
  return { content, sha256: createHash("sha256").update(content).digest("hex") };
}

export async function uploadAgentBundle(
  session: MemberSession,
  bundle: AgentBundle,
): Promise<{ changed: boolean; detail: string }> {
  const step = `${session.name}.agent-bundle`;
  await session.ssh.runChecked(shellCommand(["install", "-d", "-m", "0755", AGENT_INSTALL_DIR]), { step });
  const { changed } = await session.ssh.upload(AGENT_BUNDLE_REMOTE_PATH, bundle.content, {
    step,
    mode: 0o644,
    owner: "root",
    group: "root",
    timeoutMs: 120_000,
  });
  return { changed, detail: `sha256 ${bundle.sha256.slice(0, 12)}` };
}
