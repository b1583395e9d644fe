// Connection snippets for the common clients, built from the caller's own connection details. The
// password never appears: every client reads it from PGPASSWORD (or the snippet's own env lookup).
// With a pair CA each one verifies the endpoint's chain and host name (libpq's verify-full).
import type { DatabaseConnection } from "@pgaas/api";
import { shellQuote } from "@pgaas/common/quote";

export const CA_FILE = "pgaas-ca.pem";

export type SnippetId = "psql" | "node-postgres" | "psycopg" | "jdbc" | "go";
export interface Snippet {
  readonly id: SnippetId;
  readonly label: string;
  readonly code: string;
}

type Target = Pick<DatabaseConnection, "username" | "host" | "port" | "database" | "caCertificate">;

/** A string literal for JavaScript, Python, Java and Go alike (JSON escaping is valid in all four). */
const literal = (text: string) => JSON.stringify(text);

function libpqUri(target: Target, tls: boolean): string {
  const host = target.host.includes(":") ? `[${target.host}]` : target.host;
  const query = tls ? `?sslmode=verify-full&sslrootcert=${CA_FILE}` : "";
  return `postgresql://${encodeURIComponent(target.username)}@${host}:${target.port}/${encodeURIComponent(target.database)}${query}`;
}

function jdbcUrl(target: Target, tls: boolean): string {
  const host = target.host.includes(":") ? `[${target.host}]` : target.host;
  const query = tls ? `?sslmode=verify-full&sslrootcert=${CA_FILE}` : "";
  return `jdbc:postgresql://${host}:${target.port}/${encodeURIComponent(target.database)}${query}`;
}

export function connectionSnippets(target: Target): Snippet[] {
  const tls = target.caCertificate !== null;
  const uri = libpqUri(target, tls);
  return [
    {
      id: "psql",
      label: "psql",
      code: `PGPASSWORD=${shellQuote("<password>")} psql ${shellQuote(uri)}`,
    },
    {
      id: "node-postgres",
      label: "node-postgres",
      code: [
        ...(tls ? ['import { readFileSync } from "node:fs";'] : []),
        'import pg from "pg";',
        "",
        "const client = new pg.Client({",
        `  host: ${literal(target.host)},`,
        `  port: ${target.port},`,
        `  database: ${literal(target.database)},`,
        `  user: ${literal(target.username)},`,
        "  password: process.env.PGPASSWORD,",
        // node-postgres checks the chain and the host name whenever `ssl.ca` is given.
        ...(tls ? [`  ssl: { ca: readFileSync(${literal(CA_FILE)}, "utf8") }, // verify-full`] : []),
        "});",
        "await client.connect();",
      ].join("\n"),
    },
    {
      id: "psycopg",
      label: "Python (psycopg)",
      code: [
        "import os",
        "import psycopg",
        "",
        "conn = psycopg.connect(",
        `    host=${literal(target.host)},`,
        `    port=${target.port},`,
        `    dbname=${literal(target.database)},`,
        `    user=${literal(target.username)},`,
        '    password=os.environ["PGPASSWORD"],',
        ...(tls ? ['    sslmode="verify-full",', `    sslrootcert=${literal(CA_FILE)},`] : []),
        ")",
      ].join("\n"),
    },
    {
      id: "jdbc",
      label: "JDBC",
      code: [
        "Properties props = new Properties();",
        `props.setProperty("user", ${literal(target.username)});`,
        'props.setProperty("password", System.getenv("PGPASSWORD"));',
        `Connection conn = DriverManager.getConnection(${literal(jdbcUrl(target, tls))}, props);`,
      ].join("\n"),
    },
    {
      id: "go",
      label: "Go (pgx)",
      code: [
        "// pgx reads the password from PGPASSWORD.",
        `conn, err := pgx.Connect(ctx, ${literal(uri)})`,
        "if err != nil {",
        "\treturn err",
        "}",
        "defer conn.Close(ctx)",
      ].join("\n"),
    },
  ];
}
