using System;

namespace Gasleser.Readings
{
    /// <summary>Local wall-clock times of a zone as instants: for rows without an offset and for period bounds.</summary>
    internal static class LocalTime
    {
        /// <summary>
        /// A local wall-clock time of <paramref name="zone"/> as an instant (UTC ticks). A time that occurs twice
        /// (clocks going back) is taken at its first occurrence; a time that does not occur (clocks going forward)
        /// is the instant of the jump. The result may lie outside DateTime's range
        /// (0001-01-01 00:00 local east of Greenwich): callers check it before making a date of it.
        /// </summary>
        public static long ToUtcTicks(TimeZoneInfo zone, DateTime local)
        {
            local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
            if (zone.IsAmbiguousTime(local))
            {
                TimeSpan[] offsets = zone.GetAmbiguousTimeOffsets(local);
                TimeSpan largest = offsets[0];
                foreach (TimeSpan offset in offsets)
                {
                    if (offset > largest)
                    {
                        largest = offset;
                    }
                }

                return local.Ticks - largest.Ticks;
            }

            if (zone.IsInvalidTime(local))
            {
                // The offset before the gap puts the instant at the moment the clock jumped.
                TimeSpan before = local.Ticks > TimeSpan.TicksPerDay ? zone.GetUtcOffset(local.AddHours(-3)) : zone.BaseUtcOffset;
                return local.Ticks - before.Ticks;
            }

            return local.Ticks - zone.GetUtcOffset(local).Ticks;
        }
    }
}
