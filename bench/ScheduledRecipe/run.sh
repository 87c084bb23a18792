#!/bin/sh
# The scheduled log of docs/logging.md, run as a scheduler runs it, against the simulator, while an interactive
# watch polls the same device: RUNS runs of the cron recipe, each under `env -i` with only PATH (no HOME, TMPDIR,
# XDG_RUNTIME_DIR), in a read-only working folder, without a terminal; then one run with the device switched off.
# Everything happens inside a network and mount namespace of its own (unshare -n -m, as root): loopback is the only
# network there, and /tmp is a tmpfs of its own, so nothing reaches this machine's networks or the user's own
# private folder. Prints one line of figures. Needs a build (dotnet build Gasleser.sln) first.
#
#   sudo sh bench/ScheduledRecipe/run.sh [RUNS]        # default 20 (about 4 minutes: the device answers once every 10 s)
set -eu
REPO=$(cd "$(dirname "$0")/../.." && pwd)
RUNS=${1:-20}
# The pwsh of the repository's dotnet tool, called as a scheduler must call it: dotnet and the full path of pwsh.dll.
PWSH_DLL=$(cd "$REPO" && dotnet pwsh -NoProfile -Command '[IO.Path]::Combine($PSHOME, "pwsh.dll")')
exec unshare -n -m sh "$REPO/bench/ScheduledRecipe/inside.sh" "$REPO" "$RUNS" "$(command -v dotnet)" "$PWSH_DLL"
