// Interactive API docs at /docs (Swagger UI from swagger-ui-dist, reading /openapi.json).
import { createRequire } from "node:module";
import { dirname } from "node:path";
import express, { type Router } from "express";

const DOCS_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>pgaas API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div><script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script></body></html>
`;
const INIT_JS = `window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui" });\n`;

export function docsRouter(): Router {
  const router = express.Router();
  const assets = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
  router.get("/docs", (_req, res) => {
    res.type("html").send(DOCS_HTML);
  });
  router.get("/docs/init.js", (_req, res) => {
    res.type("application/javascript").send(INIT_JS);
  });
  router.use("/docs/assets", express.static(assets, { index: false }));
  return router;
}
