// Security headers on every response. The portal and the API load nothing from elsewhere and run no
// inline script, so the policy allows only this origin; no page may be framed (clickjacking).
import { createHash } from "node:crypto";
import type { RequestHandler } from "express";

const COMMON_DIRECTIVES = [
  "default-src 'self'",
  "script-src 'self'",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
];

/** The portal: its stylesheet and icons come from this origin; React sets styles through the DOM. */
export const APP_CSP = [...COMMON_DIRECTIVES, "style-src 'self'", "img-src 'self' data:"].join("; ");

/**
 * Swagger UI at /docs: its components write `style` attributes into generated markup and its icons
 * are inline SVG data, so it alone gets inline styles; scripts stay 'self' only.
 */
export const DOCS_CSP = [
  ...COMMON_DIRECTIVES,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
].join("; ");

/**
 * A self-contained document (the printable report): its one inline stylesheet is allowed by its hash,
 * nothing else inline; it loads nothing.
 */
export function inlineStyleCsp(style: string): string {
  const hash = createHash("sha256").update(style).digest("base64");
  return [...COMMON_DIRECTIVES, `style-src 'sha256-${hash}'`, "img-src 'none'"].join("; ");
}

const isDocs = (path: string) => path === "/docs" || path.startsWith("/docs/");

/** One year, the value browsers' preload lists ask for; no includeSubDomains: other hosts are not ours. */
export const HSTS = "max-age=31536000";

export function securityHeaders(options: { hsts: boolean } = { hsts: false }): RequestHandler {
  return (req, res, next) => {
    if (options.hsts) res.setHeader("Strict-Transport-Security", HSTS);
    res.setHeader("Content-Security-Policy", isDocs(req.path) ? DOCS_CSP : APP_CSP);
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("Referrer-Policy", "no-referrer");
    res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    res.setHeader("Cross-Origin-Resource-Policy", "same-origin");
    next();
  };
}
