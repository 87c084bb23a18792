using System;
using System.Globalization;

namespace Gasleser
{
    /// <summary>
    /// What one device used in one period (Measure-GasleserUsage), with the lines of the gas bill. Volumes are
    /// in cubic metres (m³), energy in kWh, money in the currency of the bill's prices, at full precision
    /// (the views round it). m³ and LongestGap are always there; Energy, EnergyCost, StandingCharge and Cost
    /// only when the bill's values were given (-Tariff, or -CalorificValue, -PricePerKWh, -StandingChargePerDay).
    /// </summary>
    public sealed class GasleserUsage
    {
        /// <summary>The device's own id, e.g. GAS_2329790123.</summary>
        public string DeviceId { get; set; } = "";

        /// <summary>Start of the period (inclusive), in the local time of the time zone measured in.</summary>
        public DateTimeOffset Start { get; set; }

        /// <summary>End of the period (exclusive), in the local time of the time zone measured in.</summary>
        public DateTimeOffset End { get; set; }

        /// <summary>Gas used in the period, in m³: never negative (a meter reset is not counted as usage).</summary>
        public double Consumption { get; set; }

        /// <summary>
        /// Consumption in kWh (m³ × ConversionFactor × CalorificValue, each part with the values in force then);
        /// null without a calorific value, or when part of the row lies before the tariff's first one.
        /// </summary>
        public double? Energy { get; set; }

        /// <summary>The energy's price (kWh × PricePerKWh, each part at the price in force then); null without a price.</summary>
        public double? EnergyCost { get; set; }

        /// <summary>
        /// The standing charge for the row's span: the charge per day in force, for each local day's share in the
        /// span (a 23- or 25-hour day on daylight-saving changes is one day; a device's first and last row count
        /// from its first reading and to its last). Null without a standing charge.
        /// </summary>
        public double? StandingCharge { get; set; }

        /// <summary>EnergyCost + StandingCharge (those of them given); null without a price or standing charge.</summary>
        public double? Cost { get; set; }

        /// <summary>How many distinct readings of the device lie in the period.</summary>
        public int Readings { get; set; }

        /// <summary>
        /// True when a period bound fell between two readings and the meter total there was interpolated
        /// linearly from the device timestamps (so some of the period's m³ is an estimate).
        /// </summary>
        public bool Estimated { get; set; }

        /// <summary>
        /// How many times the meter total went down in this period (meter reset, device reconfigured).
        /// Counting restarts from the lower total; what was used between the last reading before and the
        /// first reading after such a drop is unknown and not counted.
        /// </summary>
        public int Resets { get; set; }

        /// <summary>
        /// The longest stretch of the row's span with no reading (the span: Start to End, or for a device's first
        /// and last row from its first reading and to its last). A row with no reading inside has its whole span:
        /// that much of its usage is interpolated.
        /// </summary>
        public TimeSpan LongestGap { get; set; }

        public override string ToString() =>
            $"{DeviceId} {Start:yyyy-MM-dd HH:mm zzz} {Consumption.ToString("0.###", CultureInfo.InvariantCulture)} m³";
    }
}
