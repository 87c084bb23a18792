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

        /// <summary>A calendar month, from the 1st 00:00 to the next 1st 00:00.</summary>
        Month,
    }
}
