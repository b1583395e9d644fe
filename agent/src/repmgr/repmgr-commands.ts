// argv builders for the repmgr commands the agent runs, kept apart so tests can assert the exact argv.

/**
 * Promote this standby and demote the old primary, whose repmgr.conf sits at `remoteConfigFile` on its
 * host (paths differ per node, and repmgr would otherwise look for its own path there). No
 * `--siblings-follow`: with a witness it needs SSH to the witness host; the witness is re-registered
 * against the new primary instead.
 */
export function standbySwitchoverArgv(
  binary: string,
  configFile: string,
  remoteConfigFile: string,
): string[] {
  return [
    binary,
    "-f",
    configFile,
    "standby",
    "switchover",
    `--remote-config-file=${remoteConfigFile}`,
    "--force-rewind",
  ];
}

/** A switchover pauses repmgrd on both nodes; monitoring resumes only after this. */
export function serviceUnpauseArgv(binary: string, configFile: string): string[] {
  return [binary, "-f", configFile, "service", "unpause"];
}
