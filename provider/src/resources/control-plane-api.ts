// The control plane's route schemas, used to build requests and parse responses: the same zod
// modules the server mounts (no copy to drift). They live in portal/server/src/api today and are
// reached by path because @pgaas/portal exports only its server entry; moving them to
// `@pgaas/common/api` (or exporting "./api" from @pgaas/portal) turns this into a package import.
export {
  CreateDatabaseRequest,
  CreateDatabaseResponse,
  DatabaseResponse,
  ErrorBody,
  PairResponse,
  RegisterPairRequest,
  RegisterPairResponse,
  UpdateDatabaseRequest,
  UpdatePairRequest,
} from "../../../portal/server/src/api/index.js";
