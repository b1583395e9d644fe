// The control-plane artefact as the installer takes it: its bytes and sha256 (built by @pgaas/portal,
// which the engine never imports).
import { type AgentArtefact, loadArtefact } from "../bootstrap/agent-artefact.js";

export function loadControlPlaneArtefact(path: string): Promise<AgentArtefact> {
  return loadArtefact(path, {
    what: "control-plane artefact",
    build: "npm run build:control-plane",
    code: "control_plane_artefact_missing",
  });
}
