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
        "nested.port": "Invalid input: expected int, received number",
      },
    });
  });
});
