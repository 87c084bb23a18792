using System;
using Gasleser.Readings;

namespace Gasleser.Usage
{
    /// <summary>
    /// Period bounds in one time zone. Bounds are local wall-clock times (midnight, the 1st, Monday) turned
    /// into instants, so a day is 23 or 25 hours long when the clocks change, and an hour is a clock hour.
    /// Instants are UTC ticks throughout. Months may start on another day than the 1st (1–28) and years on
    /// another date than 1 January (a billing year): <see cref="StartMonth"/>, <see cref="StartDay"/>.
    /// </summary>
    internal sealed class PeriodCalendar
    {
        private static readonly long TicksPerHour = TimeSpan.TicksPerHour;

        /// <param name="period">The length of one period.</param>
        /// <param name="zone">The zone whose local clock bounds the periods.</param>
        /// <param name="startMonth">The month each Year starts in (1 = January).</param>
        /// <param name="startDay">The day each Month starts on (1–28), and with <paramref name="startMonth"/> each Year (not 29 February).</param>
        public PeriodCalendar(UsagePeriod period, TimeZoneInfo zone, int startMonth = 1, int startDay = 1)
        {
            Period = period;
            Zone = zone;
            StartMonth = startMonth;
            StartDay = startDay;
        }

        public UsagePeriod Period { get; }

        public TimeZoneInfo Zone { get; }

        public int StartMonth { get; }

        public int StartDay { get; }

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
            DateTime first, next;
            switch (Period)
            {
                case UsagePeriod.Day:
                    first = date;
                    next = first.AddDays(1);
                    break;
                case UsagePeriod.Week:
                    first = date.AddDays(-(((int)date.DayOfWeek + 6) % 7));
                    next = first.AddDays(7);
                    break;
                case UsagePeriod.Month:
                    first = new DateTime(date.Year, date.Month, StartDay);
                    first = date < first ? first.AddMonths(-1) : first;
                    next = first.AddMonths(1);
                    break;
                default:
                    first = new DateTime(date.Year, StartMonth, StartDay);
                    first = date < first ? first.AddYears(-1) : first;
                    next = first.AddYears(1);
                    break;
            }

            long startTicks = LocalToUtcTicks(first);
            if (startTicks > utcTicks)
            {
                // Only where local midnight does not exist and the clock jumped past it: the period began at the jump.
                startTicks = utcTicks;
            }

            return (startTicks, LocalToUtcTicks(next));
        }

        /// <summary>
        /// The local calendar day holding the instant, as UTC ticks: 24 hours long, or 23 and 25 on the days the
        /// clocks change (the standing charge is per such day).
        /// </summary>
        public (long Start, long End) DayOf(long utcTicks)
        {
            DateTime date = ToLocal(utcTicks).DateTime.Date;
            return (LocalToUtcTicks(date), LocalToUtcTicks(date.AddDays(1)));
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
