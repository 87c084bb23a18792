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

        public static DeviceSession Get(DeviceEndpoint endpoint) =>
            Sessions.GetOrAdd(endpoint, e => new DeviceSession(e, () => _clock));

        /// <summary>The sessions known so far, in no particular order.</summary>
        public static IReadOnlyCollection<DeviceSession> All => (IReadOnlyCollection<DeviceSession>)Sessions.Values;

        /// <summary>Forgets every session (their timing and cached readings). For tests and simulations.</summary>
        public static void Clear() => Sessions.Clear();
    }
}
