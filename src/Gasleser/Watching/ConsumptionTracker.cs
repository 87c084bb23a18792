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
        /// (usually 0: the meter is idle), but no flow, which would divide by zero; one that went back gives the
        /// delta and no flow, with a warning. Flows of short intervals jump: device times are whole seconds and
        /// totals have three decimals (a litre), so 0.004 or 0.005 m³ in 11 or 12 s reads 1.309 to 1.800 m³/h
        /// for a steady 1.5.
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
            TimeSpan span = reading.Timestamp - previous.Timestamp;
            if (span > TimeSpan.Zero)
            {
                result.AverageFlowRate = Math.Round(delta / span.TotalHours, Decimals);
            }
            else if (span < TimeSpan.Zero)
            {
                warn($"{reading.ComputerName}: the device's time went back {(-span).TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s, from {previous.Timestamp:yyyy-MM-dd HH:mm:ss} to {reading.Timestamp:yyyy-MM-dd HH:mm:ss} (its clock was set back, or it restarted without network time): AverageFlowRate is empty on this reading, which spans no time; ConsumptionDelta still counts what the meter moved.");
            }

            return result;
        }

        private static string M3(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
    }
}
