using System;
using System.Globalization;

namespace Gasleser
{
    /// <summary>
    /// What one device used in one period (Measure-GasleserUsage). Volumes are in cubic metres (m³),
    /// energy in kWh, cost in the currency of -PricePerKWh. m³ is always there; Energy and Cost only
    /// when the bill's factors were given.
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

        /// <summary>Consumption in kWh (m³ × ConversionFactor × CalorificValue); null without -CalorificValue.</summary>
        public double? Energy { get; set; }

        /// <summary>Energy × PricePerKWh; null without -PricePerKWh.</summary>
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

        public override string ToString() =>
            $"{DeviceId} {Start:yyyy-MM-dd HH:mm zzz} {Consumption.ToString("0.###", CultureInfo.InvariantCulture)} m³";
    }
}
