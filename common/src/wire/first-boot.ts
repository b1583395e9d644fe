// The contract between a node's first-boot script (written by the SDK into user data or the GCP
// startup-script) and the provider that waits for it: where success and failure are recorded.
// On the root disk, not the data volume: a replacement VM that mounts an old volume boots afresh.

/** Present once the first boot finished: packages installed, the node ready to configure. */
export const HOST_READY_FILE = "/etc/pgaas/host-ready";

/**
 * Present when the first boot failed: one line naming the exit code, the script line and the
 * command. The provider stops waiting at once and reports it with the tail of HOST_SETUP_LOG.
 */
export const HOST_FAILED_FILE = "/etc/pgaas/host-failed";

/** Everything the first-boot script printed (cloud-init and the GCP guest agent keep their own copies). */
export const HOST_SETUP_LOG = "/var/log/pgaas-host-setup.log";

/** How many lines of HOST_SETUP_LOG a failure report carries. */
export const HOST_SETUP_LOG_TAIL_LINES = 20;
