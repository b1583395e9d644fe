// A stack that owns neither the pair nor the database: it looks the pair up by name (getPair) and
// reads the database by its id (Database.get). Destroying this stack leaves both as they are.
import { Database, getPairOutput } from "@pgaas/sdk";
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
const pair = getPairOutput({ name: config.require("pairName") });
const app = Database.get("app", config.require("databaseId"));

export const primary = pair.primary;
export const pairId = pair.pairId;
export const databaseName = app.databaseName;
export const owner = app.owner;
