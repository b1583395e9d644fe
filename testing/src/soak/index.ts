// The chaos soak, shared by `npm run soak` and its short version in the system tests.
export { type FaultRecord, runSoak, type SoakOptions, type SoakResult } from "./run-soak.js";
export { FAULT_KINDS, type FaultKind } from "./soak-faults.js";
export { soakResultLine, soakTable } from "./soak-summary.js";
