// Pulumi.yaml as the engine and the Node.js language host read it: the project name, the entry point
// (`main`), the runtime's `typescript` option and the provider plugins given by path.
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { z } from "zod";

const RuntimeOptions = z.object({ typescript: z.boolean().optional() }).passthrough();

const ProjectFile = z.object({
  name: z.string().min(1),
  runtime: z.union([
    z.literal("nodejs"),
    z.object({ name: z.literal("nodejs"), options: RuntimeOptions.optional() }),
  ]),
  main: z.string().min(1).optional(),
  plugins: z
    .object({
      providers: z.array(z.object({ name: z.string().min(1), path: z.string().min(1) })).optional(),
    })
    .optional(),
});

export interface Project {
  readonly name: string;
  /** The directory that holds Pulumi.yaml (the program directory and the working directory). */
  readonly directory: string;
  /** What the language host passes to cmd/run as the program: `main`, or "." for package.json's. */
  readonly entryPoint: string;
  /** The language host sets PULUMI_NODEJS_TYPESCRIPT=true unless `typescript: false`. */
  readonly typescript: boolean;
  /** Plugin directory by package name. */
  readonly providerPlugins: ReadonlyMap<string, string>;
}

export async function loadProject(directory: string): Promise<Project> {
  const root = resolve(directory);
  const parsed = ProjectFile.safeParse(parse(await readFile(join(root, "Pulumi.yaml"), "utf8")));
  if (!parsed.success) {
    const text = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    throw new Error(`${join(root, "Pulumi.yaml")} is not a Node.js project this engine runs: ${text}`);
  }
  const file = parsed.data;
  const options = typeof file.runtime === "string" ? {} : (file.runtime.options ?? {});
  return {
    name: file.name,
    directory: root,
    entryPoint: file.main ?? ".",
    typescript: options.typescript ?? true,
    providerPlugins: new Map(
      (file.plugins?.providers ?? []).map((plugin) => [plugin.name, resolve(root, plugin.path)]),
    ),
  };
}
