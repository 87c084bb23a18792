using System;

namespace Gasleser.Readings
{
    /// <summary>
    /// What a reading's time and total may be, wherever a reading enters the module: a device's answer
    /// (an InvalidResponse when broken) or a logged or piped row (an InvalidReading). One rule set, kept here.
    /// </summary>
    internal static class ReadingPlausibility
    {
        /// <summary>No Gasleser reading was made before this: the earliest time a reading may have.</summary>
        public static readonly DateTimeOffset EarliestTime = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

        /// <summary>
        /// A device whose clock is not set counts seconds since boot as a Unix time ("523" = 1970-01-01 00:08:43),
        /// so its times lie near 1970: from a day before (a local time written west of Greenwich) to 2000. A time
        /// from 2000 to 2020 is no unset clock but a wrong one, or a wrong year in a row.
        /// </summary>
        public static bool IsUnsetClock(DateTimeOffset time) =>
            time >= UnsetClockFrom && time < UnsetClockBefore;

        private static readonly DateTimeOffset UnsetClockFrom = DateTimeOffset.FromUnixTimeSeconds(0).AddDays(-1);
        private static readonly DateTimeOffset UnsetClockBefore = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

        /// <summary>How far ahead of the host's clock a device's clock may run before its times are refused.</summary>
        public static readonly TimeSpan LatestAhead = TimeSpan.FromDays(1);

        /// <summary>A household gas meter shows at most 8 digits before the decimal mark (m³).</summary>
        public const double MaximumTotal = 99_999_999.999;

        /// <summary>
        /// Null when <paramref name="time"/> is a plausible measurement time at host time <paramref name="hostNow"/>, else why not.
        /// A time from 2000 to 2020 ends with <paramref name="tooEarly"/>: what to check (a device's clock, a row's year).
        /// </summary>
        public static string? CheckTime(DateTimeOffset time, DateTimeOffset hostNow, string tooEarly = "the device's clock is wrong")
        {
            if (time < EarliestTime)
            {
                return $"is {time.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC, before {EarliestTime.UtcDateTime:yyyy-MM-dd}"
                    + (IsUnsetClock(time) ? ": the device has not set its clock yet (its time counts from 1970-01-01)"
                        : $", earlier than any Gasleser reading: {tooEarly}");
            }

            if (hostNow < DateTimeOffset.MaxValue - LatestAhead && time > hostNow + LatestAhead)
            {
                return $"is {time.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC, more than {LatestAhead.TotalHours:0} h ahead of this computer's clock: the device's clock is wrong";
            }

            return null;
        }

        /// <summary>Null when <paramref name="total"/> (m³) could be on a meter, else why not.</summary>
        public static string? CheckTotal(double total)
        {
            if (double.IsNaN(total) || double.IsInfinity(total))
            {
                return "is not a finite number";
            }

            if (total < 0)
            {
                return "is negative";
            }

            if (total > MaximumTotal)
            {
                return $"is beyond what a gas meter shows ({MaximumTotal:0.###} m³ at most)";
            }

            return null;
        }
    }
}
