using System;
using System.Globalization;
using System.Management.Automation;

namespace Gasleser.Readings
{
    /// <summary>
    /// The one rule set for reading a reading back from text: a row of a log (Import-GasleserLog), an
    /// Import-Csv row cast with [Gasleser.GasleserReading], or anything piped into Measure-GasleserUsage.
    /// Logs may come from Export-GasleserLog (ISO 8601 times, invariant numbers; -UseCulture: the culture's
    /// decimal mark) or from Export-Csv in any culture, so:
    ///
    /// Timestamp, in this order:
    ///   1. Unix seconds ("1758798550"), as the device itself sends them;
    ///   2. year first: ISO 8601 ("2026-11-25T15:05:39+01:00", "2026-11-25 14:05:39Z", fractions allowed)
    ///      and "2026/11/25 15:05:39 +01:00" (ja-JP, zh-CN);
    ///   3. the reading shell's own culture's date-time pattern with its offset, i.e. what Export-Csv writes
    ///      in that culture ("25.11.2026 15:05:39 +01:00" in de-DE, "11/25/2026 3:05:39 PM +01:00" in en-US);
    ///   4. dotted dates, always day first ("25.11.2026 15:05:39 +01:00": no culture writes month.day.year);
    ///   5. the invariant culture's slashed dates, month first ("11/25/2026 15:05:39 +01:00").
    /// A slashed date is therefore month first, except in a shell whose culture itself writes slashed dates
    /// day first (en-GB, fr-FR), which reads them day first. A time without an offset is local time (of
    /// Measure's -TimeZone; elsewhere of this computer); a time that occurs twice when clocks go back is
    /// taken at its first occurrence. Typed DateTimeOffset values are taken as they are; DateTime by Kind.
    ///
    /// Numbers (TotalConsumption, the flows and the delta): '.' or ',' as the decimal mark, exponent allowed,
    /// no thousands separators (no writer puts them in); a text with both '.' and ',' is ambiguous and refused.
    /// Whole numbers (PulseCount, SignalStrength, Rssi): digits with an optional sign. FromCache: True/False.
    /// An empty optional value is "not sent".
    ///
    /// A reading must be plausible (<see cref="ReadingPlausibility"/>): a time from 2020 on and at most a
    /// day ahead of this computer's clock, a total a meter can show. The reading's Timestamp is that instant
    /// in this computer's local offset, as for live readings.
    /// </summary>
    internal static class RowParser
    {
        private static readonly string[] YearFirstFormats =
        {
            "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF zzz",
            "yyyy-MM-dd HH:mm:ss.FFFFFFF zzz", "yyyy-MM-dd'T'HH:mm.FFFFFFFK", "yyyy-MM-dd HH:mm.FFFFFFFK",
            "yyyy/M/d H:mm:ss zzz", "yyyy/M/d H:mm:ss",
        };

        private static readonly string[] DottedFormats = { "d.M.yyyy H:mm:ss zzz", "d.M.yyyy H:mm:sszzz", "d.M.yyyy H:mm zzz" };
        private static readonly string[] DottedLocalFormats = { "d.M.yyyy H:mm:ss", "d.M.yyyy H:mm" };
        private static readonly string[] InvariantFormats = { "M/d/yyyy H:mm:ss zzz", "M/d/yyyy h:mm:ss tt zzz", "M/d/yyyy H:mm zzz" };
        private static readonly string[] InvariantLocalFormats = { "M/d/yyyy H:mm:ss", "M/d/yyyy h:mm:ss tt", "M/d/yyyy H:mm" };

