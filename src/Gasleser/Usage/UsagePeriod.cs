namespace Gasleser
{
    /// <summary>The length of one row of Measure-GasleserUsage, in the local time of its time zone.</summary>
    public enum UsagePeriod
    {
        /// <summary>A local clock hour (on the night clocks go back, the repeated hour is two rows).</summary>
        Hour,

        /// <summary>A local calendar day, midnight to midnight: 23 or 25 hours on daylight-saving changes.</summary>
        Day,

        /// <summary>A week from Monday 00:00 to the next Monday 00:00 (ISO 8601 weeks).</summary>
        Week,

        /// <summary>A month, from the 1st 00:00 (or -PeriodStart's day) to the same day of the next month.</summary>
        Month,

        /// <summary>A year, from 1 January 00:00 (or -PeriodStart's month and day: a billing year) to the same day a year later.</summary>
        Year,
    }
}
