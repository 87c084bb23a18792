using System;
using System.Globalization;

namespace Gasleser.Watching
{
    /// <summary>
    /// Works out, for one device of a watch, what was used since its previous reading (m³) and the mean
    /// flow over that span (m³/h), from the meter totals and the device's own timestamps: the
    /// accounting-grade numbers, where the device's current_flow_rate is smoothed and "for illustration only".
    /// </summary>
    internal sealed class ConsumptionTracker
    {
        // Totals are differences of doubles: 12345.805 − 12345.8 is 0.00499999999901… Rounding to 9
        // decimals (a nanolitre) removes that noise; device totals carry far fewer decimals.
        private const int Decimals = 9;

        private GasleserReading? _previous;

        /// <summary>
        /// Returns a copy of <paramref name="reading"/> with ConsumptionDelta and AverageFlowRate set
        /// (null on the first reading, and when the deltas restart). A total that went down or a device id
        /// that changed restarts the deltas and says why through <paramref name="warn"/>: a delta is never
        /// negative and never spans two meters. A device timestamp that did not move still gives the delta
        /// (usually 0: the meter is idle), but no flow, which would divide by zero.
        /// </summary>
        public GasleserReading Annotate(GasleserReading reading, Action<string> warn)
        {
            GasleserReading result = reading.Copy();
            result.ConsumptionDelta = null;
            result.AverageFlowRate = null;
            GasleserReading? previous = _previous;
            _previous = reading;
            if (previous == null)
            {
                return result;
            }

            if (!string.Equals(previous.DeviceId, reading.DeviceId, StringComparison.Ordinal))
            {
                warn($"{reading.ComputerName}: the device id changed from {previous.DeviceId} to {reading.DeviceId}: another device answers at this address now. Consumption is counted afresh from this reading (ConsumptionDelta is empty on it).");
                return result;
            }

            double delta = reading.TotalConsumption - previous.TotalConsumption;
            if (delta < 0)
            {
                warn($"{reading.ComputerName}: the meter total went down from {M3(previous.TotalConsumption)} to {M3(reading.TotalConsumption)} m³: the device was reset or reconfigured. Consumption is counted afresh from this reading (ConsumptionDelta is empty on it).");
                return result;
            }

            result.ConsumptionDelta = Math.Round(delta, Decimals);
            double hours = (reading.Timestamp - previous.Timestamp).TotalHours;
            if (hours > 0)
            {
                result.AverageFlowRate = Math.Round(delta / hours, Decimals);
            }

            return result;
        }

        private static string M3(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
    }
}
