using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Text;
using System.Threading;

namespace Gasleser.Logging
{
    /// <summary>
    /// Reads a log back, one reading at a time: any file Export-GasleserLog wrote, or Export-Csv of
    /// readings in any culture (with or without its "#TYPE" line, any of the usual delimiters). Columns are
    /// found by name; the values are read by the one rule set of <see cref="ReadingRow"/>. A row that is no
    /// reading becomes an InvalidReading naming the file and the line; the rest of the file is read.
    /// </summary>
    internal static class ReadingLogReader
    {
        private static readonly string[] Required = { "DeviceId", "Timestamp", "TotalConsumption" };

        /// <summary>
        /// Streams the readings of <paramref name="path"/> to <paramref name="reading"/> and its bad rows to
        /// <paramref name="invalid"/>. Throws <see cref="GasleserLogFileException"/> when the file cannot be
        /// opened or its header is no reading's.
        /// </summary>
        public static void Read(
            string path, CultureInfo culture, Action<GasleserReading> reading, Action<GasleserInvalidReadingException> invalid, CancellationToken cancel)
        {
            FileStream file;
            try
            {
                // Shared for reading and writing: a log may be read while a watch appends to it.
                file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024, FileOptions.SequentialScan);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is NotSupportedException || ex is ArgumentException)
            {
                throw new GasleserLogFileException(
                    $"The log '{path}' cannot be read: {ex.Message}", path,
                    ex is FileNotFoundException || ex is DirectoryNotFoundException ? ErrorCategory.ObjectNotFound : ErrorCategory.ReadError,
                    "Check the path, and that you may read the file.");
            }

            using (file)
            using (var text = new StreamReader(file, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024))
            {
                long line = 1;
                string? header = text.ReadLine();
                if (header != null && header.StartsWith("#TYPE", StringComparison.OrdinalIgnoreCase))
                {
                    header = text.ReadLine();
                    line++;
                }

                if (header == null)
                {
                    return;
                }

                (char delimiter, Dictionary<string, int> columns) = Columns(header, path);
                var records = new CsvRecordReader(text, delimiter, line + 1);
                var fields = new List<string>(16);
                TimeZoneInfo zone = TimeZoneInfo.Local;
                DateTimeOffset hostNow = DateTimeOffset.UtcNow;
                object? Field(string name) => columns.TryGetValue(name, out int index) && index < fields.Count ? fields[index] : null;

                while (records.Read(fields))
                {
                    cancel.ThrowIfCancellationRequested();
                    if (records.Malformed)
                    {
                        invalid(new GasleserInvalidReadingException($"{Where(path, records.RecordLine)}: the row is cut short (a line left half-written) or too long.", path));
                        continue;
                    }

                    try
                    {
                        reading(ReadingRow.Read(Field, zone, culture, hostNow));
                    }
                    catch (GasleserInvalidReadingException ex)
                    {
                        invalid(new GasleserInvalidReadingException($"{Where(path, records.RecordLine)}: {ex.Message}", path));
                    }
                }
            }
        }

        private static string Where(string path, long line) => $"{path}, line {line.ToString(CultureInfo.InvariantCulture)}";

        // The delimiter is the one that splits the header into the columns a reading needs.
        private static (char, Dictionary<string, int>) Columns(string header, string path)
        {
            header = header.TrimStart('\uFEFF');
            foreach (string delimiter in LogFormat.KnownDelimiters)
            {
                List<string> names = LogFormat.SplitHeader(header, delimiter);
                var columns = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
                for (int i = 0; i < names.Count; i++)
                {
                    if (!columns.ContainsKey(names[i]))
                    {
                        columns.Add(names[i], i);
                    }
                }

                if (Array.TrueForAll(Required, columns.ContainsKey))
                {
                    return (delimiter[0], columns);
                }
            }

            throw new GasleserLogFileException(
                $"'{path}' is not a log of Gasleser readings: its header '{Printable.Excerpt(header, 120)}' has no DeviceId, Timestamp and TotalConsumption columns.",
                path, ErrorCategory.InvalidData,
                "Give a log written by Export-GasleserLog, or by Export-Csv of Gasleser readings.");
        }
    }
}
