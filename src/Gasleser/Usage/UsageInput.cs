using System;
using System.Globalization;
using System.Management.Automation;
using Gasleser.Logging;
using Gasleser.Readings;

namespace Gasleser.Usage
{
    /// <summary>The three values Measure-GasleserUsage needs from a reading: whose, when (UTC ticks), and the meter total (m³).</summary>
    internal readonly struct UsageReading
    {
        public UsageReading(string deviceId, long utcTicks, double total)
        {
            DeviceId = deviceId;
            UtcTicks = utcTicks;
            Total = total;
        }

        /// <summary>The device id as given: GAS_A and gas_a are two devices.</summary>
        public string DeviceId { get; }
        public long UtcTicks { get; }
        public double Total { get; }
    }

    /// <summary>
    /// What comes down Measure-GasleserUsage's pipeline, as a reading: a live Gasleser.GasleserReading, or
    /// any object with DeviceId, Timestamp and TotalConsumption (an Import-Csv row), read by the one rule set
    /// of <see cref="RowParser"/>, times without an offset in -TimeZone.
    /// </summary>
    internal static class UsageInput
    {
        /// <summary>The reading in <paramref name="input"/>; throws GasleserInvalidReadingException saying what is wrong.</summary>
        public static UsageReading Read(object? input, TimeZoneInfo zone, CultureInfo culture, DateTimeOffset hostNow)
        {
            object? baseObject = input is PSObject wrapped ? wrapped.BaseObject : input;
            if (baseObject == null)
            {
                throw new GasleserInvalidReadingException("The reading is empty ($null).");
            }

            GasleserReading reading;
            if (baseObject is GasleserReading live)
            {
                reading = RowParser.CheckPlausible(live.Copy(), hostNow);
            }
            else
            {
                PSObject row = input as PSObject ?? PSObject.AsPSObject(baseObject);
                reading = RowParser.Read(name => row.Properties[name]?.Value, zone, culture, hostNow);
            }

            return new UsageReading(reading.DeviceId, reading.Timestamp.UtcTicks, reading.TotalConsumption);
        }
    }
}
