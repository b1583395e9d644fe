// The control plane's route schemas, used to build requests and parse responses: the same zod
// modules the server mounts (no copy to drift), from @pgaas/portal's pure "./api" export.
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
} from "@pgaas/portal/api";
