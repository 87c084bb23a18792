using System;
using System.Globalization;
using System.Management.Automation;

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

        public string DeviceId { get; }
        public long UtcTicks { get; }
        public double Total { get; }
    }

    /// <summary>
    /// Reads DeviceId, Timestamp and TotalConsumption from what comes down the pipeline: a live
    /// Gasleser.GasleserReading, or any object with those properties — above all Import-Csv rows, whose
    /// values are strings written in whatever culture Export-Csv ran in.
    ///
    /// Timestamp strings, in this order:
    ///   1. Unix seconds ("1758798550"), as the device itself sends them;
    ///   2. ISO 8601, year first ("2026-11-25T15:05:39+01:00", "2026-11-25 14:05:39Z", fractions allowed);
    ///   3. the current culture's own date-time pattern ("G") with its offset, i.e. exactly what Export-Csv
    ///      writes in this culture ("25.11.2026 15:05:39 +01:00" in de-DE, "11/25/2026 3:05:39 PM +01:00" in en-US);
    ///   4. dotted dates, always day first ("25.11.2026 15:05:39 +01:00": no culture writes month.day.year);
    ///   5. the invariant culture's slashed dates, month first ("11/25/2026 15:05:39 +01:00").
    /// A slashed date is therefore read month first, except in a culture that itself writes slashed dates
    /// day first (en-GB, fr-FR), where step 3 reads it day first. A time without an offset is local time
    /// of -TimeZone (a time that occurs twice when clocks go back is taken at its first occurrence).
    /// DateTimeOffset values are taken as they are; DateTime values by their Kind (Unspecified = -TimeZone).
    ///
    /// TotalConsumption strings: a decimal number with either '.' or ',' as the decimal separator
    /// ("12345.8", "12345,8"; Export-Csv never writes thousands separators), exponent allowed. A string with
    /// both '.' and ',' is refused as ambiguous. The total must be finite and not negative.
    /// </summary>
    internal static class ReadingInput
    {
        private static readonly string[] IsoFormats =
        {
            "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF zzz",
            "yyyy-MM-dd HH:mm:ss.FFFFFFF zzz", "yyyy-MM-dd'T'HH:mm.FFFFFFFK", "yyyy-MM-dd HH:mm.FFFFFFFK",
        };

        private static readonly string[] DottedFormats = { "d.M.yyyy H:mm:ss zzz", "d.M.yyyy H:mm:sszzz", "d.M.yyyy H:mm zzz" };
        private static readonly string[] DottedLocalFormats = { "d.M.yyyy H:mm:ss", "d.M.yyyy H:mm" };
        private static readonly string[] InvariantFormats = { "M/d/yyyy H:mm:ss zzz", "M/d/yyyy h:mm:ss tt zzz", "M/d/yyyy H:mm zzz" };
        private static readonly string[] InvariantLocalFormats = { "M/d/yyyy H:mm:ss", "M/d/yyyy h:mm:ss tt", "M/d/yyyy H:mm" };

        /// <summary>The reading in <paramref name="input"/>; throws GasleserInvalidReadingException saying what is wrong.</summary>
        public static UsageReading Read(object? input, PeriodCalendar calendar, CultureInfo culture)
        {
            object? baseObject = input is PSObject wrapped ? wrapped.BaseObject : input;
            if (baseObject is GasleserReading live)
            {
                return Validate(live.DeviceId, live.Timestamp.UtcTicks, live.TotalConsumption, live.ComputerName);
            }

            if (baseObject == null)
            {
                throw new GasleserInvalidReadingException("The reading is empty ($null).");
            }

            PSObject row = input as PSObject ?? PSObject.AsPSObject(baseObject);
            string deviceId = Text(Property(row, "DeviceId")) ?? "";
            string computerName = Text(Property(row, "ComputerName")) ?? "";
            object? timestamp = Property(row, "Timestamp");
            object? total = Property(row, "TotalConsumption");
            if (timestamp == null)
            {
                throw new GasleserInvalidReadingException($"The reading of '{deviceId}' has no Timestamp.", computerName);
            }

            if (total == null)
            {
                throw new GasleserInvalidReadingException($"The reading of '{deviceId}' has no TotalConsumption.", computerName);
            }

            long ticks = TimestampTicks(timestamp, calendar, culture)
                ?? throw new GasleserInvalidReadingException(
                    $"The reading of '{deviceId}' has a Timestamp that is not a date-time: '{Excerpt(timestamp)}'.", computerName);
            double value = TotalValue(total)
                ?? throw new GasleserInvalidReadingException(
                    $"The reading of '{deviceId}' has a TotalConsumption that is not a number of m³: '{Excerpt(total)}'.", computerName);
            return Validate(deviceId, ticks, value, computerName);
        }

        internal static long? TimestampTicks(object value, PeriodCalendar calendar, CultureInfo culture)
        {
            object raw = value is PSObject wrapped ? wrapped.BaseObject : value;
            switch (raw)
            {
                case DateTimeOffset offset:
                    return offset.UtcTicks;
                case DateTime time:
                    return time.Kind == DateTimeKind.Unspecified ? calendar.LocalToUtcTicks(time) : time.ToUniversalTime().Ticks;
                case string text:
                    return ParseTimestamp(text, calendar, culture);
                case long _:
                case int _:
                    long seconds = Convert.ToInt64(raw, CultureInfo.InvariantCulture);
                    return UnixSecondsToTicks(seconds);
                default:
                    return null;
            }
        }

        internal static long? ParseTimestamp(string text, PeriodCalendar calendar, CultureInfo culture)
        {
            // ICU cultures put narrow or non-breaking spaces in times ("3:05:39\u202FPM"); treat them as spaces.
            string s = Normalize(text);
            if (s.Length == 0)
            {
                return null;
            }

            if (IsDigits(s) && long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds))
            {
                return UnixSecondsToTicks(seconds);
            }

            const DateTimeStyles Styles = DateTimeStyles.AllowWhiteSpaces;
            if (DateTimeOffset.TryParseExact(s, IsoFormats, CultureInfo.InvariantCulture, Styles, out DateTimeOffset found))
            {
                // 'K' accepts "no zone" too: then the string had no offset, and it is local time of -TimeZone.
                return HasOffset(s) ? found.UtcTicks : calendar.LocalToUtcTicks(found.DateTime);
            }

            DateTimeFormatInfo format = culture.DateTimeFormat;
            string general = Normalize(format.ShortDatePattern + " " + format.LongTimePattern);
            if (DateTimeOffset.TryParseExact(s, new[] { general + " zzz", general + "zzz" }, culture, Styles, out found))
            {
                return found.UtcTicks;
            }

            if (DateTime.TryParseExact(s, general, culture, Styles, out DateTime local))
            {
                return calendar.LocalToUtcTicks(local);
            }

            if (DateTimeOffset.TryParseExact(s, DottedFormats, CultureInfo.InvariantCulture, Styles, out found))
            {
                return found.UtcTicks;
            }

            if (DateTime.TryParseExact(s, DottedLocalFormats, CultureInfo.InvariantCulture, Styles, out local))
            {
                return calendar.LocalToUtcTicks(local);
            }

            if (DateTimeOffset.TryParseExact(s, InvariantFormats, CultureInfo.InvariantCulture, Styles, out found))
            {
                return found.UtcTicks;
            }

            if (DateTime.TryParseExact(s, InvariantLocalFormats, CultureInfo.InvariantCulture, Styles, out local))
            {
                return calendar.LocalToUtcTicks(local);
            }

            return null;
        }

        internal static double? TotalValue(object value)
        {
            object raw = value is PSObject wrapped ? wrapped.BaseObject : value;
            switch (raw)
            {
                case double d:
                    return d;
                case float f:
                    return f;
                case decimal m:
                    return (double)m;
                case int i:
                    return i;
                case long l:
                    return l;
                case string text:
                    return ParseTotal(text);
                default:
                    return null;
            }
        }

        internal static double? ParseTotal(string text)
        {
            string s = text.Trim();
            bool comma = s.IndexOf(',') >= 0;
            bool point = s.IndexOf('.') >= 0;
            if (s.Length == 0 || (comma && point) || s.IndexOf(',') != s.LastIndexOf(','))
            {
                return null;
            }

            if (comma)
            {
                s = s.Replace(',', '.');
            }

            const NumberStyles Styles = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;
            return double.TryParse(s, Styles, CultureInfo.InvariantCulture, out double parsed) ? parsed : (double?)null;
        }

        private static UsageReading Validate(string deviceId, long ticks, double total, string computerName)
        {
            if (string.IsNullOrWhiteSpace(deviceId))
            {
                throw new GasleserInvalidReadingException("The reading has no DeviceId.", computerName);
            }

            if (double.IsNaN(total) || double.IsInfinity(total) || total < 0)
            {
                throw new GasleserInvalidReadingException(
                    $"The reading of '{deviceId}' has a TotalConsumption of {total.ToString(CultureInfo.InvariantCulture)}: a meter total is a finite number of m³, not negative.",
                    computerName);
            }

            return new UsageReading(deviceId.Trim(), ticks, total);
        }

        private static long? UnixSecondsToTicks(long seconds)
        {
            const long MaxSeconds = 253402300799; // 9999-12-31T23:59:59Z
            return seconds < 0 || seconds > MaxSeconds ? (long?)null : DateTimeOffset.FromUnixTimeSeconds(seconds).UtcTicks;
        }

        private static object? Property(PSObject row, string name)
        {
            object? value = row.Properties[name]?.Value;
            return value is PSObject wrapped && wrapped.BaseObject is string s ? s : value;
        }

        private static string? Text(object? value) => value is PSObject wrapped ? wrapped.BaseObject?.ToString() : value?.ToString();

        private static string Normalize(string text) => text.Replace('\u202F', ' ').Replace('\u00A0', ' ').Trim();

        private static bool IsDigits(string s)
        {
            foreach (char c in s)
            {
                if (c < '0' || c > '9')
                {
                    return false;
                }
            }

            return true;
        }

        // An ISO string has an offset when it ends in Z or in ±hh:mm / ±hhmm after the time.
        private static bool HasOffset(string s)
        {
            if (s.EndsWith("Z", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            int t = Math.Max(s.IndexOf('T'), s.IndexOf(' '));
            return t > 0 && (s.IndexOf('+', t) > 0 || s.IndexOf('-', t) > 0);
        }

        private static string Excerpt(object value)
        {
            string text = Text(value) ?? "";
            return text.Length > 60 ? text.Substring(0, 60) + "…" : text;
        }
    }
}
