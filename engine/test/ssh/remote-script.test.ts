import { Secret } from "@pgaas/common";
import { describe, expect, it } from "vitest";
import {
  envPreamble,
  isTimeoutExit,
  readFileCommand,
  uploadCommand,
  wrapCommand,
} from "../../src/ssh/remote-script.js";

describe("wrapCommand", () => {
  it("quotes argv, enforces the timeout remotely and closes stdin", () => {
    const wrapped = wrapCommand(["echo", "it's", "$HOME"], { timeoutMs: 1500 });
    // Through sh this prints: it's $HOME
    expect(wrapped.line).toBe(
      String.raw`timeout -k 2 2 sh -c 'echo '\''it'\''\'\'''\''s'\'' '\''$HOME'\''' </dev/null`,
    );
    expect(wrapped.input.length).toBe(0);
  });

  it("passes a prebuilt command line through unchanged inside the wrapper", () => {
    const wrapped = wrapCommand("ls /tmp | wc -l", { timeoutMs: 60_000 });
    expect(wrapped.line).toBe("timeout -k 2 60 sh -c 'ls /tmp | wc -l' </dev/null");
  });

  it("sends env over stdin (never on the command line) and then closes stdin", () => {
    const wrapped = wrapCommand(["env"], {
      timeoutMs: 1000,
      env: { PGPASSWORD: new Secret("s3cr'et"), A: "1" },
    });
    const preamble = "export A=1\nexport PGPASSWORD='s3cr'\\''et'\n";
    expect(wrapped.input.toString()).toBe(preamble);
    expect(wrapped.line).toBe(
      `timeout -k 2 1 sh -c 'eval "$(head -c ${preamble.length})" || exit 125\nexec </dev/null\nenv'`,
    );
    expect(wrapped.line).not.toContain("s3cr");
  });

  it("keeps the caller's stdin after the env preamble", () => {
    const wrapped = wrapCommand(["cat"], { timeoutMs: 1000, env: { X: "y" }, stdin: "data" });
    expect(wrapped.input.toString()).toBe("export X=y\ndata");
    expect(wrapped.line).toBe(`timeout -k 2 1 sh -c 'eval "$(head -c 11)" || exit 125\ncat'`);
  });

  it("rejects env names that are not shell identifiers", () => {
    expect(() => envPreamble({ "A-B": "x" })).toThrow("invalid environment variable name: A-B");
  });
});

describe("upload and read commands", () => {
  it("pass path, octal mode, owner, group and sha256 as positional parameters", () => {
    const argv = uploadCommand("/etc/x y.conf", "hello\n", { mode: 0o640, owner: "postgres" });
    expect(argv.slice(3)).toEqual([
      "pgaas-upload",
      "/etc/x y.conf",
      "640",
      "postgres",
      "",
      "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03",
    ]);
  });

  it("refuse relative paths and impossible modes", () => {
    expect(() => uploadCommand("etc/x", "", { mode: 0o600 })).toThrow("upload path must be absolute: etc/x");
    expect(() => uploadCommand("/x", "", { mode: 0o10000 })).toThrow("invalid file mode: 4096");
  });

  it("reads through a positional parameter", () => {
    expect(readFileCommand("/a b")).toEqual([
      "sh",
      "-c",
      '[ -e "$1" ] || exit 44; exec cat -- "$1"',
      "pgaas-read",
      "/a b",
    ]);
  });

  it("recognises timeout's exit codes", () => {
    expect([0, 1, 124, 137, 143].map(isTimeoutExit)).toEqual([false, false, true, true, false]);
  });
});
