using System;
using System.Collections.Concurrent;
using System.Collections.Generic;

namespace Gasleser.Sessions
{
    /// <summary>
    /// The process-wide set of device sessions, one per normalised endpoint. Static, so every
    /// runspace and every cmdlet in the process shares it.
    /// </summary>
    public static class SessionRegistry
    {
        private static readonly ConcurrentDictionary<DeviceEndpoint, DeviceSession> Sessions =
            new ConcurrentDictionary<DeviceEndpoint, DeviceSession>();

        private static volatile ISessionClock _clock = SystemSessionClock.Instance;

        /// <summary>
        /// The clock every session uses. The wall clock unless a test or simulation installs its own;
        /// sessions read it at each use, so a change applies at once.
        /// </summary>
        public static ISessionClock Clock
        {
            get => _clock;
            set => _clock = value ?? SystemSessionClock.Instance;
        }

        private static volatile string? _machineWideDirectory = DefaultMachineWideDirectory();

        /// <summary>
        /// Where the per-device slot files that keep spacing across processes live: a folder of the
        /// user's temporary directory by default; null turns machine-wide spacing off. Applies to
        /// sessions created after the change.
        /// </summary>
        public static string? MachineWideDirectory
        {
            get => _machineWideDirectory;
            set => _machineWideDirectory = value;
        }

        /// <summary>
        /// The per-user file of devices reached before (tab completion in a new shell, see <see cref="KnownDevices"/>):
        /// beside the slot files; null when machine-wide spacing is off.
        /// </summary>
        public static string? KnownDevicesFile =>
            _machineWideDirectory is string directory ? System.IO.Path.Combine(directory, "known-devices.txt") : null;

        public static DeviceSession Get(DeviceEndpoint endpoint) =>
            Sessions.GetOrAdd(endpoint, e => new DeviceSession(
                e, () => _clock, _machineWideDirectory is string directory ? new MachineWideSlot(directory, e) : null));

        private static string DefaultMachineWideDirectory()
        {
            string user = Environment.UserName;
            foreach (char c in System.IO.Path.GetInvalidFileNameChars())
            {
                user = user.Replace(c, '_');
            }

            return System.IO.Path.Combine(System.IO.Path.GetTempPath(), "gasleser-" + user);
        }

        /// <summary>The sessions known so far, in no particular order.</summary>
        public static IReadOnlyCollection<DeviceSession> All => (IReadOnlyCollection<DeviceSession>)Sessions.Values;

        /// <summary>Forgets every session (their timing and cached readings). For tests and simulations.</summary>
        public static void Clear() => Sessions.Clear();
    }
}
