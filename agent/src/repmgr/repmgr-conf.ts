// Reads the two facts the agent needs from repmgr.conf: this node's id and the repmgr database name.
// repmgr.conf lines are `key=value` or `key='value'`; '#' starts a comment.

export interface RepmgrConfFacts {
  readonly nodeId: number | null;
  readonly database: string;
}

export function parseRepmgrConf(text: string): RepmgrConfFacts {
  const values = new Map<string, string>();
  for (const line of text.split("\n")) {
    const match = /^\s*([a-z_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match?.[1] || match[2] === undefined || line.trimStart().startsWith("#")) continue;
    values.set(match[1], unquote(match[2]));
  }
  const nodeId = Number(values.get("node_id"));
  const dbname = /(?:^|\s)dbname=('(?:[^'\\]|\\.)*'|\S+)/.exec(values.get("conninfo") ?? "")?.[1];
  return {
    nodeId: Number.isInteger(nodeId) && nodeId > 0 ? nodeId : null,
    database: dbname ? unquote(dbname) : "repmgr",
  };
}

function unquote(value: string): string {
  return value.startsWith("'") && value.endsWith("'") && value.length >= 2
    ? value.slice(1, -1).replaceAll(/\\(.)/g, "$1")
    : value;
}
