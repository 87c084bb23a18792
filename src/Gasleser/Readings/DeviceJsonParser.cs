using System;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Gasleser.Sessions;
using Gasleser.Hosting;

namespace Gasleser.Readings
{
    /// <summary>
    /// Turns a /v1/data body into a reading. Lenient where devices vary (unknown fields ignored,
    /// optional fields may be absent or odd), strict where it matters: a reading needs a device id,
    /// a plausible Unix-seconds timestamp and a plausible meter total, and anything wrong there is an
    /// InvalidResponse that names the field and the value. Whether the answer looked like a Gasleser's
    /// at all decides the advice: "not a Gasleser" (HTML, not JSON) or "a Gasleser answered something unexpected".
    /// </summary>
    internal static class DeviceJsonParser
    {
        /// <summary>Device ids are short (GAS_2329790123); a longer one is not an id but something else.</summary>
        public const int MaxDeviceIdLength = 64;

        private static readonly JsonDocumentOptions Options = new JsonDocumentOptions { MaxDepth = 16 };

        /// <summary>Parses a body; its time is checked against <paramref name="hostNow"/> (default: the sessions' wall clock).</summary>
        public static GasleserReading Parse(byte[] body, int length, string computerName, DateTimeOffset? hostNow = null)
        {
            try
            {
                return ParseAnswer(body, length, computerName, hostNow);
            }
            catch (GasleserInvalidResponseException ex) when (ex.Kind == InvalidResponseKind.UnexpectedAnswer)
            {
                ex.DeviceId = ReadableDeviceId(body, length);
                throw;
            }
        }

        /// <summary>
        /// The device_id of an answer refused for something else, when it can be read safely: the answer is a
        /// JSON object (after a BOM, if any) with one device_id, a string that is a device id (no control
        /// characters, nothing a terminal could misread); else null.
        /// </summary>
        private static string? ReadableDeviceId(byte[] body, int length)
        {
            int start = length >= 3 && body[0] == 0xEF && body[1] == 0xBB && body[2] == 0xBF ? 3 : 0;
            try
            {
                using JsonDocument document = JsonDocument.Parse(new ReadOnlyMemory<byte>(body, start, length - start), Options);
                if (document.RootElement.ValueKind != JsonValueKind.Object
                    || !TryGetOnce(document.RootElement, "device_id", out JsonElement value)
                    || value.ValueKind != JsonValueKind.String)
                {
                    return null;
                }

                string id = FieldText.DeviceId(value.GetString()!);
                return FieldText.IsDeviceId(id) ? id : null;
            }
            catch (Exception ex) when (ex is JsonException || ex is InvalidOperationException || ex is ArgumentException)
            {
                return null;
            }
        }

        private static GasleserReading ParseAnswer(byte[] body, int length, string computerName, DateTimeOffset? hostNow)
        {
            if (length >= 3 && body[0] == 0xEF && body[1] == 0xBB && body[2] == 0xBF)
            {
                throw Unexpected("the answer begins with a UTF-8 byte order mark (BOM, bytes EF BB BF) before its JSON, which JSON does not allow", computerName);
            }

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(new ReadOnlyMemory<byte>(body, 0, length), Options);
            }
            catch (JsonException ex)
            {
                throw NotJson(body, length, computerName, ex);
            }

            using (document)
            {
                try
                {
                    return Read(document.RootElement, body, length, computerName, hostNow ?? ProcessWide.Clock.UtcNow);
                }
                catch (InvalidOperationException ex)
                {
                    // System.Text.Json checks a string's UTF-8 only when it is read.
                    throw Unexpected($"the answer holds text that is not UTF-8: {Excerpt(body, length)}", computerName, ex);
                }
            }
        }

        // An HTML page or other text is "not a Gasleser"; JSON that breaks off or has something after it is a
        // Gasleser's answer gone wrong, shown at the byte where it went wrong.
        private static GasleserInvalidResponseException NotJson(byte[] body, int length, string computerName, JsonException ex)
        {
            string start = Encoding.UTF8.GetString(body, 0, Math.Min(length, 200)).TrimStart();
            if (start.StartsWith("<", StringComparison.Ordinal))
            {
                return Invalid($"it sent an HTML or XML page, not JSON: {Excerpt(body, length)}", computerName, ex);
            }

            if (length == 0)
            {
                return Invalid("the answer is empty, not JSON", computerName, ex);
            }

            if (!start.StartsWith("{", StringComparison.Ordinal))
            {
                return Invalid($"the answer is not JSON: {Excerpt(body, length)}", computerName, ex);
            }

            long position = ByteOffset(body, length, ex);
            if (position >= length)
            {
                return Unexpected($"its JSON breaks off after {length} bytes: {Excerpt(body, length)}", computerName, ex);
            }

            return Unexpected($"its JSON is broken at byte {position + 1} of {length}: {Excerpt(body, length, (int)position)}", computerName, ex);
        }

