// Shell functions that tell whether a PID lives, read from /proc: a zombie (state Z) counts as dead,
// because daemons started over SSH are re-parented to a PID 1 that may never reap them, and a killed
// postmaster lingers so until its parent reaps it. The service manager and the node scripts share them.
//   alive PID       → exit 0 while the process runs (not Z, not X)
//   pid_of FILE     → the PID on the file's first line, or nothing
export const PROCESS_LIVENESS_FUNCTIONS = `alive() { s=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1); [ -n "$s" ] && [ "$s" != Z ] && [ "$s" != X ]; }
pid_of() { head -n 1 "$1" 2>/dev/null | tr -d ' \\t\\r' | grep -E '^[0-9]+$' || true; }`;
