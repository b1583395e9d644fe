// Where the control-plane artefact is (`npm run build:control-plane`): the installer (the provider's
// ControlPlaneHost) reads it from here. In the checkout that is portal/dist/, seen from server/src/ and
// from dist/server/ alike; in the packaged provider plugin it rides in dist/ beside the bundle's bin/.
import { existsSync } from "node:fs";
import { arch } from "node:os";
import { fileURLToPath } from "node:url";
import { PGAAS_VERSION } from "@pgaas/common/wire";

/** The name of the artefact for this machine's architecture (the runtime inside is per architecture). */
export const CONTROL_PLANE_ARTEFACT_NAME = `pgaas-control-plane-${PGAAS_VERSION}-linux-${arch()}`;

/** Where `npm run build:control-plane` writes it: portal/dist/. */
export const CONTROL_PLANE_ARTEFACT_PATH = fileURLToPath(
  new URL(`../../dist/${CONTROL_PLANE_ARTEFACT_NAME}.tar.gz`, import.meta.url),
);

/** The packaged plugin's copy (its bundle is bin/plugin.js), else the checkout's build. */
export function controlPlaneArtefactPath(): string {
  const packaged = fileURLToPath(new URL(`../dist/${CONTROL_PLANE_ARTEFACT_NAME}.tar.gz`, import.meta.url));
  return existsSync(packaged) ? packaged : CONTROL_PLANE_ARTEFACT_PATH;
}
