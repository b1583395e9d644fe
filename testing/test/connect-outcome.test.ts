// connectOutcome against real sockets on loopback: a listener accepts, a closed port refuses.
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { connectOutcome } from "../src/connect-outcome.js";

describe("connectOutcome", () => {
  it("tells an accepted connect from a refused one", async () => {
    const server = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("no TCP address");
    try {
      expect(await connectOutcome("127.0.0.1", address.port, 2000)).toBe("accepted");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await connectOutcome("127.0.0.1", address.port, 2000)).toBe("refused");
  });
});
