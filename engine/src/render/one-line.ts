// Every config format pgaas renders is line-based: a value with a line break or NUL could inject a
// second directive, so all escapers refuse them through this one check.

export function assertOneLine(value: string, what: string): void {
  if (value.includes("\n") || value.includes("\r") || value.includes("\u0000")) {
    throw new TypeError(`${what} must be one line without NUL: ${JSON.stringify(value)}`);
  }
}
