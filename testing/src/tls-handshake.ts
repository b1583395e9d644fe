// What TLS costs a PostgreSQL client, measured apart from authentication: TCP connect, the SSLRequest
// exchange, then the TLS handshake verified against the pair CA (verify-full). Benchmarks report it next
// to the full connect (TCP + TLS + SCRAM) so the handshake's share is visible.

import { type Socket, connect as tcpConnect } from "node:net";
import { connect as tlsConnect } from "node:tls";
import pg from "pg";
import type { WriterTarget } from "./writer.js";

/** PostgreSQL's SSLRequest: length 8, then the magic request code 80877103. */
const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 4, 210, 22, 47]);
const TIMEOUT_MS = 5000;

function tcpTo(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host, port, timeout: TIMEOUT_MS });
    socket.once("connect", () => resolve(socket));
    socket.once("timeout", () => socket.destroy(new Error(`TCP connect to ${host}:${port} timed out`)));
    socket.once("error", reject);
  });
}

/** Milliseconds for the TLS handshake alone, after the server agreed to TLS ('S'). */
export async function tlsHandshakeMs(target: WriterTarget): Promise<number> {
  if (!target.ssl) throw new Error("the target has no TLS options");
  const socket = await tcpTo(target.host, target.port);
  try {
    const answer = await new Promise<string>((resolve, reject) => {
      socket.once("data", (data) => resolve(data.subarray(0, 1).toString("latin1")));
      socket.once("error", reject);
      socket.write(SSL_REQUEST);
    });
    if (answer !== "S") throw new Error(`the server refused TLS (answered ${JSON.stringify(answer)})`);
    const started = performance.now();
    // No servername: the host is an address, checked against the certificate's IP SANs.
    const secure = tlsConnect({ ...target.ssl, socket, host: target.host });
    await new Promise<void>((resolve, reject) => {
      secure.once("secureConnect", () => resolve());
      secure.once("error", reject);
    });
    const elapsed = performance.now() - started;
    secure.destroy();
    return elapsed;
  } finally {
    socket.destroy();
  }
}

/** Milliseconds for a whole client connect: TCP, TLS and password authentication. */
export async function fullConnectMs(target: WriterTarget): Promise<number> {
  const client = new pg.Client({ ...target, connectionTimeoutMillis: TIMEOUT_MS });
  const started = performance.now();
  await client.connect();
  const elapsed = performance.now() - started;
  await client.end();
  return elapsed;
}
