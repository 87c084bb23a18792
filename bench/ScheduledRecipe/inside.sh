#!/bin/sh
# Run by run.sh inside its own network and mount namespace. Arguments: REPO RUNS DOTNET PWSH_DLL.
set -eu
REPO=$1 RUNS=$2 DOTNET=$3 PWSH_DLL=$4
ip link set lo up
# /tmp becomes a tmpfs of this namespace's own; a repository under /tmp (a CI's clean clone) stays in view at /mnt.
case "$REPO" in
    /tmp | /tmp/*) mount --bind "$REPO" /mnt; REPO=/mnt ;;
esac
mount -t tmpfs tmpfs /tmp
mkdir /tmp/work /tmp/logs /tmp/interactive
mount -t tmpfs -o ro tmpfs /tmp/work          # the working folder a scheduler may give: not writable (even by root)
MANIFEST=$REPO/out/Gasleser/Gasleser.psd1
SIMULATOR=$(ls "$REPO"/src/Gasleser.Simulator/bin/*/*/Gasleser.Simulator.dll | head -n 1)

"$DOTNET" "$SIMULATOR" 127.0.0.1:8080 > /tmp/simulator.log 2>&1 &
SIMULATOR_PID=$!
until grep -q 'Ctrl+C stops' /tmp/simulator.log 2>/dev/null; do sleep 0.1; done
DEVICE=$(grep -o -m 1 'GAS_[0-9]*' /tmp/simulator.log)   # the simulator's id for 127.0.0.1:8080

# The recipe's script (docs/logging.md), with the module imported by path.
cat > /tmp/gas-log.ps1 <<PS1
Import-Module '$MANIFEST'
\$logged = Get-GasleserReading -DeviceId $DEVICE | Export-GasleserLog '/tmp/logs/gas-{0:yyyy-MM}.csv' -PassThru
if (-not \$logged) { exit 1 }
PS1

# The interactive shell: its own HOME, TMPDIR and XDG_RUNTIME_DIR, as a login shell has. It reads the device once
# by its address (so that it is known), then watches it by its id until stopped.
HOME=/tmp/interactive TMPDIR=/tmp/interactive/ XDG_RUNTIME_DIR=/tmp/interactive "$DOTNET" "$PWSH_DLL" -NoProfile -Command "
    Import-Module '$MANIFEST'
    Get-GasleserReading 127.0.0.1:8080 | Out-Null
    Watch-GasleserReading -DeviceId $DEVICE -Interval 12 | ForEach-Object { 'watch ' + \$_.ComputerName }" > /tmp/watch.log 2>&1 &
WATCH_PID=$!
until grep -q '^watch ' /tmp/watch.log 2>/dev/null || grep -q ' -> 200' /tmp/simulator.log; do sleep 0.1; done

started=$(date +%s.%N)
codes=""
i=0
while [ "$i" -lt "$RUNS" ]; do
    i=$((i + 1))
    set +e
    (cd /tmp/work && env -i PATH=/usr/bin:/bin "$DOTNET" "$PWSH_DLL" -NoProfile -NonInteractive -File /tmp/gas-log.ps1 < /dev/null >> /tmp/runs.out 2>> /tmp/runs.err)
    codes="$codes$?"
    set -e
done
took=$(echo "$(date +%s.%N) - $started" | bc)

kill "$WATCH_PID" 2>/dev/null || true
rows=$(cat /tmp/logs/gas-*.csv | tail -n +2 | wc -l)

# The device switched off: the run fails with a non-zero exit code and says why on stderr; no row is logged.
kill "$SIMULATOR_PID"; wait "$SIMULATOR_PID" 2>/dev/null || true
set +e
(cd /tmp/work && env -i PATH=/usr/bin:/bin "$DOTNET" "$PWSH_DLL" -NoProfile -NonInteractive -File /tmp/gas-log.ps1 < /dev/null > /tmp/off.out 2> /tmp/off.err)
off=$?
set -e
rows_after=$(cat /tmp/logs/gas-*.csv | tail -n +2 | wc -l)

ok=$(grep -c ' -> 200' /tmp/simulator.log || true)
limited=$(grep -c ' -> 429' /tmp/simulator.log || true)
watched=$(grep -c '^watch ' /tmp/watch.log || true)
folders=$(ls -d /tmp/gasleser-* 2>/dev/null | tr '\n' ' ')
echo "runs=$RUNS exit_codes=$codes rows=$rows seconds=$took device_200=$ok device_429=$limited watch_readings=$watched" \
    "off_exit=$off off_stderr=$(grep -c "$DEVICE" /tmp/off.err || true) rows_after_off=$rows_after private_folders=$folders" \
    "run_stderr_bytes=$(wc -c < /tmp/runs.err)"
