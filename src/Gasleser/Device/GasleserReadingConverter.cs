using System;
using System.Globalization;
using System.Management.Automation;

namespace Gasleser
{
    /// <summary>
    /// Turns a row read back from a CSV log (Import-Csv) into a <see cref="GasleserReading"/> again:
    /// <c>Import-Csv gas.csv | ForEach-Object { [Gasleser.GasleserReading]$_ }</c>.
    /// Export-Csv writes each property with its .NET ToString() in the culture of the shell that wrote it
    /// (12345.8 is "12345,8" under de-DE), while PowerShell's own [double] and [datetimeoffset] casts read
    /// strings culture-invariantly; this converter reads exactly the forms those ToString() calls produce,
    /// in the invariant culture or the current one, and never guesses between them.
    /// </summary>
    public sealed class GasleserReadingConverter : PSTypeConverter
    {
        public override bool CanConvertFrom(object sourceValue, Type destinationType) =>
            destinationType == typeof(GasleserReading) && sourceValue is PSObject row && !(row.BaseObject is GasleserReading)
            && row.Properties["DeviceId"] != null && row.Properties["Timestamp"] != null && row.Properties["TotalConsumption"] != null;

        public override object ConvertFrom(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase)
        {
            var row = (PSObject)sourceValue;
            string? Text(string name) => row.Properties[name]?.Value?.ToString() is string s && s.Length > 0 ? s : null;

            return new GasleserReading
            {
                ComputerName = Text("ComputerName") ?? "",
                DeviceId = Text("DeviceId") ?? throw Invalid("DeviceId", null),
                Timestamp = ParseTime(Text("Timestamp")),
                TotalConsumption = ParseDouble("TotalConsumption", Text("TotalConsumption")) ?? throw Invalid("TotalConsumption", null),
                CurrentFlowRate = ParseDouble("CurrentFlowRate", Text("CurrentFlowRate")),
                ConsumptionDelta = ParseDouble("ConsumptionDelta", Text("ConsumptionDelta")),
                AverageFlowRate = ParseDouble("AverageFlowRate", Text("AverageFlowRate")),
                PulseCount = Text("PulseCount") is string count ? long.Parse(count, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : (long?)null,
                SignalStrength = Text("SignalStrength") is string signal ? int.Parse(signal, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : (int?)null,
                Rssi = Text("Rssi") is string rssi ? int.Parse(rssi, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : (int?)null,
                FromCache = Text("FromCache") is string cached && bool.Parse(cached),
            };
        }

        public override bool CanConvertTo(object sourceValue, Type destinationType) => false;

        public override object ConvertTo(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase) =>
            throw new NotSupportedException();

        // double.ToString() writes no group separators, so a strict parse is unambiguous: "12345.8" is only
        // ever invariant, "12345,8" only ever a comma-decimal culture.
        private static double? ParseDouble(string name, string? text)
        {
            if (text == null)
            {
                return null;
            }

            const NumberStyles style = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;
            if (double.TryParse(text, style, CultureInfo.InvariantCulture, out double value)
                || double.TryParse(text, style, CultureInfo.CurrentCulture, out value))
            {
                return value;
            }

            throw Invalid(name, text);
        }

        // DateTimeOffset.ToString() is the culture's short date, long time and offset: read exactly that, so
        // that 05.11.2026 (de-DE, 5 November) is never taken for 11 May. ISO 8601 ("o") is accepted too.
        private static DateTimeOffset ParseTime(string? text)
        {
            if (text != null)
            {
                foreach (CultureInfo culture in new[] { CultureInfo.InvariantCulture, CultureInfo.CurrentCulture })
                {
                    DateTimeFormatInfo format = culture.DateTimeFormat;
                    string written = format.ShortDatePattern + " " + format.LongTimePattern + " zzz";
                    if (DateTimeOffset.TryParseExact(text, new[] { written, "o" }, culture, DateTimeStyles.None, out DateTimeOffset value))
                    {
                        return value;
                    }
                }
            }

            throw Invalid("Timestamp", text);
        }

        private static PSInvalidCastException Invalid(string property, string? text) =>
            new PSInvalidCastException(text == null
                ? $"A Gasleser reading needs a {property} value."
                : $"'{text}' in {property} is not a value a Gasleser reading writes in the invariant or the current culture ({CultureInfo.CurrentCulture.Name}).");
    }
}
