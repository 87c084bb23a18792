using System;
using System.Globalization;
using System.Text;
using Gasleser.Readings;

namespace Gasleser
{
    /// <summary>
    /// Collects the bytes of one HTTP/1.1 answer and decides, as they arrive, when it is complete
    /// and whether it is a Gasleser reading. Status, headers and body are all bounded. Read as small
    /// devices speak it: interim 1xx answers are skipped and lines may end in a bare LF. Every header
    /// value that goes into a message is shown with control characters escaped.
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
        private string _reason = "";
        private byte[]? _body;
        private int _bodyLength;
        private long _received;
        private int _interimStatus;
        private string _interimReason = "";

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
                throw ExchangeCauses.AnswerTooLarge(_computerName, DeviceClient.MaxBodyBytes);
            }

            if (_length + count > _buffer.Length)
            {
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
            }

            Buffer.BlockCopy(data, 0, _buffer, _length, count);
            _length += count;
            _received += count;

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
                    // A body framed only by the connection's end tells a cut from a finish by its content alone.
                    if (!_chunked && _contentLength < 0 && _bodyLength == 0)
                    {
                        throw ExchangeCauses.ClosedBeforeBody(_computerName, _status, _reason);
                    }

                    // Whole (its length or its last chunk said so) and empty: no JSON that is not JSON, but no answer at all.
                    if (_bodyLength == 0)
                    {
                        throw ExchangeCauses.EmptyAnswer(_computerName, _status, _reason, _chunked);
                    }

                    if (!_chunked && _contentLength < 0 && DeviceJsonParser.EndsInsideJson(_body!, _bodyLength))
                    {
                        throw ExchangeCauses.ClosedInJson(_computerName, _bodyLength);
                    }

                    return DeviceJsonParser.Parse(_body!, _bodyLength, _computerName);
                case 404:
                    throw ExchangeCauses.FirmwareTooOld(_computerName);
                case 429:
                    throw ExchangeCauses.TooManyRequests(_computerName, ParseRetryAfter());
                case int error when error >= 500 && error < 600 || error == 401 || error == 403:
                    throw ExchangeCauses.HttpError(_computerName, _status, _reason, ParseRetryAfter());
                case int redirect when redirect >= 300 && redirect < 400:
                    throw ExchangeCauses.Redirect(_computerName, _status, _location);
                default:
                    throw ExchangeCauses.OtherStatus(_computerName, _status, _reason);
            }
        }

        private bool Finish()
        {
            if (_bodyStart < 0)
            {
                if (_received == 0)
                {
                    throw ExchangeCauses.ClosedWithoutAnswer(_computerName);
                }

                // Only an interim answer came (100 Continue): it promised the real one and closed instead.
                if (_interimStatus != 0 && _length == 0)
                {
                    throw ExchangeCauses.ClosedAfterInterim(_computerName, _interimStatus, _interimReason);
                }

                if (!StartsLikeHttp())
                {
                    throw NotHttp();
                }

                throw ExchangeCauses.ClosedInHeaders(_computerName, _received);
            }

            if (_status != 200)
            {
                return true;
            }

            if (!TryCompleteBody(atEnd: true))
            {
                throw _chunked
                    ? ExchangeCauses.ClosedInChunks(_computerName, _length - _bodyStart)
                    : ExchangeCauses.ClosedBeforeLength(_computerName, _length - _bodyStart, _contentLength);
            }

            return true;
        }

        /// <summary>
        /// The connection was reset. An answer that was already whole (status and headers read, and a body
        /// that is framed only by the end of the connection) is still an answer; true when it is.
        /// </summary>
        public bool CompleteAtReset()
        {
            if (_bodyStart < 0)
            {
                return false;
            }

            if (_status != 200)
            {
                return true;
            }

            return !_chunked && _contentLength < 0 ? SetBody(_bodyStart, _length - _bodyStart) : TryCompleteBody(atEnd: false);
        }

        private bool TryParseHead()
        {
            while (true)
            {
                int headEnd = FindHeadEnd(out int bodyStart);
                if (headEnd < 0)
                {
                    // A banner of another protocol (SSH, SMTP, a printer's) is told at its first line, not at the timeout.
                    if (!StartsLikeHttp() && (IndexOf(_buffer, _length, "\n") >= 0 || _length >= 64))
                    {
                        throw NotHttp();
                    }

                    if (_length > DeviceClient.MaxHeaderBytes)
                    {
                        throw ExchangeCauses.HeadersTooLarge(_computerName, DeviceClient.MaxHeaderBytes);
                    }

                    return false;
                }

                ParseHead(Encoding.ASCII.GetString(_buffer, 0, headEnd));

                // 100 Continue and other interim answers come before the real one: drop them and read on.
                if (_status >= 100 && _status < 200 && _status != 101)
                {
                    (_interimStatus, _interimReason) = (_status, _reason);
                    Buffer.BlockCopy(_buffer, bodyStart, _buffer, 0, _length - bodyStart);
                    _length -= bodyStart;
                    _contentLength = -1;
                    _chunked = false;
                    continue;
                }

                if (_status == 200 && !_chunked && _contentLength > DeviceClient.MaxBodyBytes)
                {
                    throw ExchangeCauses.AnswerTooLarge(_computerName, DeviceClient.MaxBodyBytes, _contentLength);
                }

                _bodyStart = bodyStart;
                return true;
            }
        }

        // The head ends at an empty line: CRLF CRLF, or LF LF from devices that end lines in a bare LF.
        private int FindHeadEnd(out int bodyStart)
        {
            for (int i = 0; i < _length; i++)
            {
                if (_buffer[i] != (byte)'\n')
                {
                    continue;
                }

                if (i + 1 < _length && _buffer[i + 1] == (byte)'\n')
                {
                    bodyStart = i + 2;
                    return i;
                }

                if (i + 2 < _length && _buffer[i + 1] == (byte)'\r' && _buffer[i + 2] == (byte)'\n')
                {
                    bodyStart = i + 3;
                    return i;
                }
            }

            bodyStart = -1;
            return -1;
        }

        private void ParseHead(string head)
        {
            string[] lines = head.Split('\n');
            string statusLine = lines[0].TrimEnd('\r');
            string[] status = statusLine.Split(new[] { ' ' }, 3);
            if (status.Length < 2 || !status[0].StartsWith("HTTP/1.", StringComparison.Ordinal)
                || status[1].Length != 3 || !int.TryParse(status[1], NumberStyles.None, CultureInfo.InvariantCulture, out _status))
            {
                throw NotHttp();
            }

            _reason = status.Length > 2 ? DeviceText.Printable(status[2].Trim(), 60) : "";

            for (int i = 1; i < lines.Length; i++)
            {
                string line = lines[i].TrimEnd('\r');
                int colon = line.IndexOf(':');
                if (colon <= 0)
                {
                    continue;
                }

                string field = line.Substring(0, colon).Trim();
                string value = line.Substring(colon + 1).Trim();
                if (field.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    ReadContentLength(value);
                }
                else if (field.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
                {
                    _chunked = value.IndexOf("chunked", StringComparison.OrdinalIgnoreCase) >= 0;
                }
                else if (field.Equals("Content-Encoding", StringComparison.OrdinalIgnoreCase)
                    && !value.Equals("identity", StringComparison.OrdinalIgnoreCase) && _status == 200)
                {
                    throw ExchangeCauses.UnexpectedFraming(_computerName, $"it sent a '{DeviceText.Printable(value)}'-encoded body that was not asked for");
                }
                else if (field.Equals("Location", StringComparison.OrdinalIgnoreCase))
                {
                    _location = DeviceText.Printable(value);
                }
                else if (field.Equals("Retry-After", StringComparison.OrdinalIgnoreCase))
                {
                    _retryAfter = value;
                }
            }
        }

        // Two lengths that disagree ("Content-Length: 5" and "Content-Length: 150", or "5, 150") leave the
        // body's end unknown: a classic request-smuggling shape, refused rather than guessed.
        private void ReadContentLength(string value)
        {
            foreach (string part in value.Split(','))
            {
                if (!long.TryParse(part.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long length))
                {
                    throw ExchangeCauses.UnexpectedFraming(_computerName, $"its Content-Length '{DeviceText.Printable(value)}' is not a number");
                }

                if (_contentLength >= 0 && _contentLength != length)
                {
                    throw ExchangeCauses.UnexpectedFraming(_computerName, $"it sent conflicting Content-Length headers ({_contentLength} and {length})");
                }

                _contentLength = length;
            }
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
                throw ExchangeCauses.AnswerTooLarge(_computerName, DeviceClient.MaxBodyBytes);
            }

            // No length and no chunks: the body ends when the device closes the connection.
            return atEnd && SetBody(_bodyStart, available);
        }

        private bool TryDecodeChunked()
        {
            ChunkedBody.Result result = ChunkedBody.TryDecode(_buffer, _length, _bodyStart, DeviceClient.MaxBodyBytes, out _body, out _bodyLength);
            if (result is ChunkedBody.Result.BadChunkSize bad)
            {
                throw ExchangeCauses.UnexpectedFraming(_computerName, $"its chunked body has a bad chunk size '{DeviceText.Printable(bad.SizeText)}'");
            }

            if (result == ChunkedBody.Result.TooLarge)
            {
                throw ExchangeCauses.AnswerTooLarge(_computerName, DeviceClient.MaxBodyBytes);
            }

            return result == ChunkedBody.Result.Complete;
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

        // "HTTP/1." so far, as far as the bytes go.
        private bool StartsLikeHttp()
        {
            const string Start = "HTTP/1.";
            for (int i = 0; i < Start.Length && i < _length; i++)
            {
                if (_buffer[i] != Start[i])
                {
                    return false;
                }
            }

            return true;
        }

        private GasleserInvalidResponseException NotHttp() => ExchangeCauses.NotHttp(_computerName, DeviceJsonParser.Excerpt(_buffer, _length));

        internal static int IndexOf(byte[] buffer, int length, string pattern, int start = 0)
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
