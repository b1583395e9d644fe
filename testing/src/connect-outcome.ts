// What a client's TCP connect meets at an address: accepted, refused at once (a reset), or nothing
// within the timeout (the SYN vanished). Failover drills use it to tell a held VIP (refused) from one
// that sits nowhere (silence).
//
//   expect(await connectOutcome("10.231.20.100", 5432, 1000)).toBe("refused");
import { connect } from "node:net";

export type ConnectOutcome = "accepted" | "refused" | "timed out" | "unreachable";

export function connectOutcome(host: string, port: number, timeoutMs: number): Promise<ConnectOutcome> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const finish = (outcome: ConnectOutcome) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish("timed out"), timeoutMs);
    socket.once("connect", () => finish("accepted"));
    socket.once("error", (error: NodeJS.ErrnoException) =>
      finish(error.code === "ECONNREFUSED" ? "refused" : "unreachable"),
    );
  });
}
