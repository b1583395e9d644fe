// The layering rule of the portal server: SQL on the control plane's store lives in src/store; the
// services and the HTTP layer call its repositories and hold no SQL text of their own. (Statements for
// the tenants' PostgreSQL come from the builders in src/managed and run through the primary router.)
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const SOURCE = join(import.meta.dirname, "../src");
const GUARDED = ["services", "http"];

const SQL = /\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM)\b/;
// A query on the store (pool, transaction client) or any query given its text inline.
const STORE_QUERY = /\b(store|db|pool|tx)\s*\.\s*query\b|\.query(<[^>]*>)?\(\s*["'`]/;

/** The code without comments (a comment may name a statement); `//` inside a URL is kept. */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|\s)\/\/.*$/gm, "$1");
}

/** Lines of `text` that hold SQL or run a store query, as `line: text`. */
function sqlLines(text: string): string[] {
  return withoutComments(text)
    .split("\n")
    .flatMap((line, index) =>
      SQL.test(line) || STORE_QUERY.test(line) ? [`${index + 1}: ${line.trim()}`] : [],
    );
}

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe("store boundary", () => {
  it("finds a statement, a store query and an inline query text, and ignores comments", () => {
    expect(
      sqlLines(
        [
          "// SELECT in a comment",
          "const a = `SELECT 1`;",
          "await store.query(text, []);",
          "await client.query('VACUUM');",
          "await client.query(dropRoleSql(role));",
          "const url = 'https://example.com'; // UPDATE pairs SET name",
        ].join("\n"),
      ),
    ).toEqual([
      "2: const a = `SELECT 1`;",
      "3: await store.query(text, []);",
      "4: await client.query('VACUUM');",
    ]);
  });

  it("keeps SQL out of the services and the HTTP layer", () => {
    const files = GUARDED.flatMap((directory) => sourceFiles(join(SOURCE, directory)));
    expect(files.length).toBeGreaterThan(40);
    const offending = Object.fromEntries(
      files
        .map((file) => [relative(SOURCE, file), sqlLines(readFileSync(file, "utf8"))] as const)
        .filter(([, lines]) => lines.length > 0),
    );
    expect(offending).toEqual({});
  });
});
