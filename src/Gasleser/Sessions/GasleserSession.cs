using System;
using System.Linq;

namespace Gasleser
{
    /// <summary>
    /// What Get-GasleserSession shows about one device session: a snapshot for "why is it waiting?".
    /// Times are wall-clock labels in local time (still real date-time values, with their offset); the age
    /// is elapsed time, measured when the snapshot is taken.
    /// </summary>
    public sealed class GasleserSession
    {
        /// <summary>The device's normalised address (host, plus ":port" when not 80).</summary>
        public string ComputerName { get; set; } = "";

        /// <summary>
        /// Every name this process has used for the device, this one included: they share one turn (one
        /// request every 10 s between them), as they reach the same address and port or answered with the same id.
        /// </summary>
        public string[] SharesTurnWith { get; set; } = Array.Empty<string>();

        /// <summary>The device id from the last good reading; null until the device has answered once.</summary>
        public string? DeviceId { get; set; }

        /// <summary>When this process last sent the device a request (local time).</summary>
        public DateTimeOffset? LastRequest { get; set; }

        /// <summary>The earliest time the next request may start (local time); a past time means "now".</summary>
        public DateTimeOffset? NextAllowed { get; set; }

        /// <summary>The last good reading the session holds (what -MaxAge may answer with).</summary>
        public GasleserReading? LastReading { get; set; }

        /// <summary>How long ago the last good reading arrived.</summary>
        public TimeSpan? LastReadingAge { get; set; }

        /// <summary>Requests this process sent to the device.</summary>
        public long Requests { get; set; }

        /// <summary>429 Too Many Requests answers the device gave this process (another client polling it).</summary>
        public long RateLimitedAnswers { get; set; }

        internal static GasleserSession From(Sessions.DeviceSession session)
        {
            GasleserReading? reading = session.LastReading;
            return new GasleserSession
            {
                ComputerName = session.Endpoint.ComputerName,
                SharesTurnWith = session.NamesSharingTurn.ToArray(),
                DeviceId = reading?.DeviceId,
                LastRequest = session.LastRequest?.ToLocalTime(),
                NextAllowed = session.NextAllowed?.ToLocalTime(),
                LastReading = reading,
                LastReadingAge = reading != null ? session.LastReadingAge : null,
                Requests = session.Requests,
                RateLimitedAnswers = session.RateLimitedAnswers,
            };
        }

        public override string ToString() => ComputerName;
    }
}
