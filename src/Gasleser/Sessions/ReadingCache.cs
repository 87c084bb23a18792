using System;

namespace Gasleser.Sessions
{
    /// <summary>
    /// A device's last good reading and when it arrived (elapsed time): what -MaxAge may answer with, and what
    /// Get-GasleserSession shows. Thread-safe.
    /// </summary>
    internal sealed class ReadingCache
    {
        private readonly object _state = new object();
        private GasleserReading? _reading;
        private TimeSpan _at;

        public GasleserReading? Last { get { lock (_state) { return _reading; } } }

        /// <summary>When the last reading arrived (elapsed time); null before the first.</summary>
        public TimeSpan? LastAt { get { lock (_state) { return _reading != null ? _at : (TimeSpan?)null; } } }

        public void Store(GasleserReading reading, TimeSpan at)
        {
            lock (_state)
            {
                _reading = reading;
                _at = at;
            }
        }

        /// <summary>A copy of the last reading marked FromCache, when it is no older than <paramref name="maxAge"/> at <paramref name="now"/>.</summary>
        public bool TryGet(TimeSpan? maxAge, TimeSpan now, out GasleserReading? reading)
        {
            reading = null;
            if (maxAge == null)
            {
                return false;
            }

            lock (_state)
            {
                if (_reading != null && now - _at <= maxAge.Value)
                {
                    reading = _reading.AsCached();
                }
            }

            return reading != null;
        }
    }
}
