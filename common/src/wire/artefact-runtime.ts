// Where every pgaas artefact (agent, control plane) carries its Node runtime inside its top directory,
// shared by the builders and the installers so both artefacts start the same way.

/** The runtime inside an artefact's directory. */
export const ARTEFACT_NODE = "bin/node";