        /// <summary>
        /// The reading whose values <paramref name="field"/> gives by column name (null or "" = absent).
        /// Throws <see cref="GasleserInvalidReadingException"/> saying what is wrong (without where: the caller knows).
        /// </summary>
        public static GasleserReading Read(Func<string, object?> field, TimeZoneInfo zone, CultureInfo culture, DateTimeOffset hostNow)
        {
            string deviceId = Text(field("DeviceId")) ?? throw new GasleserInvalidReadingException("The row has no DeviceId.");
            string computerName = Text(field("ComputerName")) ?? "";
            CheckId("DeviceId", deviceId);
            CheckId("ComputerName", computerName);
            string who = $"The reading of '{deviceId}'";

            object timestamp = field("Timestamp") is object t && Text(t) != null ? t
                : throw new GasleserInvalidReadingException($"{who} has no Timestamp.", computerName);
            long ticks = TimestampTicks(timestamp, zone, culture)
                ?? throw new GasleserInvalidReadingException(
                    $"{who} has a Timestamp that is not a date-time this module can place in the calendar: '{Excerpt(timestamp)}'.", computerName);

            object total = field("TotalConsumption") is object v && Text(v) != null ? v
                : throw new GasleserInvalidReadingException($"{who} has no TotalConsumption.", computerName);
            double totalValue = Number(total)
                ?? throw new GasleserInvalidReadingException($"{who} has a TotalConsumption that is not a number of m³: '{Excerpt(total)}'.", computerName);

            var reading = new GasleserReading
            {
                ComputerName = computerName,
                DeviceId = deviceId,
                Timestamp = new DateTimeOffset(ticks, TimeSpan.Zero),
                TotalConsumption = totalValue,
                CurrentFlowRate = OptionalNumber(field, "CurrentFlowRate", who, computerName),
                ConsumptionDelta = OptionalNumber(field, "ConsumptionDelta", who, computerName),
                AverageFlowRate = OptionalNumber(field, "AverageFlowRate", who, computerName),
                PulseCount = OptionalWhole(field, "PulseCount", who, computerName),
                SignalStrength = (int?)OptionalWhole(field, "SignalStrength", who, computerName, int.MinValue, int.MaxValue),
                Rssi = (int?)OptionalWhole(field, "Rssi", who, computerName, int.MinValue, int.MaxValue),
                FromCache = OptionalFlag(field, "FromCache", who, computerName),
            };
            return CheckPlausible(reading, hostNow);
        }

        /// <summary>A reading that came as an object (piped, or read from a row) checked against the plausibility rules; its time put in this computer's offset.</summary>
        public static GasleserReading CheckPlausible(GasleserReading reading, DateTimeOffset hostNow)
        {
            string who = $"The reading of '{DeviceText.Printable(reading.DeviceId, 255)}'";
            if (ReadingPlausibility.CheckTime(reading.Timestamp, hostNow) is string timeProblem)
            {
                throw new GasleserInvalidReadingException($"{who} is not a real measurement: its Timestamp {timeProblem}.", reading.ComputerName);
            }

            if (ReadingPlausibility.CheckTotal(reading.TotalConsumption) is string totalProblem)
            {
                throw new GasleserInvalidReadingException(
                    $"{who} is not a real measurement: its TotalConsumption ({reading.TotalConsumption.ToString("R", CultureInfo.InvariantCulture)}) {totalProblem}.",
                    reading.ComputerName);
            }

            reading.Timestamp = reading.Timestamp.ToLocalTime();
            return reading;
        }

        /// <summary>UTC ticks of a Timestamp value, or null when it is no date-time that fits the calendar.</summary>
        internal static long? TimestampTicks(object value, TimeZoneInfo zone, CultureInfo culture)
        {
            object raw = value is PSObject wrapped ? wrapped.BaseObject : value;
            switch (raw)
            {
                case DateTimeOffset offset:
                    return offset.UtcTicks;
                case DateTime time:
                    return time.Kind == DateTimeKind.Unspecified ? InRange(LocalTime.ToUtcTicks(zone, time)) : time.ToUniversalTime().Ticks;
                case string text:
                    return ParseTimestamp(text, zone, culture);
                case long _:
                case int _:
                    return UnixSecondsToTicks(Convert.ToInt64(raw, CultureInfo.InvariantCulture));
                default:
                    return null;
            }
        }

        internal static long? ParseTimestamp(string text, TimeZoneInfo zone, CultureInfo culture)
        {
            // ICU cultures put narrow or non-breaking spaces in times ("3:05:39\u202FPM"); treat them as spaces.
            string s = Normalize(text);
            if (s.Length == 0)
            {
                return null;
            }

            if (IsDigits(s))
            {
                return s.Length <= 12 && long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds) ? UnixSecondsToTicks(seconds) : null;
            }

            const DateTimeStyles Styles = DateTimeStyles.AllowWhiteSpaces;
            if (TryExact(s, YearFirstFormats, CultureInfo.InvariantCulture, out DateTimeOffset found))
            {
                // 'K' accepts "no zone" too: then the text had no offset, and it is local time.
                return HasOffset(s) ? found.UtcTicks : Local(found.DateTime, zone);
            }

            DateTimeFormatInfo format = culture.DateTimeFormat;
            string general = Normalize(format.ShortDatePattern + " " + format.LongTimePattern);
            if (TryExact(s, new[] { general + " zzz", general + "zzz" }, culture, out found))
            {
                return found.UtcTicks;
            }

            if (DateTime.TryParseExact(s, general, culture, Styles, out DateTime local))
            {
                return Local(local, zone);
            }

            if (TryExact(s, DottedFormats, CultureInfo.InvariantCulture, out found))
            {
                return found.UtcTicks;
            }

