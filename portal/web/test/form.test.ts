import { describe, expect, it } from "vitest";
import { z } from "zod";
import { validate } from "../src/lib/form.js";

const Schema = z.object({
  email: z.email(),
  password: z.string().min(12, "at least 12 characters"),
  nested: z.object({ port: z.number().int() }).optional(),
});

describe("validate", () => {
  it("returns the parsed data", () => {
    expect(validate(Schema, { email: "a@b.example", password: "123456789012" })).toEqual({
      ok: true,
      data: { email: "a@b.example", password: "123456789012" },
    });
  });

  it("gives one message per field, Required for blanks", () => {
    expect(validate(Schema, { email: "", password: "short", nested: { port: 1.5 } })).toEqual({
      ok: false,
      errors: {
        email: "Required",
        password: "at least 12 characters",
        "nested.port": "Must be a whole number.",
      },
    });
  });

  it("puts every rule without its own message in plain words, never zod's", () => {
    const Rules = z.object({
      count: z.number().int().min(-1).max(10),
      label: z.string().max(3),
      short: z.string().min(2),
      kind: z.enum(["fast", "safe"]),
      ratio: z.number(),
    });
    expect(
      validate(Rules, { count: -5, label: "abcdef", short: "a", kind: "slow", ratio: Number.NaN }),
    ).toEqual({
      ok: false,
      errors: {
        count: "Must be at least -1.",
        label: "Too long by 3 characters (at most 3).",
        short: "Too short: at least 2 characters.",
        kind: "Must be one of: fast, safe.",
        ratio: "Must be a number.",
      },
    });
    expect(validate(Rules.pick({ count: true }), { count: 11 })).toEqual({
      ok: false,
      errors: { count: "Must be at most 10." },
    });
  });
});
