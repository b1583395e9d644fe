import { describe, expect, it } from "vitest";
import { ApiError } from "../src/lib/api-error.js";
import { describeApiError, detailFieldErrors, inputIssues, serverDetail } from "../src/lib/error-messages.js";

const apiError = (code: string, extra: Partial<ConstructorParameters<typeof ApiError>[0]> = {}) =>
  new ApiError({ code, message: "server words", status: 409, ...extra });

describe("describeApiError", () => {
  it("says what a known code means and adds the retry delay", () => {
    expect(describeApiError(apiError("no_primary", { retryAfterSeconds: 5 }))).toBe(
      "The pair has no writable primary right now (a failover may be in progress). Try again shortly. (retry in 5 s)",
    );
    expect(describeApiError(apiError("database_exists"))).toBe(
      "A database or owner role with that name already exists on the pair. Choose another name.",
    );
  });

  it("falls back to the server's message for an unknown code, and to the message of other errors", () => {
    expect(describeApiError(apiError("brand_new_code"))).toBe("server words");
    expect(describeApiError(new Error("boom"))).toBe("boom");
    expect(describeApiError("text")).toBe("text");
  });
});

describe("serverDetail", () => {
  it("adds the server's words only under a known code's sentence", () => {
    expect(serverDetail(apiError("conflict"))).toBe("server words");
    expect(serverDetail(apiError("brand_new_code"))).toBeUndefined();
    expect(serverDetail(new Error("x"))).toBeUndefined();
  });
});

describe("detailFieldErrors", () => {
  it("reads string reasons under a details key", () => {
    const error = apiError("invalid_settings", {
      details: { settings: { work_mem: "must be between 64 and 4194304 (kB)", bogus: 3 } },
    });
    expect(detailFieldErrors(error, "settings")).toEqual({ work_mem: "must be between 64 and 4194304 (kB)" });
    expect(detailFieldErrors(error, "other")).toEqual({});
    expect(detailFieldErrors(new Error("x"), "settings")).toEqual({});
  });
});

describe("inputIssues", () => {
  it("lists the server's zod issues with their paths", () => {
    const error = apiError("invalid_input", {
      details: {
        body: [
          { path: "name", message: "reserved name" },
          { path: "", message: "nothing to change" },
        ],
      },
    });
    expect(inputIssues(error)).toEqual(["name: reserved name", "body: nothing to change"]);
    expect(inputIssues(apiError("conflict"))).toEqual([]);
  });
});
