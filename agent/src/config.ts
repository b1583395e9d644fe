// Reads the agent's config file (rendered by the pair engine) and its token file. Any problem here is
// fatal: the message names the file and the field so whoever rendered it can fix it.
import { readFile, stat } from "node:fs/promises";
import { Secret } from "@pgaas/common";
import { AgentConfig, CertificatePem } from "@pgaas/common/wire";
import type { z } from "zod";
import { AgentConfigError } from "./errors.js";

function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => `${issue.path.map(String).join(".") || "(root)"}: ${issue.message}`)
    .join("; ");
}

/** Validates an already-parsed config object; `source` names where it came from in the message. */
export function parseAgentConfig(raw: unknown, source: string): AgentConfig {
  const parsed = AgentConfig.safeParse(raw);
  if (!parsed.success) {
    throw new AgentConfigError(`invalid config ${source}: ${describeIssues(parsed.error.issues)}`, {
      details: { fields: parsed.error.issues.map((issue) => issue.path.map(String).join(".")) },
    });
  }
  return parsed.data;
}

export async function loadAgentConfig(path: string): Promise<AgentConfig> {
  const text = await readFile(path, "utf8").catch((cause: unknown) => {
    throw new AgentConfigError(`cannot read config ${path}: ${(cause as Error).message}`, { cause });
  });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new AgentConfigError(`config ${path} is not JSON: ${(cause as Error).message}`, { cause });
  }
  return parseAgentConfig(raw, path);
}

/** The node's agent token; a missing or empty file is a config error naming `controlPlane.tokenFile`. */
export async function readAgentToken(tokenFile: string): Promise<Secret> {
  const text = await readFile(tokenFile, "utf8").catch((cause: unknown) => {
    throw new AgentConfigError(
      `controlPlane.tokenFile: cannot read ${tokenFile}: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  });
  const token = text.trim();
  if (token.length === 0) throw new AgentConfigError(`controlPlane.tokenFile: ${tokenFile} is empty`);
  return new Secret(token);
}

/**
 * The token for each request: re-read when the file changes (rotation needs no restart); if the file
 * becomes unreadable the last good token is kept and the control plane's 401 says the rest.
 */
export async function watchedAgentToken(tokenFile: string): Promise<() => Promise<Secret>> {
  let current = await readAgentToken(tokenFile);
  let seenMtimeMs = (await stat(tokenFile)).mtimeMs;
  return async () => {
    const mtimeMs = await stat(tokenFile).then(
      (s) => s.mtimeMs,
      () => seenMtimeMs,
    );
    if (mtimeMs !== seenMtimeMs) {
      seenMtimeMs = mtimeMs;
      current = await readAgentToken(tokenFile).catch(() => current);
    }
    return current;
  };
}

/** The pinned CA of `controlPlane.caFile`; unreadable or not a PEM certificate is a config error. */
export async function readControlPlaneCa(caFile: string): Promise<string> {
  const text = await readFile(caFile, "utf8").catch((cause: unknown) => {
    throw new AgentConfigError(`controlPlane.caFile: cannot read ${caFile}: ${(cause as Error).message}`, {
      cause,
    });
  });
  if (!CertificatePem.safeParse(text).success)
    throw new AgentConfigError(`controlPlane.caFile: ${caFile} is not a PEM certificate`);
  return text;
}
