// The plugin's package main, as Pulumi starts a Node.js provider: the language host runs
// `@pulumi/pulumi/cmd/run-plugin <provider dir> <engine address>`, which require()s this file. The
// plugin itself is an ES module that awaits its gRPC server at top level, which require() refuses
// (ERR_REQUIRE_ASYNC_MODULE), so this CommonJS shim only import()s the built plugin.
"use strict";
const { join } = require("node:path");
const { pathToFileURL } = require("node:url");

const plugin = join(__dirname, "..", "dist", "plugin", "main.js");

module.exports = import(pathToFileURL(plugin).href).catch((error) => {
  if (error && error.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes(plugin)) {
    error.message = `the pgaas plugin is not built (${plugin} is missing): run \`npm run build\` in the checkout`;
  }
  throw error;
});
