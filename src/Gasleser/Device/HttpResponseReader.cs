using System;
using System.Globalization;
using System.Text;

namespace Gasleser
{
    /// <summary>
    /// Collects the bytes of one HTTP/1.1 answer and decides, as they arrive, when it is complete
    /// and whether it is a Gasleser reading. Status, headers and body are all bounded.
    /// </summary>
    internal sealed class HttpResponseReader
    {
        private readonly string _computerName;
        private byte[] _buffer = new byte[4096];
        private int _length;
        private int _bodyStart = -1;
        private int _status;
        private long _contentLength = -1;
        private bool _chunked;
        private string? _location;
        private string? _retryAfter;
        private byte[]? _body;
        private int _bodyLength;

        public HttpResponseReader(string computerName) => _computerName = computerName;

        /// <summary>Adds what the socket gave (0 bytes = the device closed). Returns true when the answer is complete.</summary>
        public bool Append(byte[] data, int count)
        {
            if (count == 0)
            {
                return Finish();
            }

            if (_length + count > DeviceClient.MaxHeaderBytes + DeviceClient.MaxBodyBytes + 1024)
            {
                throw Invalid($"the answer is larger than {DeviceClient.MaxBodyBytes / 1024} KiB");
            }

            if (_length + count > _buffer.Length)
            {
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
            }

            Buffer.BlockCopy(data, 0, _buffer, _length, count);
            _length += count;

            if (_bodyStart < 0 && !TryParseHead())
            {
                return false;
            }

            return _status != 200 || TryCompleteBody(atEnd: false);
        }

        public GasleserReading ToReading()
        {
            switch (_status)
            {
                case 200:
                    return ReadingParser.Parse(_body!, _bodyLength, _computerName);
                case 404:
                    throw new GasleserFirmwareUnsupportedException(
                        $"{_computerName} answered 404 Not Found on /v1/data: its firmware is older than 1.0.21.", _computerName);
                case 429:
                    throw new DeviceBusyException(_computerName, ParseRetryAfter());
                case int redirect when redirect >= 300 && redirect < 400:
                    throw Invalid($"it answered with a redirect ({_status}{(_location != null ? " to " + _location : "")}), which is not followed");
                default:
                    throw Invalid($"it answered HTTP {_status}");
            }
        }

        private bool Finish()
        {
            if (_bodyStart < 0)
            {
                if (_length == 0)
                {
                    throw new GasleserUnreachableException($"{_computerName} closed the connection without answering.", _computerName);
                }

                throw Invalid("the answer ended inside its headers: " + ReadingParser.Excerpt(_buffer, _length));
            }

            if (_status != 200)
            {
                return true;
            }

            if (!TryCompleteBody(atEnd: true))
            {
                throw Invalid(_chunked ? "the chunked answer ended early" : "the answer is shorter than its Content-Length");
            }

            return true;
        }

        private bool TryParseHead()
        {
            int end = IndexOf(_buffer, _length, "\r\n\r\n");
            if (end < 0)
            {
                if (_length > DeviceClient.MaxHeaderBytes)
                {
                    throw Invalid($"its headers are larger than {DeviceClient.MaxHeaderBytes / 1024} KiB");
                }

                return false;
            }

            string head = Encoding.ASCII.GetString(_buffer, 0, end);
            string[] lines = head.Split(new[] { "\r\n" }, StringSplitOptions.None);
            string[] statusLine = lines[0].Split(' ');
            if (statusLine.Length < 2 || !statusLine[0].StartsWith("HTTP/1.", StringComparison.Ordinal)
                || !int.TryParse(statusLine[1], NumberStyles.None, CultureInfo.InvariantCulture, out _status))
            {
                throw Invalid("it did not answer in HTTP: " + ReadingParser.Excerpt(_buffer, _length));
            }

            for (int i = 1; i < lines.Length; i++)
            {
                int colon = lines[i].IndexOf(':');
                if (colon <= 0)
                {
                    continue;
                }

                string field = lines[i].Substring(0, colon).Trim();
                string value = lines[i].Substring(colon + 1).Trim();
                if (field.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _contentLength))
                    {
                        throw Invalid($"its Content-Length '{value}' is not a number");
                    }
                }
                else if (field.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
                {
                    _chunked = value.IndexOf("chunked", StringComparison.OrdinalIgnoreCase) >= 0;
                }
                else if (field.Equals("Content-Encoding", StringComparison.OrdinalIgnoreCase)
                    && !value.Equals("identity", StringComparison.OrdinalIgnoreCase) && _status == 200)
                {
                    throw Invalid($"it sent a '{value}'-encoded body that was not asked for");
                }
                else if (field.Equals("Location", StringComparison.OrdinalIgnoreCase))
                {
                    _location = value;
                }
                else if (field.Equals("Retry-After", StringComparison.OrdinalIgnoreCase))
                {
                    _retryAfter = value;
                }
            }

