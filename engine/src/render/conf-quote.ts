// The escaper for PostgreSQL's configuration format. repmgr.conf is read by repmgr's copy of the same
// GUC lexer, so both files share it: a value is a single-quoted string, a quote is doubled and a
// backslash escaped. Newlines cannot be represented and are refused.

import { assertOneLine } from "./one-line.js";

export function confQuote(value: string): string {
  assertOneLine(value, "configuration value");
  return `'${value.replaceAll("\\", "\\\\").replaceAll("'", "''")}'`;
}

export function confLine(key: string, value: string): string {
  if (!/^[a-z_][a-z0-9_.]*$/.test(key)) throw new TypeError(`invalid configuration key: ${key}`);
  return `${key} = ${confQuote(value)}`;
}
