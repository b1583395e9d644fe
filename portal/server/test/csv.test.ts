// CSV cells a spreadsheet opens safely: RFC 4180 quoting, and no text run as a formula.
import { describe, expect, it } from "vitest";
import { csvCell, csvDocument } from "../src/services/csv.js";

describe("csvCell", () => {
  it("quotes commas, quotes and line breaks, doubling inner quotes", () => {
    expect(csvCell('say "hi", then\nleave')).toBe('"say ""hi"", then\nleave"');
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell("")).toBe("");
    expect(csvCell(null)).toBe("");
  });

  it("defuses text a spreadsheet would run as a formula", () => {
    expect(["=1+2", "+1", "-2+3@example.com", "@SUM(A1)", "\tx", "\rx"].map(csvCell)).toEqual([
      "'=1+2",
      "'+1",
      "'-2+3@example.com",
      "'@SUM(A1)",
      "'\tx",
      '"\'\rx"',
    ]);
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
  });

  it("writes numbers as they are, negative ones too", () => {
    expect([csvCell(-5), csvCell(0.25), csvCell(12)]).toEqual(["-5", "0.25", "12"]);
  });

  it("ends every row with CRLF", () => {
    expect(
      csvDocument(
        ["a", "b"],
        [
          ["x,y", 1],
          [null, "=z"],
        ],
      ),
    ).toBe('a,b\r\n"x,y",1\r\n,\'=z\r\n');
  });
});
