// For tests, drills, benchmarks and the local demo stack, not for the product: fault injection on a
// local lab (switch port down/up, partitions), commands run inside a lab host's namespace without
// SSH, and the lab pair (spec and hosts of n1, n2 and w).
export { heal, isolateHost, partition, restoreHost } from "./faults.js";
export { hostExec } from "./host-exec.js";
export { LAB_PAIR_HOSTS, labPairHosts, labPairSpec } from "./lab-pair.js";
export { killAgent, startAgent, startWitness, stopWitness } from "./member-services.js";
