// Runs a Pulumi program the way the Node.js language host does: `node @pulumi/pulumi/cmd/run` with the
// host's arguments (monitor, engine, organization, project, root directory, stack, pwd, dry-run,
// parallel, entry point) and environment (PULUMI_CONFIG with `<namespace>:config:<key>` names,
// PULUMI_CONFIG_SECRET_KEYS with the keys as given, PULUMI_NODEJS_TYPESCRIPT).
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Project } from "./project.js";

export interface ProgramRunOptions {
  readonly project: Project;
  readonly stack: string;
  readonly organization: string;
  readonly monitorAddress: string;
  readonly engineAddress: string;
  readonly dryRun: boolean;
  /** Stack config by full key (`pgaas:apiToken`, `<project>:subnet`), plain values. */
  readonly config: Readonly<Record<string, string>>;
  /** Full keys whose values are secret. */
  readonly secretKeys: readonly string[];
  readonly parallel?: number;
  readonly timeoutMs?: number;
}

export interface ProgramExit {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `<namespace>:<key>` → `<namespace>:config:<key>`, the form the language host hands to the program. */
export function languageHostConfigKey(key: string): string {
  const at = key.indexOf(":");
  if (at <= 0) throw new Error(`config key ${key} has no namespace (expected <namespace>:<key>)`);
  return `${key.slice(0, at)}:config:${key.slice(at + 1)}`;
}

export function runProgram(options: ProgramRunOptions): Promise<ProgramExit> {
  const { project } = options;
  const runScript = createRequire(join(project.directory, "package.json")).resolve("@pulumi/pulumi/cmd/run");
  const args = [
    runScript,
    "--monitor",
    options.monitorAddress,
    "--engine",
    options.engineAddress,
    "--organization",
    options.organization,
    "--project",
    project.name,
    "--root-directory",
    project.directory,
    "--stack",
    options.stack,
    "--pwd",
    project.directory,
    ...(options.dryRun ? ["--dry-run"] : []),
    "--parallel",
    String(options.parallel ?? 16),
    project.entryPoint,
  ];
  const config = Object.fromEntries(
    Object.entries(options.config).map(([key, value]) => [languageHostConfigKey(key), value]),
  );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PULUMI_CONFIG: JSON.stringify(config),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(options.secretKeys),
    ...(project.typescript ? { PULUMI_NODEJS_TYPESCRIPT: "true" } : {}),
  };
  const timeoutMs = options.timeoutMs ?? 1_800_000;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: project.directory,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(`program ${project.name} did not finish in ${timeoutMs / 1000} s; stderr:\n${stderr}`),
      );
    }, timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
