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
    /// Whole numbers (PulseCount, SignalStrength, Rssi): digits with an optional sign, "84 %" (<see cref="FieldText"/>).
    /// FromCache: True/False. -0 is 0. An empty optional value is "not sent", and so is one that cannot be read
    /// ("n/a", "-51 dBm"), as in a device's answer; only DeviceId, Timestamp and TotalConsumption refuse a row.
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
            string deviceId = Text(field("DeviceId")) is string id && FieldText.DeviceId(id).Length > 0 ? FieldText.DeviceId(id)
                : throw new GasleserInvalidReadingException(NoDeviceId);
            string computerName = Text(field("ComputerName")) ?? "";
            CheckId("DeviceId", deviceId);
            CheckId("ComputerName", computerName);
            string who = $"The reading of {DeviceText.Quote(deviceId)}";

            object timestamp = field("Timestamp") is object t && Text(t) != null ? t
                : throw new GasleserInvalidReadingException($"{who} has no Timestamp.", computerName);
            long ticks = ReadTimestamp(timestamp, zone, culture, who, computerName);

            object total = field("TotalConsumption") is object v && Text(v) != null ? v
                : throw new GasleserInvalidReadingException($"{who} has no TotalConsumption.", computerName);
            double totalValue = Number(total, culture)
                ?? throw new GasleserInvalidReadingException($"{who} has no TotalConsumption in m³ that can be read: its value {NumberProblem(total, culture)}.", computerName);

            var reading = new GasleserReading
            {
                ComputerName = computerName,
                DeviceId = deviceId,
                Timestamp = new DateTimeOffset(ticks, TimeSpan.Zero),
                TotalConsumption = totalValue,
                CurrentFlowRate = OptionalNumber(field("CurrentFlowRate"), culture),
                ConsumptionDelta = OptionalNumber(field("ConsumptionDelta"), culture),
                AverageFlowRate = OptionalNumber(field("AverageFlowRate"), culture),
                PulseCount = OptionalWhole(field("PulseCount")),
                SignalStrength = (int?)OptionalWhole(field("SignalStrength"), int.MinValue, int.MaxValue),
                Rssi = (int?)OptionalWhole(field("Rssi"), int.MinValue, int.MaxValue),
                FromCache = OptionalFlag(field, "FromCache", who, computerName),
            };
            return CheckPlausible(reading, hostNow);
        }

        // A Timestamp by the rules above, with what is wrong said as the row gave it: Unix seconds by the rule devices
        // follow too (milliseconds named as such), and a date before 2020 quoted as written, so one text gets one
        // message whatever -TimeZone says (01/01/0001, an empty date in a spreadsheet, lies outside the calendar east
        // of Greenwich and inside it west of it).
        private static long ReadTimestamp(object timestamp, TimeZoneInfo zone, CultureInfo culture, string who, string computerName)
        {
            object raw = timestamp is PSObject wrapped ? wrapped.BaseObject : timestamp;
            string? numberText = raw switch
            {
                string text => text,
                long _ or int _ or decimal _ => Convert.ToString(raw, CultureInfo.InvariantCulture),
                double d => d.ToString("R", CultureInfo.InvariantCulture),
                _ => null,
            };

            if (numberText != null && FieldText.TryUnixSeconds(numberText, out long seconds, out string? problem))
            {
                return problem == null ? DateTimeOffset.FromUnixTimeSeconds(seconds).UtcTicks
                    : throw new GasleserInvalidReadingException($"{who} has a Timestamp {DeviceText.Quote(numberText)} that {problem}.", computerName);
            }

            long ticks = TimestampTicks(timestamp, zone, culture)
                ?? throw new GasleserInvalidReadingException(
                    $"{who} has a Timestamp that is not a date-time this module can read: {DeviceText.Quote(Text(timestamp))}. "
                    + "It takes ISO 8601 (2026-11-25T15:05:39+01:00), this shell's culture's date and time, dotted or slashed dates with a time, or Unix seconds.", computerName);
            if (ticks < ReadingPlausibility.EarliestTime.UtcTicks)
            {
                throw new GasleserInvalidReadingException(
                    $"{who} is not a real measurement: its Timestamp {DeviceText.Quote(Text(timestamp))} is before {ReadingPlausibility.EarliestTime.UtcDateTime:yyyy-MM-dd}"
                    + (ticks < DateTime.MinValue.Ticks + 2 * TimeSpan.TicksPerDay ? " (0001-01-01 is what an empty date becomes in many programs)."
                        : ReadingPlausibility.IsUnsetClock(new DateTimeOffset(ticks, TimeSpan.Zero)) ? ": the device that wrote it has not set its clock yet (its time counts from 1970-01-01)."
                        : $", earlier than any Gasleser reading: {RowYear}."),
                    computerName);
            }

            return ticks;
        }

        /// <summary>Why a row (a log's, a cast's, a piped one) or a reading without a device id is refused: the one wording.</summary>
        public const string NoDeviceId = "The row has no DeviceId.";

        // What to check when a row's time is from 2000 to 2020: no unset clock gives those, a mistyped year does.
        private const string RowYear = "check the row's year";

        /// <summary>The columns every reading has.</summary>
        public static readonly string[] RequiredColumns = { "DeviceId", "Timestamp", "TotalConsumption" };

        /// <summary>
        /// For a piped object that is no reading at all (it lacks a required column, or is text): what it is, as
        /// "its properties are: Name, Value" words, with a key that is the same for every object of that shape.
        /// Null for a reading or a row that has the columns (whose values <see cref="Read"/> judges).
        /// </summary>
        public static string? OtherShape(PSObject? input, out string shapeKey)
        {
            shapeKey = "";
            object? raw = input?.BaseObject;
            if (input == null || raw == null || raw is GasleserReading)
            {
                return null;
            }

            if (raw is string line)
            {
                shapeKey = "text";
                return $"The piped object is a line of text ({DeviceText.Quote(line, 60)}), not a reading: read a log with Import-GasleserLog (or Import-Csv), not Get-Content.";
            }

            if (raw is System.Collections.IDictionary table)
            {
                var keys = new System.Collections.Generic.List<string>();
                foreach (object key in table.Keys)
                {
                    keys.Add(Convert.ToString(key, CultureInfo.InvariantCulture) ?? "");
                }

                shapeKey = "hashtable:" + string.Join(",", keys);
                return $"The piped object is a hashtable (keys: {DeviceText.Printable(string.Join(", ", keys), 200)}), whose keys are not read as properties: "
                    + "pipe [pscustomobject]@{DeviceId=…; Timestamp=…; TotalConsumption=…} instead.";
            }

            var names = new System.Collections.Generic.List<string>();
            foreach (PSPropertyInfo property in input.Properties)
            {
                names.Add(property.Name);
            }

            string[] missing = Array.FindAll(RequiredColumns, c => !names.Exists(n => n.Equals(c, StringComparison.OrdinalIgnoreCase)));
            if (missing.Length == 0)
            {
                return null;
            }

            shapeKey = string.Join(",", names);
            string has = names.Count > 0 ? DeviceText.Printable(string.Join(", ", names), 200) : "(none)";
            return $"The piped object is no reading: it has no {(missing.Length == 1 ? missing[0] : string.Join(", ", missing, 0, missing.Length - 1) + " or " + missing[missing.Length - 1])} property; its properties are: {has}. "
                + "A reading has DeviceId, Timestamp and TotalConsumption (Import-GasleserLog or Import-Csv of a log gives them).";
        }

        /// <summary>A reading that came as an object (piped, or read from a row) checked against the plausibility rules; its time put in this computer's offset.</summary>
        public static GasleserReading CheckPlausible(GasleserReading reading, DateTimeOffset hostNow)
        {
            if (string.IsNullOrWhiteSpace(reading.DeviceId))
            {
                // A reading built by hand ([Gasleser.GasleserReading]::new()) has none; logged, its row would not read back.
                throw new GasleserInvalidReadingException(NoDeviceId, reading.ComputerName);
            }

            string who = $"The reading of '{DeviceText.Printable(reading.DeviceId, 255)}'";
            if (ReadingPlausibility.CheckTime(reading.Timestamp, hostNow, RowYear) is string timeProblem)
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
                    return time.Kind == DateTimeKind.Unspecified ? Clamped(LocalTime.ToUtcTicks(zone, time)) : time.ToUniversalTime().Ticks;
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

        /// <summary>A decimal number given as a number or as text with '.' or ',' as the decimal mark (<see cref="DecimalText"/>, in <paramref name="culture"/>), -0 as 0; null when it is neither.</summary>
        internal static double? Number(object value, CultureInfo? culture = null)
        {
            object raw = value is PSObject wrapped ? wrapped.BaseObject : value;
            double? number = raw switch
            {
                double d => d,
                float f => f,
                decimal m => (double)m,
                int i => i,
                long l => l,
                string text => DecimalText.Parse(text, culture),
                _ => null,
            };
            return number is double n ? FieldText.Number(n) : (double?)null;
        }

        // Why a value is no number, quoted in part: "'1,234' can be read two ways …" or "'abc' is not a number".
        private static string NumberProblem(object value, CultureInfo culture) =>
            (value is PSObject wrapped ? wrapped.BaseObject : value) is string text
                ? DecimalText.Problem(text, culture) ?? $"{DeviceText.Quote(text)} is not a number"
                : $"{DeviceText.Quote(Text(value))} is not a number";

        // An optional value that cannot be read ("n/a", "-51 dBm", "strong", a '1,234' that can be read two ways) is
        // left empty, as the device parser leaves such a field of a device's answer (FieldText): a row is not refused
        // over a value a reading can be without.
        private static double? OptionalNumber(object? value, CultureInfo culture) =>
            Text(value) != null && Number(value!, culture) is double number && !double.IsNaN(number) ? number : (double?)null;

        private static long? OptionalWhole(object? value, long min = long.MinValue, long max = long.MaxValue)
        {
            string? text = Text(value);
            if (text == null)
            {
                return null;
            }

            object raw = value is PSObject wrapped ? wrapped.BaseObject : value!;
            long? number = raw switch
            {
                int i => i,
                long l => l,
                _ => FieldText.Whole(text), // the rule devices follow too: "84 %" and " -51 " are whole numbers
            };
            return number >= min && number <= max ? number : null;
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
                : throw new GasleserInvalidReadingException($"{who} has a {name} that is neither True nor False: {DeviceText.Quote(text)}.", computerName);
        }

        // Ids and addresses come from a file or a pipeline: text to show, never control characters.
        private static void CheckId(string name, string value)
        {
            if (value.Length > 255 || !DeviceText.IsPrintable(value))
            {
                throw new GasleserInvalidReadingException($"The row's {name} {DeviceText.Quote(value, 60)} holds control characters or is too long for one.");
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

        private static long? Local(DateTime local, TimeZoneInfo zone) => Clamped(LocalTime.ToUtcTicks(zone, local));

        // A local time at the calendar's very ends (0001-01-01 00:00 east of Greenwich) is an instant just outside it:
        // kept at the end, where the plausibility rule names it, rather than lost as "no date-time".
        private static long? Clamped(long ticks) => Math.Max(DateTime.MinValue.Ticks, Math.Min(DateTime.MaxValue.Ticks, ticks));

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

    }
}