        // JsonException gives a line number and the byte position within that line.
        private static long ByteOffset(byte[] body, int length, JsonException ex)
        {
            long line = ex.LineNumber ?? 0, inLine = ex.BytePositionInLine ?? 0;
            int offset = 0;
            for (long l = 0; l < line && offset < length; offset++)
            {
                if (body[offset] == (byte)'\n')
                {
                    l++;
                }
            }

            return Math.Min(length, offset + inLine);
        }

        private static GasleserReading Read(JsonElement root, byte[] body, int length, string computerName, DateTimeOffset hostNow)
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid($"the answer is JSON but not an object: {Excerpt(body, length)}", computerName);
            }

            RefuseTwice(root, computerName);
            string deviceId = DeviceId(root, computerName, body, length);
            return new GasleserReading
            {
                ComputerName = computerName,
                DeviceId = deviceId,
                Timestamp = ParseTimestamp(root, computerName, body, length, hostNow),
                TotalConsumption = RequiredTotal(root, computerName, body, length),
                CurrentFlowRate = OptionalDouble(root, "current_flow_rate"),
                PulseCount = OptionalLong(root, "count"),
                SignalStrength = OptionalInt(root, "signal_strength"),
                Rssi = OptionalInt(root, "rssi"),
            };
        }

        /// <summary>The fields a reading cannot be without: one value each, or the answer is not one reading.</summary>
        private static readonly string[] RequiredFields = { "device_id", "timestamp", "total_consumption" };

        // JSON allows a name twice, and a parser takes one of the values silently. For the three fields a reading is
        // made of, which one the device meant is unknown: refused. An optional field sent twice is taken as not sent.
        private static void RefuseTwice(JsonElement root, string computerName)
        {
            foreach (string name in RequiredFields)
            {
                var values = new System.Collections.Generic.List<string>();
                foreach (JsonProperty property in root.EnumerateObject())
                {
                    if (property.NameEquals(name))
                    {
                        values.Add(DeviceText.Printable(property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText(), 40));
                    }
                }

                if (values.Count > 1)
                {
                    throw Unexpected($"the answer sends {name} {(values.Count == 2 ? "twice" : values.Count + " times")} ({string.Join(" and ", values)}), so which value is meant is unknown", computerName);
                }
            }
        }

        // An optional field's value, or none when it is absent or sent more than once.
        private static bool TryGetOnce(JsonElement root, string name, out JsonElement value)
        {
            value = default;
            int seen = 0;
            foreach (JsonProperty property in root.EnumerateObject())
            {
                if (property.NameEquals(name))
                {
                    value = property.Value;
                    seen++;
                }
            }

            return seen == 1;
        }

        private static string DeviceId(JsonElement root, string computerName, byte[] body, int length)
        {
            if (!root.TryGetProperty("device_id", out JsonElement value))
            {
                // JSON without any of a Gasleser's fields is some other device's API.
                bool gasleserLike = root.TryGetProperty("timestamp", out _) || root.TryGetProperty("total_consumption", out _);
                string what = $"the answer has no device_id: {Excerpt(body, length)}";
                throw gasleserLike ? Unexpected(what, computerName) : Invalid(what, computerName);
            }

            if (value.ValueKind != JsonValueKind.String)
            {
                throw Unexpected($"the answer's device_id is {Describe(value)}, not a string", computerName);
            }

            string id = FieldText.DeviceId(value.GetString()!);
            if (id.Length == 0)
            {
                throw Unexpected("the answer's device_id is empty", computerName);
            }

            if (!DeviceText.IsPrintable(id))
            {
                throw Unexpected($"the answer's device_id '{DeviceText.Printable(id)}' holds control or invisible formatting characters, which no device id has", computerName);
            }

            if (id.Length > MaxDeviceIdLength)
            {
                throw Unexpected($"the answer's device_id is {id.Length} characters long, more than the {MaxDeviceIdLength} an id may have: '{DeviceText.Printable(id)}'", computerName);
            }

            return id;
        }

        // The device sends the Unix time in seconds as a decimal string ("1758798550"); a plain number is taken too.
        private static DateTimeOffset ParseTimestamp(JsonElement root, string computerName, byte[] body, int length, DateTimeOffset hostNow)
        {
            if (!root.TryGetProperty("timestamp", out JsonElement value))
            {
                throw Unexpected($"the answer has no timestamp: {Excerpt(body, length)}", computerName);
            }

            string text = value.ValueKind switch
            {
                JsonValueKind.String => value.GetString()!.Trim(),
                JsonValueKind.Number => value.GetRawText(),
                _ => "",
            };

            if (text.Length == 0)
            {
                throw Unexpected($"the answer's timestamp is {Describe(value)}, not Unix time in seconds", computerName);
            }

            // "1758798550", "1758798550.0", 1.75879855e9: whole seconds however written (the rule rows follow too).
            if (!FieldText.TryUnixSeconds(text, out long seconds, out string? problem))
            {
                throw Unexpected($"the answer's timestamp {DeviceText.Quote(text)} is not Unix time in whole seconds", computerName);
            }

            if (problem != null)
            {
                // "a Gasleser sends whole seconds" answers a fraction or milliseconds, not a negative time.
                throw Unexpected($"the answer's timestamp {DeviceText.Quote(text)} {problem}" + (problem.StartsWith("is negative", StringComparison.Ordinal) ? "" : "; a Gasleser sends whole seconds"), computerName);
            }

            DateTimeOffset time = DateTimeOffset.FromUnixTimeSeconds(seconds);
            string? implausible = ReadingPlausibility.CheckTime(time, hostNow);
            if (implausible != null)
            {
                throw Unexpected($"the device's clock reads '{text}', which {implausible}; it is not a reading", computerName, advice: ExchangeCauses.ClockAdvice);
            }

            // The device's instant in this computer's offset: the view, Export-Csv, JSON and the log show one wall time.
            return time.ToLocalTime();
        }

        private static double RequiredTotal(JsonElement root, string computerName, byte[] body, int length)
        {
            if (!root.TryGetProperty("total_consumption", out JsonElement value))
            {
                throw Unexpected($"the answer has no total_consumption: {Excerpt(body, length)}", computerName);
            }

            if (value.ValueKind != JsonValueKind.Number)
            {
                throw Unexpected($"the answer's total_consumption is {Describe(value)}, not a number of m³", computerName);
            }

            if (!value.TryGetDouble(out double total))
            {
                throw Unexpected($"the answer's total_consumption '{DeviceText.Printable(value.GetRawText())}' is not a finite number", computerName);
            }

            string? implausible = ReadingPlausibility.CheckTotal(total);
            if (implausible != null)
            {
                throw Unexpected($"the answer's total_consumption '{DeviceText.Printable(value.GetRawText())}' {implausible}", computerName);
            }

            return FieldText.Number(total);
        }

        // "a string ('12345.8')", "an array", ...: what a field was instead, with its value when short.
        private static string Describe(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.String => $"a string ('{DeviceText.Printable(value.GetString())}')",
            JsonValueKind.Number => $"a number ({DeviceText.Printable(value.GetRawText())})",
            JsonValueKind.True or JsonValueKind.False => $"a boolean ({value.GetRawText()})",
            JsonValueKind.Null => "null",
            JsonValueKind.Array => "an array",
            _ => "an object",
        };

        private static double? OptionalDouble(JsonElement root, string name)
        {
            if (TryGetOnce(root, name, out JsonElement value) && value.ValueKind == JsonValueKind.Number
                && value.TryGetDouble(out double number) && !double.IsInfinity(number))
            {
                return FieldText.Number(number);
            }

            return null;
        }

        // Optional whole numbers: a JSON number, or text by the shared rule ("84 %", "-51"); anything else is "not sent".
        private static long? OptionalLong(JsonElement root, string name)
        {
            if (!TryGetOnce(root, name, out JsonElement value))
            {
                return null;
            }

            return value.ValueKind switch
            {
                JsonValueKind.Number => value.TryGetInt64(out long number) ? number : (long?)null,
                JsonValueKind.String => FieldText.Whole(value.GetString()),
                _ => null,
            };
        }

        private static int? OptionalInt(JsonElement root, string name) =>
            OptionalLong(root, name) is long number && number >= int.MinValue && number <= int.MaxValue ? (int)number : (int?)null;

        /// <summary>
        /// True when the body begins a JSON object or array and stops before it ends: a body framed by the
        /// connection's end that was cut, not finished. Anything else (complete, empty, not JSON) is false.
        /// </summary>
        internal static bool EndsInsideJson(byte[] body, int length)
        {
            var reader = new Utf8JsonReader(new ReadOnlySpan<byte>(body, 0, length), isFinalBlock: false, state: default);
            try
            {
                bool began = false;
                while (reader.Read())
                {
                    if (reader.CurrentDepth == 0 && reader.TokenType != JsonTokenType.StartObject && reader.TokenType != JsonTokenType.StartArray)
                    {
                        return false; // the top-level value ended here
                    }

                    began = true;
                }

                return began;
            }
            catch (JsonException)
            {
                return false;
            }
        }

        /// <summary>Not a Gasleser's answer at all.</summary>
        private static GasleserInvalidResponseException Invalid(string what, string computerName, Exception? inner = null) =>
            ExchangeCauses.NotAGasleser(computerName, what, inner);

        /// <summary>A Gasleser's answer with something the module cannot accept.</summary>
        private static GasleserInvalidResponseException Unexpected(string what, string computerName, Exception? inner = null, string? advice = null) =>
            ExchangeCauses.UnexpectedReading(computerName, what, inner, advice);

        /// <summary>A short, printable excerpt of a body for error messages; from <paramref name="from"/> with what precedes it marked '…'.</summary>
        internal static string Excerpt(byte[] body, int length, int from = 0)
        {
            from = Math.Max(0, Math.Min(from, length));
            int start = from > 20 ? from - 20 : 0; // a little context before the point of interest
            string text = Encoding.UTF8.GetString(body, start, Math.Min(length - start, 200));
            return "'" + (start > 0 ? "…" : "") + DeviceText.Printable(text) + "'";
        }
    }
}
