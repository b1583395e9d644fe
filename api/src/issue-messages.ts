// Plain sentences for the rules a schema states without a message of its own (`.min(1)`, `.int()`,
// `z.email()`): the portal's forms, the server's invalid_input details and the client's refusals use
// them, so no user reads zod's own wording ("Too small: expected number to be >=-1").
import type { z } from "zod";

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;

/** A zod error map: pass it as `{ error: plainMessage }` to `safeParse`; schema messages still win. */
export function plainMessage(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case "invalid_type":
      if (issue.expected === "int") return "Must be a whole number.";
      if (issue.expected === "number") return "Must be a number.";
      if (issue.input === undefined) return "Required";
      return `Must be ${issue.expected === "array" ? "a list" : `a ${issue.expected}`}.`;
    case "too_small": {
      const minimum = Number(issue.minimum);
      if (issue.origin === "string")
        return minimum === 1 ? "Required" : `Too short: at least ${plural(minimum, "character")}.`;
      if (issue.origin === "array" || issue.origin === "set") return `At least ${plural(minimum, "item")}.`;
      return `Must be at least ${issue.minimum}.`;
    }
    case "too_big": {
      const maximum = Number(issue.maximum);
      if (issue.origin === "string" && typeof issue.input === "string")
        return `Too long by ${plural(issue.input.length - maximum, "character")} (at most ${maximum}).`;
      if (issue.origin === "array" || issue.origin === "set") return `At most ${plural(maximum, "item")}.`;
      return `Must be at most ${issue.maximum}.`;
    }
    case "invalid_format":
      return issue.format === "email" ? "Invalid email address" : "Not in the expected format.";
    case "invalid_value":
      return `Must be one of: ${issue.values.map(String).join(", ")}.`;
    case "unrecognized_keys":
      return `Not a known field: ${issue.keys.join(", ")}.`;
    default:
      return "Not valid.";
  }
}
