// sshd refuses more than MaxSessions (default 10) open channels per connection; commands beyond the
// limit wait here for a free slot instead of failing with "open failed".

export const MAX_CHANNELS_PER_CONNECTION = 8;

export class ChannelLimiter {
  readonly #limit: number;
  readonly #waiting: (() => void)[] = [];
  #inUse = 0;

  constructor(limit = MAX_CHANNELS_PER_CONNECTION) {
    this.#limit = limit;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#inUse >= this.#limit) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#inUse += 1;
    try {
      return await fn();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#inUse -= 1;
    }
  }
}
