// The connection snippets, exactly: the viewer's own role, verify-full with the CA file when the pair
// has a CA, the password never written into the code.
import { describe, expect, it } from "vitest";
import { connectionSnippets } from "../src/features/databases/snippets.js";

const PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const target = { username: "shop_ro_1a2b3c", host: "10.231.60.10", port: 5432, database: "shop" };

describe("connectionSnippets", () => {
  it("writes each client's connection with verify-full and the CA file", () => {
    const snippets = connectionSnippets({ ...target, caCertificate: PEM });
    expect(Object.fromEntries(snippets.map((snippet) => [snippet.id, snippet.code]))).toEqual({
      psql: "PGPASSWORD='<password>' psql 'postgresql://shop_ro_1a2b3c@10.231.60.10:5432/shop?sslmode=verify-full&sslrootcert=pgaas-ca.pem'",
      "node-postgres": [
        'import { readFileSync } from "node:fs";',
        'import pg from "pg";',
        "",
        "const client = new pg.Client({",
        '  host: "10.231.60.10",',
        "  port: 5432,",
        '  database: "shop",',
        '  user: "shop_ro_1a2b3c",',
        "  password: process.env.PGPASSWORD,",
        '  ssl: { ca: readFileSync("pgaas-ca.pem", "utf8") }, // verify-full',
        "});",
        "await client.connect();",
      ].join("\n"),
      psycopg: [
        "import os",
        "import psycopg",
        "",
        "conn = psycopg.connect(",
        '    host="10.231.60.10",',
        "    port=5432,",
        '    dbname="shop",',
        '    user="shop_ro_1a2b3c",',
        '    password=os.environ["PGPASSWORD"],',
        '    sslmode="verify-full",',
        '    sslrootcert="pgaas-ca.pem",',
        ")",
      ].join("\n"),
      jdbc: [
        "Properties props = new Properties();",
        'props.setProperty("user", "shop_ro_1a2b3c");',
        'props.setProperty("password", System.getenv("PGPASSWORD"));',
        'Connection conn = DriverManager.getConnection("jdbc:postgresql://10.231.60.10:5432/shop?sslmode=verify-full&sslrootcert=pgaas-ca.pem", props);',
      ].join("\n"),
      go: [
        "// pgx reads the password from PGPASSWORD.",
        'conn, err := pgx.Connect(ctx, "postgresql://shop_ro_1a2b3c@10.231.60.10:5432/shop?sslmode=verify-full&sslrootcert=pgaas-ca.pem")',
        "if err != nil {",
        "\treturn err",
        "}",
        "defer conn.Close(ctx)",
      ].join("\n"),
    });
    expect(snippets.map((snippet) => snippet.label)).toEqual([
      "psql",
      "node-postgres",
      "Python (psycopg)",
      "JDBC",
      "Go (pgx)",
    ]);
  });

  it("brackets an IPv6 endpoint in URIs and leaves TLS out for a pair without a CA", () => {
    const snippets = connectionSnippets({ ...target, host: "fd00::10", caCertificate: null });
    const code = (id: string) => snippets.find((snippet) => snippet.id === id)?.code;
    // Quoted: the brackets would be a shell glob.
    expect(code("psql")).toBe(
      "PGPASSWORD='<password>' psql 'postgresql://shop_ro_1a2b3c@[fd00::10]:5432/shop'",
    );
    expect(code("jdbc")).toContain('"jdbc:postgresql://[fd00::10]:5432/shop"');
    expect(code("node-postgres")).not.toContain("ssl");
    expect(code("psycopg")).not.toContain("sslmode");
  });
});
