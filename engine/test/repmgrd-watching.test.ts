import { describe, expect, it } from "vitest";
import type { SqlTarget } from "../src/member-commands.js";
import { nodeMember } from "../src/members.js";
import { waitForRepmgrdWatching } from "../src/operations/rejoin-node.js";
import { REPMGRD_UPSTREAM_SQL } from "../src/sql/status-sql.js";
import { SPEC } from "./fixtures.js";

/** A node whose repmgr shared state answers from `answers`, in order (the last one repeats). */
function nodeAnswering(answers: string[]): { node: SqlTarget; asked: string[] } {
  const asked: string[] = [];
  const node: SqlTarget = {
    name: "n1",
    member: nodeMember(SPEC, "n1"),
    async sql(sql, step, database) {
      asked.push(`${database}:${step}:${sql === REPMGRD_UPSTREAM_SQL}`);
      return answers.length > 1 ? (answers.shift() as string) : (answers[0] as string);
    },
  };
  return { node, asked };
}

const primary: SqlTarget = {
  name: "n2",
  member: nodeMember(SPEC, "n2"),
  sql: async () => "",
};

describe("waitForRepmgrdWatching", () => {
  it("resolves once repmgrd has seen the new primary as its upstream within 2 s", async () => {
    // -1: not seen since PostgreSQL started; then the old upstream; then n2 (id 2) just now.
    const { node, asked } = nodeAnswering(["-1:-1", "1:0", "2:0"]);
    await waitForRepmgrdWatching(node, primary, 5_000);
    expect(asked).toEqual([
      "repmgr:repmgrd-watching:true",
      "repmgr:repmgrd-watching:true",
      "repmgr:repmgrd-watching:true",
    ]);
  });

  it("times out, naming both nodes, while repmgrd watches another node or saw it too long ago", async () => {
    const { node } = nodeAnswering(["2:7"]);
    await expect(waitForRepmgrdWatching(node, primary, 600)).rejects.toThrow(
      /n1's repmgrd monitoring n2 as its upstream/,
    );
  });
});
