// Regenerates provider/schema.json from schema.ts:
//   node --conditions=pgaas-source --import tsx provider/src/plugin/write-schema.ts
import { writeFile } from "node:fs/promises";
import { schemaJson } from "./schema.js";

const SCHEMA_FILE = new URL("../../schema.json", import.meta.url);

await writeFile(SCHEMA_FILE, schemaJson());
process.stdout.write(`wrote ${SCHEMA_FILE.pathname}\n`);
