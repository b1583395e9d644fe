// Agent delivery to every host, namespace host or VM alike: the caller hands over the agent artefact
// (a gzipped tar of the bundled agent and its Node runtime; @pgaas/agent builds it, the engine never
// imports it), which is installed into the member's own agent directory. The host keeps the sha256 of
// what it installed, so the bytes cross the SSH connection only when that hash differs; the hash also
// goes into the agent's service definition, so the agent restarts exactly when its code changed.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { InputError, shellQuote } from "@pgaas/common";
import type { MemberSession } from "../member-session.js";
import type { SshSession } from "../ssh/session.js";

/** The file beside the installed artefact that names its sha256. */
export const AGENT_ARTEFACT_HASH_FILE = "artefact.sha256";

export interface AgentArtefact {
  readonly content: Buffer;
  readonly sha256: string;
}

/** Reads an artefact file and its sha256; a missing one names the command that builds it. */
export async function loadArtefact(
  path: string,
  missing: { readonly what: string; readonly build: string; readonly code: string },
): Promise<AgentArtefact> {
  let content: Buffer;
  try {
    content = await readFile(path);
  } catch (error) {
    throw new InputError(`${missing.what} not found at ${path}: build it with \`${missing.build}\``, {
      code: missing.code,
      cause: error,
    });
  }
  return { content, sha256: createHash("sha256").update(content).digest("hex") };
}

export function loadAgentArtefact(path: string): Promise<AgentArtefact> {
  return loadArtefact(path, {
    what: "agent artefact",
    build: "npm run build:agent",
    code: "agent_artefact_missing",
  });
}

/**
 * Reads the archive from stdin into a temporary file, checks its sha256, unpacks it beside the
 * installed one and swaps the directories, so a broken transfer never replaces a working agent. A
 * running agent keeps its open files; the service restart that follows picks up the new ones.
 */
export function installArtefactScript(dir: string, sha256: string): string {
  const d = shellQuote(dir);
  return [
    "set -euo pipefail",
    `dir=${d}`,
    'install -d -m 0755 "$(dirname "$dir")"',
    'rm -rf -- "$dir.new" "$dir.old" "$dir.tar.gz"',
    'cat > "$dir.tar.gz"',
    `printf '%s  %s\\n' ${shellQuote(sha256)} "$dir.tar.gz" | sha256sum --check --status`,
    'install -d -m 0755 "$dir.new"',
    'tar -xzf "$dir.tar.gz" -C "$dir.new" --strip-components=1 --no-same-owner',
    'rm -f -- "$dir.tar.gz"',
    `printf '%s\\n' ${shellQuote(sha256)} > "$dir.new/${AGENT_ARTEFACT_HASH_FILE}"`,
    'if [ -e "$dir" ]; then mv -- "$dir" "$dir.old"; fi',
    'mv -- "$dir.new" "$dir"',
    'rm -rf -- "$dir.old"',
  ].join("\n");
}

/**
 * Installs `artefact` into `dir` on the host unless the hash file there already names its sha256:
 * the bytes cross the connection only when they changed.
 */
export async function installArtefact(
  ssh: SshSession,
  dir: string,
  artefact: AgentArtefact,
  step: string,
): Promise<{ changed: boolean; detail: string }> {
  const detail = `sha256 ${artefact.sha256.slice(0, 12)}`;
  const installed = await ssh.readFile(`${dir}/${AGENT_ARTEFACT_HASH_FILE}`, { step });
  if (installed?.trim() === artefact.sha256) return { changed: false, detail };
  await ssh.runChecked(["bash", "-c", installArtefactScript(dir, artefact.sha256)], {
    step,
    stdin: artefact.content,
    timeoutMs: 300_000,
  });
  return { changed: true, detail };
}

export function installAgentArtefact(
  session: MemberSession,
  artefact: AgentArtefact,
): Promise<{ changed: boolean; detail: string }> {
  return installArtefact(
    session.ssh,
    session.member.layout.agentDir,
    artefact,
    `${session.name}.agent-artefact`,
  );
}
