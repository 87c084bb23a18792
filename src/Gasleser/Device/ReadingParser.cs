using System;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Gasleser
{
    /// <summary>
    /// Turns a /v1/data body into a reading. Lenient where devices vary (unknown fields ignored,
    /// optional fields may be absent or odd), strict where it matters: a reading needs a device id,
    /// a Unix-seconds timestamp and a meter total, and anything wrong there is an InvalidResponse.
    /// </summary>
    public static class ReadingParser
    {
        private static readonly JsonDocumentOptions Options = new JsonDocumentOptions { MaxDepth = 16 };

        public static GasleserReading Parse(byte[] body, int length, string computerName)
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(new ReadOnlyMemory<byte>(body, 0, length), Options);
            }
            catch (JsonException ex)
            {
                throw Invalid($"the answer is not JSON: {Excerpt(body, length)}", computerName, ex);
            }

            using (document)
            {
                try
                {
                    return Read(document.RootElement, body, length, computerName);
                }
                catch (InvalidOperationException ex)
                {
                    // System.Text.Json checks a string's UTF-8 only when it is read.
                    throw Invalid($"the answer holds text that is not UTF-8: {Excerpt(body, length)}", computerName, ex);
                }
            }
        }

        private static GasleserReading Read(JsonElement root, byte[] body, int length, string computerName)
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid($"the answer is not a JSON object: {Excerpt(body, length)}", computerName);
            }

            string deviceId = RequiredString(root, "device_id", computerName, body, length);
            if (deviceId.Trim().Length == 0)
            {
                throw Invalid("the answer's device_id is empty", computerName);
            }

            return new GasleserReading
            {
                ComputerName = computerName,
                DeviceId = deviceId,
                Timestamp = ParseTimestamp(root, computerName, body, length),
                TotalConsumption = RequiredTotal(root, computerName, body, length),
                CurrentFlowRate = OptionalDouble(root, "current_flow_rate"),
                PulseCount = OptionalLong(root, "count"),
                SignalStrength = OptionalInt(root, "signal_strength"),
                Rssi = OptionalInt(root, "rssi"),
            };
        }

        private static string RequiredString(JsonElement root, string name, string computerName, byte[] body, int length)
        {
            if (!root.TryGetProperty(name, out JsonElement value))
            {
                throw Invalid($"the answer has no {name}: {Excerpt(body, length)}", computerName);
            }

            if (value.ValueKind != JsonValueKind.String)
            {
                throw Invalid($"the answer's {name} is a {value.ValueKind}, not a string: {Excerpt(body, length)}", computerName);
            }

            return value.GetString()!;
        }

        // The device sends the Unix time as a decimal string ("1758798550"); a plain number is taken too.
        private static DateTimeOffset ParseTimestamp(JsonElement root, string computerName, byte[] body, int length)
        {
            if (!root.TryGetProperty("timestamp", out JsonElement value))
            {
                throw Invalid($"the answer has no timestamp: {Excerpt(body, length)}", computerName);
            }

            string text = value.ValueKind switch
            {
                JsonValueKind.String => value.GetString()!.Trim(),
                JsonValueKind.Number => value.GetRawText(),
                _ => "",
            };

            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds)
                || seconds < 1 || seconds > 253402300799L)
            {
                throw Invalid($"the answer's timestamp '{Shorten(text.Length > 0 ? text : value.GetRawText())}' is not Unix time in seconds", computerName);
            }

            // The device's instant in this computer's offset: the view, Export-Csv, JSON and the log show one wall time.
            return DateTimeOffset.FromUnixTimeSeconds(seconds).ToLocalTime();
        }

        private static double RequiredTotal(JsonElement root, string computerName, byte[] body, int length)
        {
            if (!root.TryGetProperty("total_consumption", out JsonElement value))
            {
                throw Invalid($"the answer has no total_consumption: {Excerpt(body, length)}", computerName);
            }

            if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double total) || double.IsInfinity(total) || total < 0)
            {
                throw Invalid($"the answer's total_consumption '{Shorten(value.GetRawText())}' is not a meter total in m³", computerName);
            }

            return total;
        }

        private static double? OptionalDouble(JsonElement root, string name)
        {
            if (root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number
                && value.TryGetDouble(out double number) && !double.IsInfinity(number))
            {
                return number;
            }

            return null;
        }

        private static long? OptionalLong(JsonElement root, string name)
        {
            if (!root.TryGetProperty(name, out JsonElement value))
            {
                return null;
            }

            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long number))
            {
                return number;
            }

            if (value.ValueKind == JsonValueKind.String
                && long.TryParse(value.GetString(), NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out number))
            {
                return number;
            }

            return null;
        }

        // Real devices send "84 %" and "-51" as strings; numbers are taken as well.
        private static int? OptionalInt(JsonElement root, string name)
        {
            if (!root.TryGetProperty(name, out JsonElement value))
            {
                return null;
            }

            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number))
            {
                return number;
            }

            if (value.ValueKind == JsonValueKind.String)
            {
                string text = value.GetString()!.Trim();
                if (text.EndsWith("%", StringComparison.Ordinal))
                {
                    text = text.Substring(0, text.Length - 1).Trim();
                }

                if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number))
                {
                    return number;
                }
            }

            return null;
        }

        private static GasleserInvalidResponseException Invalid(string what, string computerName, Exception? inner = null) =>
            new GasleserInvalidResponseException($"{computerName} did not answer like a Gasleser: {what}.", computerName, inner);

        /// <summary>A short, printable excerpt of a body for error messages.</summary>
        internal static string Excerpt(byte[] body, int length)
        {
            string text = Encoding.UTF8.GetString(body, 0, Math.Min(length, 200));
            return "'" + Shorten(text) + "'";
        }

        private static string Shorten(string text)
        {
            var sb = new StringBuilder();
            foreach (char c in text)
            {
                if (sb.Length >= 80)
                {
                    sb.Append('…');
                    break;
                }

                sb.Append(char.IsControl(c) ? ' ' : c);
            }

            return sb.ToString();
        }
    }
}
