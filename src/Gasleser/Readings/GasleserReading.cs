using System;

namespace Gasleser
{
    /// <summary>
    /// One reading of a Gasleser device. Volumes are in cubic metres (m³), flows in m³/h.
    /// The property order is part of the contract: CSV logs started by Get-GasleserReading
    /// can be appended to by Watch-GasleserReading, year after year.
    /// A row of such a log converts back with [Gasleser.GasleserReading]$row (see <see cref="GasleserReadingConverter"/>).
    /// </summary>
    [System.ComponentModel.TypeConverter(typeof(GasleserReadingConverter))]
    public sealed class GasleserReading
    {
        /// <summary>The address that was asked, normalised (host, plus ":port" when not 80).</summary>
        public string ComputerName { get; set; } = "";

        /// <summary>The device's own id, e.g. GAS_2329790123 (GAS_PULSE_… for the pulse variant).</summary>
        public string DeviceId { get; set; } = "";

        /// <summary>The device's measurement time (from its Unix-seconds timestamp).</summary>
        public DateTimeOffset Timestamp { get; set; }

        /// <summary>Meter total in m³: the big number on the gas meter.</summary>
        public double TotalConsumption { get; set; }

        /// <summary>The device's smoothed flow in m³/h, for live display only (null when the device does not send it).</summary>
        public double? CurrentFlowRate { get; set; }

        /// <summary>m³ used since the previous reading of the same watch; null outside a watch and on its first reading.</summary>
        public double? ConsumptionDelta { get; set; }

        /// <summary>Mean flow in m³/h since the previous reading of the same watch, from the totals and device timestamps.</summary>
        public double? AverageFlowRate { get; set; }

        /// <summary>Pulse count (the device's "count" field), when sent.</summary>
        public long? PulseCount { get; set; }

        /// <summary>Wi-Fi signal strength in percent (from "84 %"), when sent.</summary>
        public int? SignalStrength { get; set; }

        /// <summary>Wi-Fi RSSI in dBm (from "-51"), when sent.</summary>
        public int? Rssi { get; set; }

        /// <summary>True when this reading was answered from the session's cache (-MaxAge) rather than a new request.</summary>
        public bool FromCache { get; set; }

        /// <summary>A copy to annotate (a watch's deltas) without touching the session's cached reading.</summary>
        internal GasleserReading Copy() => (GasleserReading)MemberwiseClone();

        internal GasleserReading AsCached()
        {
            var copy = (GasleserReading)MemberwiseClone();
            copy.FromCache = true;
            return copy;
        }

        public override string ToString() =>
            $"{DeviceId} {TotalConsumption.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)} m³ at {Timestamp:u}";
    }
}
