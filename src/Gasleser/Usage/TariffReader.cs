using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using Gasleser.Readings;

namespace Gasleser.Usage
{
    /// <summary>
    /// Reads Measure-GasleserUsage -Tariff: rows (Import-Csv rows, hashtables, PSCustomObjects) each with a
    /// ValidFrom and any of CalorificValue, ConversionFactor, PricePerKWh, StandingChargePerDay. Numbers by the
    /// one rule of logged totals (<see cref="RowParser.Number"/>: '11,2' or '11.2'); an empty cell sets nothing.
    /// ValidFrom is read as a reading's Timestamp is, or as a date alone (midnight); without an offset it is
    /// local time of -TimeZone. Every row is checked before any reading is read: the first row that cannot be
    /// read is a <see cref="GasleserInvalidParameterException"/> naming it.
    /// </summary>
    internal static class TariffReader
    {
        public const string Fields = "CalorificValue, ConversionFactor, PricePerKWh, StandingChargePerDay";

        private const string Advice =
            "Give each tariff row a ValidFrom (a date such as 2025-10-01, or a date and time) and any of " + Fields +
            " (decimals as 11.2 or 11,2; an empty cell keeps the earlier value), e.g. -Tariff (Import-Csv tariff.csv).";

        private static readonly string[] DateOnlyFormats = { "yyyy-MM-dd", "yyyy/M/d" };
        private static readonly string[] DottedDate = { "d.M.yyyy" };
        private static readonly string[] SlashedDate = { "M/d/yyyy" };

        public static Tariff Read(IList<object?> rows, TimeZoneInfo zone, CultureInfo culture)
        {
            if (rows.Count == 0)
            {
                throw Refuse("-Tariff has no rows.");
            }

            var changes = new List<TariffChange>();
            var setAt = new Dictionary<(TariffField, long), (double Value, int Row)>();
            for (int i = 0; i < rows.Count; i++)
            {
                int number = i + 1;
                Dictionary<string, object?> cells = Cells(rows[i], number);
                string name = $"Tariff row {number}";
                if (!cells.TryGetValue("ValidFrom", out object? validFrom) || Text(validFrom) == null)
                {
                    throw Refuse($"{name} has no ValidFrom: every row needs the date from which its values are in force.");
                }

                name = $"Tariff row {number} (ValidFrom '{Excerpt(validFrom!)}')";
                long ticks = ValidFromTicks(validFrom!, zone, culture)
                    ?? throw Refuse($"{name}: ValidFrom is not a date this module can read (2025-10-01, 01.10.2025 or 2025-10-01T06:00:00+02:00).");

                int valuesInRow = 0;
                foreach (KeyValuePair<string, object?> cell in cells)
                {
                    if (cell.Key.Equals("ValidFrom", StringComparison.OrdinalIgnoreCase))
                    {
                        continue;
                    }

                    if (!TryField(cell.Key, out TariffField field))
                    {
                        throw Refuse($"{name} has a column '{DeviceText.Printable(cell.Key, 40)}' that is none of ValidFrom, {Fields}.");
                    }

                    if (Text(cell.Value) == null)
                    {
                        continue; // an empty cell: the value in force stays
                    }

                    double value = RowParser.Number(cell.Value!) is double parsed && !double.IsNaN(parsed) && !double.IsInfinity(parsed)
                        ? parsed
                        : throw Refuse(Text(cell.Value) is string text && DecimalText.Problem(text) is string problem
                            ? $"{name}: its {field} {problem}."
                            : $"{name} has a {field} that is not a number: '{Excerpt(cell.Value!)}'.");
                    if (field == TariffField.CalorificValue || field == TariffField.ConversionFactor ? value <= 0 : value < 0)
                    {
                        throw Refuse($"{name} has a {field} of {value.ToString(CultureInfo.InvariantCulture)}: it must be " +
                            (value < 0 && field != TariffField.CalorificValue && field != TariffField.ConversionFactor ? "at least 0." : "a positive number."));
                    }

                    if (setAt.TryGetValue((field, ticks), out var earlier) && earlier.Value != value)
                    {
                        throw Refuse($"{name} sets {field} to {value.ToString(CultureInfo.InvariantCulture)}, but tariff row {earlier.Row} sets it to " +
                            $"{earlier.Value.ToString(CultureInfo.InvariantCulture)} from the same instant: which one is in force?");
                    }

                    setAt[(field, ticks)] = (value, number);
                    changes.Add(new TariffChange(ticks, field, value));
                    valuesInRow++;
                }

                if (valuesInRow == 0)
                {
                    throw Refuse($"{name} sets none of {Fields}.");
                }
            }

            Tariff tariff = Tariff.FromChanges(changes);
            if (tariff.HasPrice && !tariff.HasEnergy)
            {
                throw Refuse("-Tariff sets PricePerKWh but no CalorificValue: the price is per kWh, and kWh need the calorific value (kWh per m³, from the gas bill).");
            }

            if (!tariff.HasEnergy && !tariff.HasStandingCharge)
            {
                throw Refuse("-Tariff sets only ConversionFactor: kWh need a CalorificValue as well.");
            }

            return tariff;
        }