            if (DateTime.TryParseExact(s, DottedLocalFormats, CultureInfo.InvariantCulture, Styles, out local))
            {
                return Local(local, zone);
            }

            if (TryExact(s, InvariantFormats, CultureInfo.InvariantCulture, out found))
            {
                return found.UtcTicks;
            }

            if (DateTime.TryParseExact(s, InvariantLocalFormats, CultureInfo.InvariantCulture, Styles, out local))
            {
                return Local(local, zone);
            }

            return null;
        }

        /// <summary>A decimal number given as a number or as text with '.' or ',' as the decimal mark; null when it is neither.</summary>
        internal static double? Number(object value)
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
                    return DecimalText.Parse(text);
                default:
                    return null;
            }
        }

        private static double? OptionalNumber(Func<string, object?> field, string name, string who, string computerName)
        {
            object? value = field(name);
            if (Text(value) == null)
            {
                return null;
            }

            double? number = Number(value!);
            if (number == null || double.IsNaN(number.Value))
            {
                throw new GasleserInvalidReadingException($"{who} has a {name} that is not a number: '{Excerpt(value!)}'.", computerName);
            }

            return number;
        }

        private static long? OptionalWhole(Func<string, object?> field, string name, string who, string computerName, long min = long.MinValue, long max = long.MaxValue)
        {
            object? value = field(name);
            string? text = Text(value);
            if (text == null)
            {
                return null;
            }

            object raw = value is PSObject wrapped ? wrapped.BaseObject : value!;
            if (raw is int i)
            {
                return i;
            }

            if (raw is long l && l >= min && l <= max)
            {
                return l;
            }

            if (long.TryParse(text.Trim().Replace('\u2212', '-'), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long parsed) && parsed >= min && parsed <= max)
            {
                return parsed;
            }

            throw new GasleserInvalidReadingException($"{who} has a {name} that is not a whole number: '{Excerpt(value!)}'.", computerName);
        }

        private static bool OptionalFlag(Func<string, object?> field, string name, string who, string computerName)
        {
            object? value = field(name);
            object? raw = value is PSObject wrapped ? wrapped.BaseObject : value;
            if (raw is bool flag)
            {
                return flag;
            }

            string? text = Text(value);
            if (text == null)
            {
                return false;
            }

            return bool.TryParse(text.Trim(), out bool parsed) ? parsed
                : throw new GasleserInvalidReadingException($"{who} has a {name} that is neither True nor False: '{Excerpt(value!)}'.", computerName);
        }

        // Ids and addresses come from a file or a pipeline: text to show, never control characters.
        private static void CheckId(string name, string value)
        {
            if (value.Length > 255 || !DeviceText.IsPrintable(value))
            {
                throw new GasleserInvalidReadingException($"The row's {name} '{Excerpt(value)}' holds control characters or is too long for one.");
            }
        }

        private static bool TryExact(string s, string[] formats, CultureInfo culture, out DateTimeOffset found)
        {
            try
            {
                return DateTimeOffset.TryParseExact(s, formats, culture, DateTimeStyles.AllowWhiteSpaces, out found);
            }
            catch (ArgumentOutOfRangeException)
            {
                // 9999-12-31T23:59:59-01:00: a valid text whose instant is past DateTime's range.
                found = default;
                return false;
            }
        }

        private static long? Local(DateTime local, TimeZoneInfo zone) => InRange(LocalTime.ToUtcTicks(zone, local));

        private static long? InRange(long ticks) => ticks >= DateTime.MinValue.Ticks && ticks <= DateTime.MaxValue.Ticks ? ticks : (long?)null;

        private static long? UnixSecondsToTicks(long seconds)
        {
            const long MaxSeconds = 253402300799; // 9999-12-31T23:59:59Z
            return seconds < 0 || seconds > MaxSeconds ? (long?)null : DateTimeOffset.FromUnixTimeSeconds(seconds).UtcTicks;
        }

        private static string? Text(object? value)
        {
            string? text = value is PSObject wrapped ? wrapped.BaseObject?.ToString() : value?.ToString();
            return string.IsNullOrEmpty(text) ? null : text;
        }

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

        // A year-first text has an offset when it ends in Z or in ±hh:mm / ±hhmm after the time.
        private static bool HasOffset(string s)
        {
            if (s.EndsWith("Z", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            int t = Math.Max(s.IndexOf('T'), s.IndexOf(' '));
            return t > 0 && (s.IndexOf('+', t) > 0 || s.IndexOf('-', t) > 0);
        }

        private static string Excerpt(object value) => DeviceText.Printable(Text(value) ?? "", 60);
    }
}
