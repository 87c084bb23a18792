using System;
using System.Collections.Generic;
using System.IO;
using CsvHelper;

namespace Gasleser.Dependencies
{
    /// <summary>What <see cref="CsvRows"/> reads: CsvHelper's reader options the module uses.</summary>
    public sealed class CsvRowsOptions
    {
        /// <summary>The field separator; null finds it from the first lines (, ; tab or |).</summary>
        public char? Separator { get; set; }

        public bool TrimWhitespace { get; set; }

        /// <summary>Lines starting with it are skipped; none when null.</summary>
        public char? CommentPrefix { get; set; }

        public bool AllowLineBreaksInQuotes { get; set; } = true;
        public bool TrackLineNumbers { get; set; }

        /// <summary>The longest record read, in bytes; null for CsvHelper's default.</summary>
        public int? MaxRecordSize { get; set; }

        /// <summary>Told the line number of each record cut short or with broken quotes; the record is still returned.</summary>
        public Action<long>? OnMalformedRecord { get; set; }
    }

    /// <summary>
    /// CSV records, one at a time, read by CsvHelper (RFC 4180 quoting, line numbers, a record-size cap). A text that
    /// is no CSV at all throws <see cref="InvalidDataException"/> with CsvHelper's message.
    /// </summary>
    public sealed class CsvRows : IDisposable
    {
        private static readonly CsvReaderOptions Defaults = new CsvReaderOptions();

        private readonly CsvReader _reader;

        private CsvRows(CsvReader reader)
        {
            _reader = reader;
        }

        /// <summary>Reads <paramref name="text"/>, which the caller keeps open and disposes.</summary>
        public static CsvRows Open(TextReader text, CsvRowsOptions options)
        {
            Action<long>? malformed = options.OnMalformedRecord;
            var csv = new CsvReaderOptions
            {
                Separator = options.Separator,
                TrimWhitespace = options.TrimWhitespace,
                AllowLineBreaksInQuotes = options.AllowLineBreaksInQuotes,
                TrackLineNumbers = options.TrackLineNumbers,
                CommentPrefix = options.CommentPrefix,
                MaxRecordSize = options.MaxRecordSize ?? Defaults.MaxRecordSize,
                OnMalformedRecord = malformed == null ? null : bad => malformed(bad.LineNumber),
            };
            return Translated(() => new CsvRows(CsvReader.Create(text, csv, leaveOpen: true)));
        }

        /// <summary>The first record's fields: the header.</summary>
        public IReadOnlyList<string> Headers => Translated(() => _reader.Headers);

        /// <summary>Moves to the next record; false at the end.</summary>
        public bool Read() => Translated(() => _reader.Read());

        /// <summary>The line the current record starts on (1 is the header line), with <see cref="CsvRowsOptions.TrackLineNumbers"/>.</summary>
        public long LineNumber => _reader.LineNumber;

        public int FieldCount => _reader.FieldCount;

        /// <summary>Field <paramref name="index"/> of the current record, unquoted.</summary>
        public string Field(int index) => _reader[index].ToString();

        public void Dispose() => _reader.Dispose();

        private static T Translated<T>(Func<T> read)
        {
            try
            {
                return read();
            }
            catch (CsvFormatException ex)
            {
                throw new InvalidDataException(ex.Message, ex);
            }
        }
    }
}
