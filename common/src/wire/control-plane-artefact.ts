// The control-plane artefact's layout, shared by its builder (@pgaas/portal) and its installer
// (@pgaas/engine): a gzipped tar whose single top directory holds the Node runtime (where the agent
// artefact has it), the bundled server, its one native addon and the built web portal, so a control
// plane host needs no distro Node and no node_modules.
import { ARTEFACT_NODE } from "./artefact-runtime.js";

/** The bundled server (one ES module) inside the artefact's directory. */
export const CONTROL_PLANE_ARTEFACT_MAIN = "pgaas-control-plane.mjs";

/** The built web portal (PGAAS_WEB_DIR) inside the artefact's directory. */
export const CONTROL_PLANE_ARTEFACT_WEB = "web";

/** How an installed artefact in `dir` starts the server (configured by its environment). */
export function controlPlaneArtefactArgv(dir: string): string[] {
  return [`${dir}/${ARTEFACT_NODE}`, `${dir}/${CONTROL_PLANE_ARTEFACT_MAIN}`];
}
