// Starts the real `pgaas-agent` process (TypeScript sources through tsx, the way local hosts run it)
// with a config file written from the given values; collects its log lines; stops it with SIGTERM.
import { type ChildProcess, spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { AGENT_DIST_MAIN, AGENT_NODE_FLAGS, agentSourceArgv } from "@pgaas/agent/launch";
import type { AgentConfigInput } from "@pgaas/common/wire";

/** How to start the agent: from TypeScript sources through tsx (local hosts) or the build (VMs). */
export type AgentEntry = "source" | "dist";

export interface AgentProcess {
  readonly child: ChildProcess;
  readonly logs: string[];
  /** SIGTERM, then the exit code (SIGKILL after 10 s). */
  stop(): Promise<number | null>;
}

export async function spawnAgent(
  dir: string,
  config: AgentConfigInput,
  entry: AgentEntry = "source",
): Promise<AgentProcess> {
  const configFile = join(dir, `agent-${config.nodeName}.json`);
  await writeFile(configFile, JSON.stringify(config, null, 2));
  const argv =
    entry === "source"
      ? [...agentSourceArgv(), "--config", configFile]
      : [process.execPath, ...AGENT_NODE_FLAGS, AGENT_DIST_MAIN, "--config", configFile];
  // cwd /tmp, as the pair engine starts services: nothing may depend on the working directory.
  const child = spawn(argv[0] ?? process.execPath, argv.slice(1), {
    cwd: "/tmp",
    stdio: ["ignore", "ignore", "pipe"],
  });
  const logs: string[] = [];
  let partial = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    const lines = (partial + chunk.toString("utf8")).split("\n");
    partial = lines.pop() ?? "";
    logs.push(...lines);
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    logs,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Polls `check` every 100 ms until it returns true or `timeoutMs` passes; returns the elapsed ms. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return Date.now() - started;
}
