// The one version of pgaas: the provider plugin, the SDK that pins it, the agent artefact and the
// control plane's API all carry it. Every package.json says the same (a test holds them together), so
// a release changes this line and `npm version` in each workspace, nothing else.
export const PGAAS_VERSION = "0.1.0";
