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

        /// <summary>
        /// True when another client uses the device too: this user's processes (this one, a scheduled task…) were
        /// answered 429 in the last 15 minutes. This module spaces its own requests, so a 429 is always another client's.
        /// </summary>
        public bool Shared { get; set; }

        /// <summary>About how often the other client polls the device, estimated from the 429s seen; null when none was seen.</summary>
        public TimeSpan? OtherClientInterval { get; set; }

        /// <summary>How much of the device's capacity (one request every 10 s) the other client seems to take, in percent.</summary>
        public double? OtherClientLoad { get; set; }

        /// <summary>True while the other client leaves no room: Get-GasleserReading then fails at once unless -Force, and a watch's poll asks once.</summary>
        public bool Saturated { get; set; }

        internal static GasleserSession From(Sessions.DeviceSession session)
        {
            GasleserReading? reading = session.LastReading;
            Sessions.NeighbourEstimate neighbour = session.Neighbour ?? Sessions.NeighbourEstimate.None;
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
                Shared = neighbour.Seen,
                OtherClientInterval = neighbour.Interval,
                OtherClientLoad = neighbour.Load,
                Saturated = neighbour.Saturated,
            };
        }

        public override string ToString() => ComputerName;
    }
}
