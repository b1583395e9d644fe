import { describe, expect, it } from "vitest";
import { matchPath } from "../src/lib/router.js";

describe("matchPath", () => {
  it("extracts and decodes parameters", () => {
    expect(matchPath("/databases/:id", "/databases/8f0c%2Fx")).toEqual({ id: "8f0c/x" });
    expect(matchPath("/databases/:id", "/databases/abc/")).toEqual({ id: "abc" });
  });

  it("refuses other shapes", () => {
    expect(matchPath("/databases/:id", "/databases")).toBeNull();
    expect(matchPath("/databases/:id", "/pairs/abc")).toBeNull();
    expect(matchPath("/databases/:id", "/databases/abc/extra")).toBeNull();
  });
});
