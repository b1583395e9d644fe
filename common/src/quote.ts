// The one place where values become shell words or SQL tokens. Every call site that builds a command
// or a statement goes through these helpers, so escaping is decided (and fuzz-tested) exactly once.

const NUL = "\u0000";

function refuseNul(value: string, what: string): void {
  if (value.includes(NUL)) throw new TypeError(`${what} must not contain a NUL byte`);
}

/** Quotes one argument for a POSIX shell: the result is always a single word, taken literally. */
export function shellQuote(arg: string): string {
  refuseNul(arg, "shell argument");
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** Joins argv into one shell command line, each argument quoted. */
export function shellCommand(argv: readonly string[]): string {
  if (argv.length === 0) throw new TypeError("a command needs at least one word");
  return argv.map(shellQuote).join(" ");
}

/** Quotes an SQL identifier (role, database, schema, setting target) for PostgreSQL. */
export function sqlIdent(name: string): string {
  refuseNul(name, "SQL identifier");
  if (name.length === 0) throw new TypeError("SQL identifier must not be empty");
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Quotes an SQL string literal. PostgreSQL's standard_conforming_strings (on since 9.1) keeps
 * backslashes literal inside '…', so doubling the quote is the whole escape.
 */
export function sqlLiteral(value: string): string {
  refuseNul(value, "SQL literal");
  return `'${value.replaceAll("'", "''")}'`;
}

/** Quotes a value for a libpq connection string (key='value'). */
export function conninfoValue(value: string): string {
  refuseNul(value, "conninfo value");
  return `'${value.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
}

/** Builds a libpq keyword/value connection string with every value quoted. */
export function conninfo(params: Readonly<Record<string, string | number | undefined>>): string {
  return Object.entries(params)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${conninfoValue(String(value))}`)
    .join(" ");
}
