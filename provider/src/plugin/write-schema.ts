// Regenerates provider/schema.json from schema.ts, formatted as the repository's Biome config wants:
//   node --conditions=pgaas-source --import tsx provider/src/plugin/write-schema.ts
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { schemaJson } from "./schema.js";

const schemaFile = fileURLToPath(new URL("../../schema.json", import.meta.url));
const biome = fileURLToPath(new URL("../../../node_modules/.bin/biome", import.meta.url));

await writeFile(schemaFile, schemaJson());
await promisify(execFile)(biome, ["format", "--write", schemaFile]);
process.stdout.write(`wrote ${schemaFile}\n`);
