using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Management.Automation;
using Gasleser.Dependencies;
using Gasleser.Loading;

namespace Gasleser.Logging
{
    /// <summary>
    /// How a log is written: Export-Csv's layout (every field quoted, the reading's properties in order,
    /// one header line), with culture-neutral values by default: times as round-trip ISO 8601 in this
    /// computer's offset (2026-11-25T18:37:45+01:00), numbers with a '.' and a ','. With -UseCulture the
    /// culture's list separator and decimal mark, as Export-Csv -UseCulture writes them; times stay ISO 8601.
    /// </summary>
    internal sealed class LogFormat
    {
        /// <summary>The columns of a log, in the order of <see cref="GasleserReading"/>'s properties (Export-Csv's order too).</summary>
        public static readonly string[] Columns =
        {
            "ComputerName", "DeviceId", "Timestamp", "TotalConsumption", "CurrentFlowRate", "ConsumptionDelta",
            "AverageFlowRate", "PulseCount", "SignalStrength", "Rssi", "FromCache",
        };

        private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz";

        private readonly NumberFormatInfo _numbers;

        private LogFormat(string delimiter, NumberFormatInfo numbers)
        {
            Delimiter = delimiter;
            _numbers = numbers;
        }

        public static LogFormat Invariant { get; } = new LogFormat(",", NumberFormatInfo.InvariantInfo);

        /// <summary>The culture's list separator (its first character, as Export-Csv -UseCulture takes it) and decimal mark.</summary>
        public static LogFormat ForCulture(CultureInfo culture)
        {
            string separator = culture.TextInfo.ListSeparator;
            return new LogFormat(separator.Length > 0 ? separator.Substring(0, 1) : ",", culture.NumberFormat);
        }

        public string Delimiter { get; }

        public string Header => Join(LogFormat.Columns);

        /// <summary>One row, without the line end.</summary>
        public string Row(GasleserReading reading) => Join(new[]
        {
            reading.ComputerName,
            reading.DeviceId,
            reading.Timestamp.ToLocalTime().ToString(TimeFormat, CultureInfo.InvariantCulture),
            Number(reading.TotalConsumption),
            Number(reading.CurrentFlowRate),
            Number(reading.ConsumptionDelta),
            Number(reading.AverageFlowRate),
            reading.PulseCount?.ToString(CultureInfo.InvariantCulture) ?? "",
            reading.SignalStrength?.ToString(CultureInfo.InvariantCulture) ?? "",
            reading.Rssi?.ToString(CultureInfo.InvariantCulture) ?? "",
            reading.FromCache ? "True" : "False",
        });

        /// <summary>A reading's time as the log writes it (also in messages about rows).</summary>
        public static string Time(DateTimeOffset time) => time.ToLocalTime().ToString(TimeFormat, CultureInfo.InvariantCulture);

        /// <summary>The delimiters a log's header may use: Export-Csv's default, -UseCulture's in common cultures, tab.</summary>
        private static readonly string[] KnownDelimiters = { ",", ";", "\t", "|" };

        /// <summary>
        /// Throws <see cref="GasleserLogFileException"/> unless <paramref name="header"/>, the first line of the log
        /// <paramref name="path"/>, names the reading's columns split at this format's delimiter.
        /// </summary>
        public void CheckHeader(string header, string path)
        {
            if (IsLogHeader(header, Delimiter))
            {
                return;
            }

            foreach (string other in KnownDelimiters)
            {
                if (other != Delimiter && IsLogHeader(header, other))
                {
                    throw new GasleserLogFileException(
                        $"The log '{path}' separates its columns with '{Shown(other)}', this command with '{Shown(Delimiter)}'; nothing was written.",
                        path, ErrorCategory.InvalidData,
                        "Append with the same -UseCulture setting (and culture) the log was started with, or start a new file.");
                }
            }

            throw new GasleserLogFileException(
                $"'{path}' is not a log of Gasleser readings: its header is '{DeviceText.Printable(header, 120)}'; nothing was written.",
                path, ErrorCategory.InvalidData,
                "Give a new file, or a log started by Export-GasleserLog or by Export-Csv of Gasleser readings (columns " + string.Join(",", Columns) + ").");
        }

        private static string Shown(string delimiter) => delimiter == "\t" ? "tab" : delimiter;

        /// <summary>True when the header line names exactly the log's columns, in order, split at <paramref name="delimiter"/>.</summary>
        private static bool IsLogHeader(string line, string delimiter)
        {
            IReadOnlyList<string>? fields = PrivateDependencies.Use(() => HeaderFields(line, delimiter[0]));
            if (fields == null || fields.Count != LogFormat.Columns.Length)
            {
                return false;
            }

            for (int i = 0; i < fields.Count; i++)
            {
                if (!string.Equals(fields[i], LogFormat.Columns[i], StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>The fields of a header line, or null when it is no CSV line.</summary>
        private static IReadOnlyList<string>? HeaderFields(string line, char separator)
        {
            try
            {
                using var text = new StringReader(line);
                using CsvRows header = CsvRows.Open(text, new CsvRowsOptions { Separator = separator, TrimWhitespace = true });
                return header.Headers;
            }
            catch (InvalidDataException)
            {
                return null;
            }
        }

        private string Number(double? value) => value?.ToString("R", _numbers) ?? "";

        private string Join(IEnumerable<string> fields)
        {
            var line = new StringBuilder(200);
            foreach (string field in fields)
            {
                if (line.Length > 0)
                {
                    line.Append(Delimiter);
                }

                line.Append('"').Append(field.Replace("\"", "\"\"")).Append('"');
            }

            return line.ToString();
        }
    }
}
