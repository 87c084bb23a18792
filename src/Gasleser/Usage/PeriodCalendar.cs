using System;
using Gasleser.Readings;

namespace Gasleser.Usage
{
    /// <summary>
    /// Period bounds in one time zone. Bounds are local wall-clock times (midnight, the 1st, Monday) turned
    /// into instants, so a day is 23 or 25 hours long when the clocks change, and an hour is a clock hour.
    /// Instants are UTC ticks throughout.
    /// </summary>
    internal sealed class PeriodCalendar
    {
        private static readonly long TicksPerHour = TimeSpan.TicksPerHour;

        public PeriodCalendar(UsagePeriod period, TimeZoneInfo zone)
        {
            Period = period;
            Zone = zone;
        }

        public UsagePeriod Period { get; }

        public TimeZoneInfo Zone { get; }

        /// <summary>The period holding the instant: start inclusive, end exclusive (UTC ticks).</summary>
        public (long Start, long End) PeriodOf(long utcTicks)
        {
            DateTimeOffset local = ToLocal(utcTicks);
            if (Period == UsagePeriod.Hour)
            {
                // Whole local clock hours, kept in the offset in force at the instant: on the night the clocks
                // go back, 02:00+02:00 and 02:00+01:00 are two different hours.
                long localTicks = local.Ticks - (local.Ticks % TicksPerHour);
                long start = localTicks - local.Offset.Ticks;
                return (start, start + TicksPerHour);
            }

            DateTime date = local.DateTime.Date;
            DateTime first = Period switch
            {
                UsagePeriod.Day => date,
                UsagePeriod.Week => date.AddDays(-(((int)date.DayOfWeek + 6) % 7)),
                _ => new DateTime(date.Year, date.Month, 1),
            };
            DateTime next = Period switch
            {
                UsagePeriod.Day => first.AddDays(1),
                UsagePeriod.Week => first.AddDays(7),
                _ => first.AddMonths(1),
            };

            long startTicks = LocalToUtcTicks(first);
            if (startTicks > utcTicks)
            {
                // Only where local midnight does not exist and the clock jumped past it: the period began at the jump.
                startTicks = utcTicks;
            }

            return (startTicks, LocalToUtcTicks(next));
        }

        /// <summary>An instant shown in the zone's local time, with the offset in force then.</summary>
        public DateTimeOffset ToLocal(long utcTicks) =>
            TimeZoneInfo.ConvertTime(new DateTimeOffset(utcTicks, TimeSpan.Zero), Zone);

        /// <summary>
        /// A local wall-clock time as an instant. A time that occurs twice (clocks going back) is taken at its
        /// first occurrence; a time that does not occur (clocks going forward) is the instant of the jump.
        /// </summary>
        public long LocalToUtcTicks(DateTime local) => LocalTime.ToUtcTicks(Zone, local);
    }
}
