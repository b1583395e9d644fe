import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { conninfo, shellCommand, shellQuote, sqlIdent, sqlLiteral } from "../src/quote.js";

const awkward = [
  "",
  "plain",
  "with space",
  "it's",
  "'",
  "''",
  '"double"',
  "$(touch /tmp/pwned)",
  "`id`",
  "a;b|c&d",
  "back\\slash",
  "new\nline",
  "tab\tand*glob?",
  "ünïcødé 数据库",
  "-dash-first",
  "~tilde",
  "!bang",
];

function randomString(seed: number): string {
  let state = seed;
  let out = "";
  const length = seed % 24;
  for (let i = 0; i < length; i += 1) {
    state = (state * 1103515245 + 12345) % 2147483648;
    out += String.fromCharCode(1 + (state % 126));
  }
  return out;
}

describe("shellQuote", () => {
  it("leaves safe words alone and quotes the rest", () => {
    expect(shellQuote("pg_ctl")).toBe("pg_ctl");
    expect(shellQuote("/var/lib/pgaas/n1")).toBe("/var/lib/pgaas/n1");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote("")).toBe("''");
    expect(shellCommand(["echo", "a b"])).toBe("echo 'a b'");
  });

  it("round-trips every awkward and fuzzed argument through a real shell", () => {
    const args = [...awkward, ...Array.from({ length: 200 }, (_, i) => randomString(i * 7919 + 1))];
    const script = `for a in ${args.map(shellQuote).join(" ")}; do printf '%s\\0' "$a"; done`;
    const out = execFileSync("/bin/sh", ["-c", script], { encoding: "utf8" });
    expect(out.split("\0").slice(0, -1)).toEqual(args);
  });

  it("refuses NUL bytes and empty commands", () => {
    expect(() => shellQuote("a\u0000b")).toThrow("NUL");
    expect(() => shellCommand([])).toThrow("at least one word");
  });
});

describe("SQL quoting", () => {
  it("doubles quotes in identifiers and literals", () => {
    expect(sqlIdent('we"ird')).toBe('"we""ird"');
    expect(sqlIdent("select")).toBe('"select"');
    expect(sqlLiteral("it's")).toBe("'it''s'");
    expect(sqlLiteral("back\\slash")).toBe("'back\\slash'");
    expect(() => sqlIdent("")).toThrow("empty");
    expect(() => sqlLiteral("\u0000")).toThrow("NUL");
  });

  it("quotes every conninfo value", () => {
    expect(conninfo({ host: "10.0.0.1", password: "a'b\\c", port: 5432, dbname: undefined })).toBe(
      "host='10.0.0.1' password='a\\'b\\\\c' port='5432'",
    );
  });
});
