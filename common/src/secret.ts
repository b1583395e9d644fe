import { inspect } from "node:util";

const REDACTED = "[redacted]";

/**
 * A secret value that refuses to print itself: JSON, string conversion and util.inspect all show
 * "[redacted]". Code that really needs the value calls `reveal()`, which is easy to grep for.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `Secret(${REDACTED})`;
  }
}

export function secret(value: string): Secret {
  return new Secret(value);
}
