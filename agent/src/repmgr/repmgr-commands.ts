// argv builders for the repmgr commands the agent runs (CONVENTIONS 4: tests assert the exact argv).

/**
 * Promote this standby and demote the old primary, whose repmgr.conf sits at `remoteConfigFile` on its
 * host (paths differ per node, FIELD-NOTES pitfall 11). No `--siblings-follow`: with a witness it needs
 * SSH to the witness host, which is re-registered instead (pitfall 12).
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
