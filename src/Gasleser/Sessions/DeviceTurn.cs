using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Gasleser.Hosting;

namespace Gasleser.Sessions
{
    /// <summary>
    /// A device's turn: when it may next be asked, and who is asking it now. One per device endpoint
    /// actually contacted (address and port), whatever it was called: <c>localhost:P</c>, <c>127.0.0.1:P</c>,
    /// <c>http://127.0.0.1:P/</c> and a name resolving there share one turn, and so do endpoints that
    /// answered with the same device id. The sessions of every spelling point here
    /// (see <see cref="SessionRegistry"/>); the turn's times are elapsed time (<see cref="IClock.Elapsed"/>).
    /// </summary>
    internal sealed class DeviceTurn
    {
        private readonly object _state = new object();
        private readonly List<string> _names = new List<string>();
        private TimeSpan? _lastRequest;
        private TimeSpan? _nextAllowed;

        public DeviceTurn(string key, ClaimFile? machineWide, IClock clock)
        {
            Key = key;
            MachineWide = machineWide;
            Clock = clock;
        }

        /// <summary>The clock the turn's times are on; they mean nothing on another one (a test installs its own).</summary>
        public IClock Clock { get; }

        /// <summary>The endpoint the turn was made for, e.g. "127.0.0.1:20001".</summary>
        public string Key { get; }

        /// <summary>Held by the one request to the device in flight from this process.</summary>
        public SemaphoreSlim Asking { get; } = new SemaphoreSlim(1, 1);

        /// <summary>Where other processes on this machine meet this device's turn; null when that is off.</summary>
        public ClaimFile? MachineWide { get; }

        public TimeSpan? LastRequest { get { lock (_state) { return _lastRequest; } } }

        public TimeSpan? NextAllowed { get { lock (_state) { return _nextAllowed; } } }

        /// <summary>The names (normalised, as users gave them) whose sessions share this turn.</summary>
        public IReadOnlyList<string> Names { get { lock (_state) { return _names.ToArray(); } } }

        public void AddName(string name)
        {
            lock (_state)
            {
                if (!_names.Contains(name, StringComparer.OrdinalIgnoreCase))
                {
                    _names.Add(name);
                }
            }
        }

        public void Started(TimeSpan now)
        {
            lock (_state)
            {
                _lastRequest = now;
            }
        }

        /// <summary>Moves the next allowed start to <paramref name="earliest"/> unless it is already later; returns it.</summary>
        public TimeSpan NotBefore(TimeSpan earliest)
        {
            lock (_state)
            {
                if (_nextAllowed == null || _nextAllowed < earliest)
                {
                    _nextAllowed = earliest;
                }

                return _nextAllowed.Value;
            }
        }
    }
}