        /// <summary>A ValidFrom (or -PeriodStart) as UTC ticks, or null when it is no date.</summary>
        public static long? ValidFromTicks(object value, TimeZoneInfo zone, CultureInfo culture)
        {
            object raw = value is PSObject wrapped ? wrapped.BaseObject : value;
            switch (raw)
            {
                case DateTimeOffset offset:
                    return offset.UtcTicks;
                case DateTime time:
                    return time.Kind == DateTimeKind.Utc ? time.Ticks : InRange(LocalTime.ToUtcTicks(zone, time));
                case string text when !IsDigits(text.Trim()):
                    // (Digits alone would be Unix seconds to the reading rules: 20251001 is no date here.)
                    return RowParser.ParseTimestamp(text, zone, culture)
                        ?? (LocalDate(text.Trim(), culture) is DateTime date ? InRange(LocalTime.ToUtcTicks(zone, date)) : null);
                default:
                    return null;
            }
        }

        /// <summary>The local date (in the zone) of a date given as text, DateTime or DateTimeOffset (-PeriodStart); null when it is none.</summary>
        public static DateTime? LocalDateOf(object value, TimeZoneInfo zone, CultureInfo culture)
        {
            object raw = value is PSObject wrapped ? wrapped.BaseObject : value;
            if (raw is DateTime time && time.Kind != DateTimeKind.Utc)
            {
                return time.Date;
            }

            return ValidFromTicks(value, zone, culture) is long ticks
                ? TimeZoneInfo.ConvertTime(new DateTimeOffset(ticks, TimeSpan.Zero), zone).Date
                : (DateTime?)null;
        }

        /// <summary>
        /// A date without a time, in the order a reading's Timestamp is tried: year first, this shell's culture,
        /// dotted day first, slashed month first.
        /// </summary>
        public static DateTime? LocalDate(string text, CultureInfo culture)
        {
            const DateTimeStyles Styles = DateTimeStyles.AllowWhiteSpaces;
            if (DateTime.TryParseExact(text, DateOnlyFormats, CultureInfo.InvariantCulture, Styles, out DateTime date)
                || DateTime.TryParseExact(text, culture.DateTimeFormat.ShortDatePattern, culture, Styles, out date)
                || DateTime.TryParseExact(text, DottedDate, CultureInfo.InvariantCulture, Styles, out date)
                || DateTime.TryParseExact(text, SlashedDate, CultureInfo.InvariantCulture, Styles, out date))
            {
                return date;
            }

            return null;
        }

        /// <summary>The row's cells by name (case does not matter); a text or a number instead of a row is refused.</summary>
        private static Dictionary<string, object?> Cells(object? row, int number)
        {
            object? raw = row is PSObject wrapped ? wrapped.BaseObject : row;
            var cells = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            if (raw is IDictionary dictionary)
            {
                foreach (DictionaryEntry entry in dictionary)
                {
                    cells[entry.Key?.ToString() ?? ""] = entry.Value;
                }

                return cells;
            }

            if (raw == null || raw is string || raw.GetType().IsPrimitive || raw is DateTime || raw is DateTimeOffset)
            {
                string what = raw == null ? "$null" : $"'{Excerpt(raw)}'";
                throw Refuse($"Tariff row {number} is {what}, not a row with ValidFrom and {Fields}. " +
                    "A file of tariff rows is read with Import-Csv: -Tariff (Import-Csv tariff.csv).");
            }

            foreach (PSPropertyInfo property in PSObject.AsPSObject(row!).Properties)
            {
                cells[property.Name] = property.Value;
            }

            return cells;
        }

        private static bool TryField(string name, out TariffField field)
        {
            foreach (TariffField candidate in (TariffField[])Enum.GetValues(typeof(TariffField)))
            {
                if (name.Trim().Equals(candidate.ToString(), StringComparison.OrdinalIgnoreCase))
                {
                    field = candidate;
                    return true;
                }
            }

            field = default;
            return false;
        }

        private static bool IsDigits(string s)
        {
            foreach (char c in s)
            {
                if (c < '0' || c > '9')
                {
                    return false;
                }
            }

            return s.Length > 0;
        }

        private static long? InRange(long ticks) => ticks >= DateTime.MinValue.Ticks && ticks <= DateTime.MaxValue.Ticks ? ticks : (long?)null;

        private static string? Text(object? value)
        {
            string? text = value is PSObject wrapped ? wrapped.BaseObject?.ToString() : value?.ToString();
            return string.IsNullOrWhiteSpace(text) ? null : text;
        }

        private static string Excerpt(object value) => DeviceText.Printable(Text(value) ?? "", 60);

        private static GasleserInvalidParameterException Refuse(string message) =>
            new GasleserInvalidParameterException(message, "Tariff", Advice);
    }
}
