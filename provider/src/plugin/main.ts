// Entry point of the pgaas resource provider plugin (`pulumi-resource-pgaas`): the engine starts it,
// reads the gRPC port it prints and drives it (GetSchema, CheckConfig/Configure, Check, Diff, CRUD).
import * as pulumi from "@pulumi/pulumi";
import { installConfigHandlers } from "./config-handlers.js";
import { PgaasProvider } from "./provider.js";

const provider = new PgaasProvider();
installConfigHandlers(provider);
await pulumi.provider.main(provider, process.argv.slice(2));
