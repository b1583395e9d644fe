// @pgaas/provider: the Pulumi resource provider (the plugin's entry is ./plugin/main.ts, loaded by
// bin/pulumi-resource-pgaas.cjs). The pair engine, usable without Pulumi, is the "./engine" export.
export { configHandlers, installConfigHandlers } from "./plugin/config-handlers.js";
export { PgaasProvider, RESOURCE_HANDLERS, typeOfUrn } from "./plugin/provider.js";
export { checkConfigInputs, type ProviderConfig, parseProviderConfig } from "./plugin/provider-config.js";
export { PROVIDER_VERSION, providerSchema, schemaJson } from "./plugin/schema.js";
export { DATABASE_TOKEN, databaseHandler, diffDatabase, settingsPatch } from "./resources/database.js";
export { LOCAL_HOSTS_TOKEN, localHostsHandler } from "./resources/local-hosts.js";
export { NODE_ROLLOUT_TOKEN, nodeRolloutHandler, type RolloutOperations } from "./resources/node-rollout.js";
export { PAIR_CONFIGURATION_TOKEN, pairConfigurationHandler } from "./resources/pair-configuration.js";
export { PAIR_SECRETS_TOKEN, pairSecretsHandler } from "./resources/pair-secrets.js";
export { REGISTRATION_TOKEN, registrationHandler } from "./resources/registration.js";
export type { ResourceContext, ResourceHandler, WireProps } from "./resources/resource-handler.js";
