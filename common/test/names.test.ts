// The naming rules say which rule a name breaks, in the words the server and the portal both show.
import { describe, expect, it } from "vitest";
import { NotReservedName, nameProblems, PairName } from "../src/wire/names.js";

const firstMessage = (result: { success: boolean; error?: { issues: { message: string }[] } }) =>
  result.success ? "ok" : result.error?.issues[0]?.message;

describe("name rules", () => {
  it("names every broken rule of a database name", () => {
    expect(nameProblems("", { max: 63, separator: "_" })).toEqual(["Required"]);
    expect(nameProblems(`"My Shop"${"x".repeat(60)}`, { max: 63, separator: "_" })).toEqual([
      "Too long by 6 characters (at most 63).",
      "Upper case is not allowed: use a–z.",
      "Spaces are not allowed.",
      "Quotes are not allowed.",
      "Must start with a letter.",
    ]);
    expect(firstMessage(NotReservedName.safeParse("shop_eu"))).toBe("ok");
    expect(firstMessage(NotReservedName.safeParse("shop-eu"))).toBe('Not allowed: "-". Use a–z, 0–9 and _.');
    expect(firstMessage(NotReservedName.safeParse("template1"))).toBe(
      '"template1" is reserved by PostgreSQL or pgaas.',
    );
  });

  it("uses the pair name's own separator and length", () => {
    expect(firstMessage(PairName.safeParse("shop-eu"))).toBe("ok");
    expect(firstMessage(PairName.safeParse("shop_eu"))).toBe('Not allowed: "_". Use a–z, 0–9 and -.');
    expect(firstMessage(PairName.safeParse("a".repeat(41)))).toBe("Too long by 1 character (at most 40).");
  });
});
