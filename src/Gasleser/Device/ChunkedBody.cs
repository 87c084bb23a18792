using System;
using System.Globalization;
using System.Text;

namespace Gasleser
{
    /// <summary>
    /// A body sent with the chunked transfer coding (RFC 9112, 7.1), decoded as far as it has arrived: chunk
    /// sizes in hex with optional extensions, lines ending in CRLF or a bare LF, a size cap on the whole.
    /// </summary>
    internal static class ChunkedBody
    {
        /// <summary>How far the decoding got.</summary>
        internal class Result
        {
            public static readonly Result Incomplete = new Result();
            public static readonly Result Complete = new Result();
            public static readonly Result TooLarge = new Result();

            /// <summary>A chunk size that is no hex number.</summary>
            internal sealed class BadChunkSize : Result
            {
                public BadChunkSize(string sizeText) => SizeText = sizeText;

                public string SizeText { get; }
            }
        }

        /// <summary>
        /// Decodes the chunks in <paramref name="buffer"/> from <paramref name="start"/> to <paramref name="length"/>.
        /// Complete (with <paramref name="body"/> and <paramref name="bodyLength"/>) once the last, empty chunk has
        /// arrived; Incomplete before; TooLarge past <paramref name="maxBodyBytes"/>.
        /// </summary>
        public static Result TryDecode(byte[] buffer, int length, int start, int maxBodyBytes, out byte[]? body, out int bodyLength)
        {
            byte[] decoded = new byte[Math.Min(length, maxBodyBytes + 1)];
            int written = 0;
            int position = start;
            body = null;
            bodyLength = 0;
            while (true)
            {
                int lineEnd = HttpResponseReader.IndexOf(buffer, length, "\n", position);
                if (lineEnd < 0)
                {
                    return Result.Incomplete;
                }

                string sizeText = Encoding.ASCII.GetString(buffer, position, lineEnd - position).TrimEnd('\r');
                int semicolon = sizeText.IndexOf(';');
                if (semicolon >= 0)
                {
                    sizeText = sizeText.Substring(0, semicolon);
                }

                if (!int.TryParse(sizeText.Trim(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int size) || size < 0)
                {
                    return new Result.BadChunkSize(sizeText);
                }

                if (size == 0)
                {
                    body = decoded;
                    bodyLength = written;
                    return Result.Complete;
                }

                if (written + size > maxBodyBytes)
                {
                    return Result.TooLarge;
                }

                int dataStart = lineEnd + 1;
                if (length < dataStart + size + 1)
                {
                    return Result.Incomplete;
                }

                Buffer.BlockCopy(buffer, dataStart, decoded, written, size);
                written += size;
                position = dataStart + size;
                if (buffer[position] == (byte)'\r')
                {
                    if (length < position + 2)
                    {
                        return Result.Incomplete;
                    }

                    position++;
                }

                position++; // the LF after the chunk's data
            }
        }
    }
}
