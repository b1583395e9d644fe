// Reads the two facts the agent needs from repmgr.conf: this node's id and the repmgr database name.
// repmgr.conf follows PostgreSQL's config syntax: `key = value` or `key = 'value'` where '' (or \')
// inside quotes is a quote; '#' starts a comment. The conninfo inside is libpq syntax: `key=value` or
// `key='value'` with \' and \\ escapes.

export interface RepmgrConfFacts {
  readonly nodeId: number | null;
  readonly database: string;
}

export function parseRepmgrConf(text: string): RepmgrConfFacts {
  const values = new Map<string, string>();
  for (const line of text.split("\n")) {
    const match = /^\s*([a-z_]+)\s*=\s*('(?:[^'\\]|''|\\.)*'|[^\s#]*)/.exec(line);
    if (!match?.[1] || match[2] === undefined) continue;
    values.set(match[1], unquoteConfValue(match[2]));
  }
  const nodeId = Number(values.get("node_id"));
  const dbname = /(?:^|\s)dbname\s*=\s*('(?:[^'\\]|\\.)*'|\S+)/.exec(values.get("conninfo") ?? "")?.[1];
  const database = dbname ? unquoteConninfoValue(dbname) : "";
  return {
    nodeId: Number.isInteger(nodeId) && nodeId > 0 ? nodeId : null,
    database: database || "repmgr",
  };
}

function unquoteConfValue(value: string): string {
  if (!(value.length >= 2 && value.startsWith("'") && value.endsWith("'"))) return value;
  return value.slice(1, -1).replaceAll(/''|\\(.)/g, (_pair, escaped: string | undefined) => escaped ?? "'");
}

function unquoteConninfoValue(value: string): string {
  if (!(value.length >= 2 && value.startsWith("'") && value.endsWith("'"))) return value;
  return value.slice(1, -1).replaceAll(/\\(.)/g, "$1");
}
