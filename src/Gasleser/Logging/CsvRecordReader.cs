using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Gasleser.Logging
{
    /// <summary>
    /// Streams the records of a CSV file (RFC 4180 quoting: fields in double quotes may hold the delimiter and
    /// doubled quotes; CRLF, LF or CR end a record, also inside quotes, since no reading's value holds a line break), one at a time in constant memory, with the line
    /// each record starts on. The file is untrusted: a record longer than <see cref="MaxRecordLength"/> is
    /// reported as too long and skipped to its line end rather than read into memory.
    /// </summary>
    internal sealed class CsvRecordReader
    {
        public const int MaxRecordLength = 64 * 1024;

        private readonly TextReader _reader;
        private readonly char _delimiter;
        private readonly char[] _buffer = new char[16 * 1024];
        private readonly StringBuilder _field = new StringBuilder(64);
        private int _position, _length;
        private long _line = 1;

        public CsvRecordReader(TextReader reader, char delimiter, long firstLine)
        {
            _reader = reader;
            _delimiter = delimiter;
            _line = firstLine;
        }

        /// <summary>The line the last record read starts on (1 = the file's first line).</summary>
        public long RecordLine { get; private set; }

        /// <summary>True when the last record was cut short: longer than allowed, or a quote never closed.</summary>
        public bool Malformed { get; private set; }

        /// <summary>Reads the next record into <paramref name="fields"/>; false at the end of the file. Blank lines are skipped.</summary>
        public bool Read(List<string> fields)
        {
            while (true)
            {
                fields.Clear();
                Malformed = false;
                if (!Peek(out _))
                {
                    return false;
                }

                RecordLine = _line;
                ReadRecord(fields);
                if (!(fields.Count == 1 && fields[0].Length == 0 && !Malformed))
                {
                    return true;
                }
            }
        }

        private void ReadRecord(List<string> fields)
        {
            _field.Clear();
            int recordLength = 0;
            bool quoted = false, wasQuoted = false;
            while (Next(out char c))
            {
                if (++recordLength > MaxRecordLength)
                {
                    Malformed = true;
                    SkipLine();
                    fields.Add(_field.ToString());
                    return;
                }

                if (quoted)
                {
                    if (c == '"')
                    {
                        if (Peek(out char after) && after == '"')
                        {
                            Next(out _);
                            _field.Append('"');
                        }
                        else
                        {
                            quoted = false;
                        }
                    }
                    else if (c == '\n' || c == '\r')
                    {
                        // No value of a reading holds a line break: a quote still open at the line end is a row cut
                        // short (a crash mid-write), and the next line is a row of its own.
                        Malformed = true;
                        EndOfLine(c);
                        fields.Add(_field.ToString());
                        return;
                    }
                    else
                    {
                        _field.Append(c);
                    }
                }
                else if (c == '"' && _field.Length == 0 && !wasQuoted)
                {
                    quoted = wasQuoted = true;
                }
                else if (c == _delimiter)
                {
                    fields.Add(_field.ToString());
                    _field.Clear();
                    wasQuoted = false;
                }
                else if (c == '\n' || c == '\r')
                {
                    EndOfLine(c);
                    fields.Add(_field.ToString());
                    return;
                }
                else
                {
                    _field.Append(c);
                }
            }

            // End of file: a quote still open means the record was cut short (a torn last line).
            Malformed = quoted;
            fields.Add(_field.ToString());
        }

        private void EndOfLine(char c)
        {
            if (c == '\r' && Peek(out char after) && after == '\n')
            {
                Next(out _);
            }

            _line++;
        }

        private void SkipLine()
        {
            while (Next(out char c))
            {
                if (c == '\n' || c == '\r')
                {
                    EndOfLine(c);
                    return;
                }
            }
        }

        private bool Next(out char c)
        {
            if (!Peek(out c))
            {
                return false;
            }

            _position++;
            return true;
        }

        private bool Peek(out char c)
        {
            if (_position == _length)
            {
                _length = _reader.Read(_buffer, 0, _buffer.Length);
                _position = 0;
                if (_length <= 0)
                {
                    _length = 0;
                    c = '\0';
                    return false;
                }
            }

            c = _buffer[_position];
            return true;
        }
    }
}
