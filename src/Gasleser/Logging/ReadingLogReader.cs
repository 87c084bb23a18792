using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Text;
using System.Threading;
using Gasleser.Dependencies;
using Gasleser.Hosting;
using Gasleser.Loading;
using Gasleser.Readings;

namespace Gasleser.Logging
{
    /// <summary>
    /// Reads a log back, one reading at a time in constant memory: any file Export-GasleserLog wrote, or
    /// Export-Csv of readings in any culture (with or without its "#TYPE" line; the separator , ; tab or |
    /// is found from the file). Columns are found by name; values are read by the one rule set of
    /// <see cref="RowParser"/>. A row that is no reading is an InvalidReading naming the file and the line,
    /// and the rest of the file is read. CSV parsing is CsvHelper's; no reading's value holds a line break,
    /// so a line end always ends a row: a line left half-written by a crash spoils only itself.
    /// </summary>
    internal static class ReadingLogReader
    {
        private const int MaxRowBytes = 64 * 1024;
        private static readonly string[] Required = { "DeviceId", "Timestamp", "TotalConsumption" };

        /// <summary>
        /// Streams the readings of <paramref name="path"/> to <paramref name="output"/>, and its bad rows as errors
        /// whose target is the file. Throws <see cref="GasleserLogFileException"/> when the file cannot be
        /// opened or read, or its header is no reading's.
        /// </summary>
        public static void Read(string path, CultureInfo culture, ICommandOutput output, CancellationToken cancel) =>
            PrivateDependencies.Use(() => ReadRows(path, culture, output, cancel));

        private static void ReadRows(string path, CultureInfo culture, ICommandOutput output, CancellationToken cancel)
        {
            try
            {
                // Shared for reading and writing: a log may be read while a watch appends to it.
                using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024, FileOptions.SequentialScan);
                using var text = new StreamReader(file, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024);
                long malformedLine = -1;
                var options = new CsvRowsOptions
                {
                    CommentPrefix = '#', // Export-Csv's "#TYPE Gasleser.GasleserReading" line
                    AllowLineBreaksInQuotes = false,
                    TrackLineNumbers = true,
                    MaxRecordSize = MaxRowBytes,
                    OnMalformedRecord = line => malformedLine = line,
                };
                using CsvRows rows = CsvRows.Open(text, options);
                Dictionary<string, int> columns = Columns(rows, path);
                int headerFields = rows.Headers.Count;
                var fields = new string?[columns.Count == 0 ? 0 : MaxIndex(columns) + 1];
                TimeZoneInfo zone = TimeZoneInfo.Local;
                DateTimeOffset hostNow = DateTimeOffset.UtcNow;
                object? Field(string name) => columns.TryGetValue(name, out int index) ? fields[index] : null;

                while (rows.Read())
                {
                    cancel.ThrowIfCancellationRequested();
                    if (rows.LineNumber == malformedLine)
                    {
                        output.WriteError(Invalid(path, rows.LineNumber, "the row is cut short (a line left half-written) or its quotes are broken."));
                        continue;
                    }

                    // An unquoted separator inside a value (a total written 1,234) splits it, and every field after it
                    // shifts: read by position, the row would be wrong without a sign of it.
                    if (rows.FieldCount > headerFields)
                    {
                        output.WriteError(Invalid(path, rows.LineNumber,
                            $"the row has {rows.FieldCount.ToString(CultureInfo.InvariantCulture)} fields, but the header has {headerFields.ToString(CultureInfo.InvariantCulture)}: a value holds the column separator without quotes (a number written 1,234, say), so the fields cannot be matched to their columns. Quote that value (\"1,234\") or write it without the separator."));
                        continue;
                    }

                    for (int i = 0; i < fields.Length; i++)
                    {
                        fields[i] = i < rows.FieldCount ? rows.Field(i) : null;
                    }

                    try
                    {
                        output.WriteObject(RowParser.Read(Field, zone, culture, hostNow));
                    }
                    catch (GasleserInvalidReadingException ex)
                    {
                        output.WriteError(Invalid(path, rows.LineNumber, ex.Message));
                    }
                }
            }
            catch (Exception ex) when ((ex is IOException || ex is UnauthorizedAccessException || ex is NotSupportedException
                                        || ex is ArgumentException || ex is InvalidDataException)
                                       && !PrivateDependencies.IsLoadFailure(ex)) // CsvHelper missing is no fault of the file
            {
                throw new GasleserLogFileException(
                    $"The log '{path}' cannot be read: {DeviceText.Printable(ex.Message, 300)}", path,
                    ex is FileNotFoundException || ex is DirectoryNotFoundException ? ErrorCategory.ObjectNotFound : ErrorCategory.ReadError,
                    "Check the path, and that you may read the file; a row longer than 64 KB is no reading.");
            }
        }

        // A bad row: the message names file and line, the error record targets the file.
        private static GasleserInvalidReadingException Invalid(string path, long line, string problem) =>
            new GasleserInvalidReadingException($"{path}, line {line.ToString(CultureInfo.InvariantCulture)}: {problem}", path).WithTarget(path);

        private static int MaxIndex(Dictionary<string, int> columns)
        {
            int max = 0;
            foreach (int index in columns.Values)
            {
                max = Math.Max(max, index);
            }

            return max;
        }

        // The columns a reading needs, by name; an empty file has none and reads as no readings.
        private static Dictionary<string, int> Columns(CsvRows rows, string path)
        {
            var columns = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            var names = new List<string>();
            foreach (string name in rows.Headers)
            {
                names.Add(name);
                string trimmed = name.Trim().TrimStart('\uFEFF');
                if (!columns.ContainsKey(trimmed))
                {
                    columns.Add(trimmed, names.Count - 1);
                }
            }

            if (names.Count == 0 || Array.TrueForAll(Required, columns.ContainsKey))
            {
                return columns;
            }

            string[] missing = Array.FindAll(Required, c => !columns.ContainsKey(c));
            string lacks = missing.Length == 1 ? missing[0] : string.Join(", ", missing, 0, missing.Length - 1) + " or " + missing[missing.Length - 1];
            throw new GasleserLogFileException(
                $"'{path}' is not a log of Gasleser readings: it has no {lacks} column; its columns are: {DeviceText.Printable(string.Join(", ", names), 200)}.",
                path, ErrorCategory.InvalidData,
                "Give a log written by Export-GasleserLog, or by Export-Csv of Gasleser readings.");
        }
    }
}
