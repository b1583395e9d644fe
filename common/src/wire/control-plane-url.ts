// The control plane's URL as agents and pair specs name it. Agent bearer tokens travel with every
// request, so plain http:// is accepted only where no byte leaves the host (loopback).
import { z } from "zod";

/** 127.0.0.0/8, ::1 and localhost: addresses whose traffic never crosses a network. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  return bare === "localhost" || bare === "::1" || /^127(\.\d{1,3}){3}$/.test(bare);
}

export const ControlPlaneUrl = z.url({ protocol: /^https?$/ }).refine((url) => {
  // Not an http:// URL at all: the url check above already says what is wrong.
  if (!URL.canParse(url)) return true;
  const parsed = new URL(url);
  return parsed.protocol !== "http:" || isLoopbackHost(parsed.hostname);
}, "http:// is refused except on loopback (the agent token would cross the network in clear): use https://");

/** A PEM certificate (the control plane's CA, pinned as the only trust root). */
export const CertificatePem = z
  .string()
  .regex(/^-----BEGIN CERTIFICATE-----\r?\n[\s\S]+-----END CERTIFICATE-----\s*$/, "a PEM certificate");