            if (_status == 200 && !_chunked && _contentLength > DeviceClient.MaxBodyBytes)
            {
                throw Invalid($"its answer of {_contentLength} bytes is larger than {DeviceClient.MaxBodyBytes / 1024} KiB");
            }

            _bodyStart = end + 4;
            return true;
        }

        private bool TryCompleteBody(bool atEnd)
        {
            int available = _length - _bodyStart;
            if (_chunked)
            {
                return TryDecodeChunked();
            }

            if (_contentLength >= 0)
            {
                if (available < _contentLength)
                {
                    return false;
                }

                // Bytes past Content-Length are ignored: the length is what the device declared.
                return SetBody(_bodyStart, (int)_contentLength);
            }

            if (available > DeviceClient.MaxBodyBytes)
            {
                throw Invalid($"its answer is larger than {DeviceClient.MaxBodyBytes / 1024} KiB");
            }

            // No length and no chunks: the body ends when the device closes the connection.
            return atEnd && SetBody(_bodyStart, available);
        }

        private bool TryDecodeChunked()
        {
            var body = new byte[Math.Min(_length, DeviceClient.MaxBodyBytes + 1)];
            int written = 0;
            int position = _bodyStart;
            while (true)
            {
                int lineEnd = IndexOf(_buffer, _length, "\r\n", position);
                if (lineEnd < 0)
                {
                    return false;
                }

                string sizeText = Encoding.ASCII.GetString(_buffer, position, lineEnd - position);
                int semicolon = sizeText.IndexOf(';');
                if (semicolon >= 0)
                {
                    sizeText = sizeText.Substring(0, semicolon);
                }

                if (!int.TryParse(sizeText.Trim(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int size) || size < 0)
                {
                    throw Invalid($"its chunked body has a bad chunk size '{sizeText}'");
                }

                if (size == 0)
                {
                    _body = body;
                    _bodyLength = written;
                    return true;
                }

                if (written + size > DeviceClient.MaxBodyBytes)
                {
                    throw Invalid($"its answer is larger than {DeviceClient.MaxBodyBytes / 1024} KiB");
                }

                int dataStart = lineEnd + 2;
                if (_length < dataStart + size + 2)
                {
                    return false;
                }

                Buffer.BlockCopy(_buffer, dataStart, body, written, size);
                written += size;
                position = dataStart + size + 2;
            }
        }

        private bool SetBody(int start, int count)
        {
            _body = new byte[count];
            Buffer.BlockCopy(_buffer, start, _body, 0, count);
            _bodyLength = count;
            return true;
        }

        private TimeSpan? ParseRetryAfter()
        {
            if (_retryAfter != null && int.TryParse(_retryAfter, NumberStyles.None, CultureInfo.InvariantCulture, out int seconds) && seconds <= 300)
            {
                return TimeSpan.FromSeconds(seconds);
            }

            return null;
        }

        private GasleserInvalidResponseException Invalid(string what) =>
            new GasleserInvalidResponseException($"{_computerName} did not answer like a Gasleser: {what}.", _computerName);

        private static int IndexOf(byte[] buffer, int length, string pattern, int start = 0)
        {
            for (int i = start; i <= length - pattern.Length; i++)
            {
                int j = 0;
                while (j < pattern.Length && buffer[i + j] == pattern[j])
                {
                    j++;
                }

                if (j == pattern.Length)
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
