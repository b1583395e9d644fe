// Where the control-plane artefact is (`npm run build:control-plane`): the installer (the provider's
// ControlPlaneHost) reads it from here. portal/dist/ seen from server/src/ and from dist/server/ alike.
import { arch } from "node:os";
import { fileURLToPath } from "node:url";
import { PGAAS_VERSION } from "@pgaas/common/wire";

/** The name of the artefact for this machine's architecture (the runtime inside is per architecture). */
export const CONTROL_PLANE_ARTEFACT_NAME = `pgaas-control-plane-${PGAAS_VERSION}-linux-${arch()}`;

export const CONTROL_PLANE_ARTEFACT_PATH = fileURLToPath(
  new URL(`../../dist/${CONTROL_PLANE_ARTEFACT_NAME}.tar.gz`, import.meta.url),
);
