using System.Globalization;
using System.Text;
using CsCheck;
using Xunit;
using Gasleser.Readings;

namespace Gasleser.Tests;

/// <summary>
/// Property-based tests (CsCheck) of everything that reads outside input: the response parser, the
/// HTTP answer reader and the address parser. Every case must end in a valid result or the
/// documented error type, never another exception. CI runs <see cref="Iterations"/> cases per
/// property; a longer run: GASLESER_FUZZ_ITERATIONS=1000000 dotnet test --filter FuzzTests
/// </summary>
public sealed class FuzzTests
{
    private static readonly long Iterations =
        long.TryParse(Environment.GetEnvironmentVariable("GASLESER_FUZZ_ITERATIONS"), out long n) ? n : 3000;

    private static readonly Gen<string> OddStrings = Gen.OneOf(
        Gen.String,
        Gen.String[Gen.Char["0123456789 %-+.eE"], 0, 12],
        Gen.OneOf("", " ", "84 %", "-51", "1758798550", "17587985 50", "١٧٥٨٧٩٨٥٥٠", "\u0000", "\ud800", "💥", "NaN", "Infinity", "0x10", "1e3"));

    private static readonly Gen<string> Numbers = Gen.OneOf(
        Gen.Double.Where(d => double.IsFinite(d)).Select(d => d.ToString("R", CultureInfo.InvariantCulture)),
        Gen.Long.Select(l => l.ToString(CultureInfo.InvariantCulture)),
        Gen.OneOf("0", "-0", "1e308", "1e309", "-1e400", "4.9e-324", "1E+2", "123456789012345678901234567890", "0.0000000000000000001", "12345.8"));

    private static Gen<string> JsonValue(int depth) => depth <= 0
        ? Gen.OneOf(Numbers, OddStrings.Select(Quote), Gen.OneOf("true", "false", "null"))
        : Gen.Frequency(
            (6, JsonValue(0)),
            (1, JsonValue(depth - 1).Array[0, 4].Select(items => "[" + string.Join(",", items) + "]")),
            (1, Gen.Select(OddStrings, JsonValue(depth - 1)).Array[0, 4]
                .Select(pairs => "{" + string.Join(",", pairs.Select(p => Quote(p.Item1) + ":" + p.Item2)) + "}")));

    private static readonly string[] Fields = { "device_id", "timestamp", "total_consumption", "current_flow_rate", "count", "signal_strength", "rssi" };

    private static readonly Gen<string> ValueForField = Gen.Frequency(
        (3, JsonValue(2)),
        (2, Gen.OneOf("\"GAS_2329790123\"", "\"1758798550\"", "12345.8", "0.0", "\"84 %\"", "\"-51\"", "4711")),
        (1, Gen.Int[0, 200].Select(d => new string('[', d) + new string(']', d))));

    /// <summary>An object of the device's fields (each present or not, in any order, sometimes twice) and stray ones.</summary>
    private static readonly Gen<string> DeviceLikeJson =
        Gen.Select(
                Gen.Select(Gen.Int[0, Fields.Length - 1], ValueForField).Array[0, 10],
                Gen.Select(OddStrings, JsonValue(1)).Array[0, 3])
            .Select((known, stray) => "{" + string.Join(",",
                known.Select(k => Quote(Fields[k.Item1]) + ":" + k.Item2)
                    .Concat(stray.Select(s => Quote(s.Item1) + ":" + s.Item2))) + "}");

    private static readonly byte[] ValidBody = Encoding.UTF8.GetBytes(
        """{"device_id":"GAS_2329790123","timestamp":"1758798550","total_consumption":12345.8,"current_flow_rate":0.0,"count":"4711","signal_strength":"84 %","rssi":"-51"}""");

    /// <summary>A valid body with a few bytes replaced, dropped or the end cut off.</summary>
    private static readonly Gen<byte[]> MutatedBody =
        Gen.Select(Gen.Int[0, ValidBody.Length - 1].Array[1, 4], Gen.Byte.Array[1, 4], Gen.Int[0, 2])
            .Select((positions, bytes, kind) =>
            {
                byte[] body = (byte[])ValidBody.Clone();
                if (kind == 2)
                {
                    return body[..positions[0]];
                }

                for (int i = 0; i < positions.Length; i++)
                {
                    body[positions[i]] = bytes[i % bytes.Length];
                }

                return kind == 1 ? body.Where((_, i) => !positions.Contains(i)).ToArray() : body;
            });

    [Fact]
    public void Any_json_the_device_might_send_parses_or_is_InvalidResponse()
    {
        Gen.OneOf(DeviceLikeJson.Select(Encoding.UTF8.GetBytes), MutatedBody, Gen.Byte.Array[0, 64])
            .Sample(ParsesOrIsInvalidResponse, iter: Iterations);
    }

    private static readonly DateTimeOffset HostNow = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Property: a reading is plausible and printable, or the error is InvalidResponse with a printable message; nothing else.</summary>
    private static void ParsesOrIsInvalidResponse(byte[] body)
    {
        try
        {
            GasleserReading reading = DeviceJsonParser.Parse(body, body.Length, "192.168.2.132", HostNow);
            Assert.False(string.IsNullOrWhiteSpace(reading.DeviceId));
            Assert.True(DeviceText.IsPrintable(reading.DeviceId) && reading.DeviceId.Length <= DeviceJsonParser.MaxDeviceIdLength);
            Assert.Null(ReadingPlausibility.CheckTotal(reading.TotalConsumption));
            Assert.Null(ReadingPlausibility.CheckTime(reading.Timestamp, HostNow));
            Assert.True(reading.CurrentFlowRate is null || double.IsFinite(reading.CurrentFlowRate.Value));
        }
        catch (GasleserInvalidResponseException ex)
        {
            Assert.Equal("Gasleser.InvalidResponse", ex.ErrorId);
            AssertPrintable(ex.Message);
        }
    }

    private static void AssertPrintable(string text) =>
        Assert.True(DeviceText.IsPrintable(text), "control or format characters out: " + DeviceText.Printable(text, 400));

    /// <summary>Strings with every kind of character a hostile device can send: C0, DEL, C1, bidi overrides, isolates, lone surrogates.</summary>
    private static readonly Gen<string> HostileText = Gen.String[Gen.Frequency(
        (4, Gen.Char['a', 'z']),
        (2, Gen.Char['\u0000', '\u001f']),
        (1, Gen.Char['\u007f', '\u009f']),
        (1, Gen.OneOf(Gen.Const('\u202e'), Gen.Const('\u202a'), Gen.Const('\u2066'), Gen.Const('\u2069'), Gen.Const('\u200f'), Gen.Const('\u061c'), Gen.Const('\ufeff'), Gen.Const('\u2028'), Gen.Const('\ud800'), Gen.Const('\udc00'))),
        (1, Gen.Char)), 0, 100];

    [Fact]
    public void No_device_supplied_text_reaches_a_message_or_a_reading_with_control_characters()
    {
        // Device id, timestamp and total as hostile strings; header values (Location, Content-Encoding,
        // Content-Length, a chunk size, the reason phrase) likewise.
        Gen.Select(HostileText, HostileText, Gen.Int[0, 7]).Sample((text, other, where) =>
        {
            string answer = where switch
            {
                0 => Body("{\"device_id\":" + Quote(text) + ",\"timestamp\":\"1758798550\",\"total_consumption\":1}"),
                1 => Body("{\"device_id\":\"GAS_1\",\"timestamp\":" + Quote(text) + ",\"total_consumption\":1}"),
                2 => Body("{\"device_id\":\"GAS_1\",\"timestamp\":\"1758798550\",\"total_consumption\":" + Quote(text) + "}"),
                3 => "HTTP/1.1 302 Found\r\nLocation: " + text + "\r\nContent-Length: 0\r\n\r\n",
                4 => "HTTP/1.1 200 OK\r\nContent-Encoding: " + text + "\r\nContent-Length: 0\r\n\r\n",
                5 => "HTTP/1.1 200 OK\r\nContent-Length: " + text + "\r\n\r\n",
                6 => "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + text + "\r\n",
                _ => "HTTP/1.1 503 " + text + other + "\r\nContent-Length: 0\r\n\r\n",
            };
            byte[] bytes = Encoding.UTF8.GetBytes(answer);
            var reader = new HttpResponseReader("192.168.2.132");
            try
            {
                if (reader.Append(bytes, bytes.Length) || reader.Append(Array.Empty<byte>(), 0))
                {
                    GasleserReading reading = reader.ToReading();
                    AssertPrintable(reading.DeviceId);
                }
            }
            catch (GasleserException ex)
            {
                AssertPrintable(ex.Message);
                AssertPrintable(ex.RecommendedAction);
            }
        }, iter: Iterations);

        static string Body(string json) => $"HTTP/1.1 200 OK\r\nContent-Length: {Encoding.UTF8.GetByteCount(json)}\r\n\r\n{json}";
    }

    [Fact]
    public void Printable_escapes_every_unsafe_character_and_keeps_the_rest()
    {
        HostileText.Sample(text =>
        {
            string shown = DeviceText.Printable(text, int.MaxValue);
            AssertPrintable(shown);
            Assert.Equal(shown, DeviceText.Printable(shown, int.MaxValue)); // escaping twice changes nothing
            Assert.Equal(DeviceText.IsPrintable(text) && !HasLoneSurrogate(text), shown == text);
        }, iter: Iterations);

        static bool HasLoneSurrogate(string s) => s.Where((c, i) =>
            char.IsHighSurrogate(c) ? !(i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            : char.IsLowSurrogate(c) && !(i > 0 && char.IsHighSurrogate(s[i - 1]))).Any();
    }

    [Fact]
    public void Any_http_answer_split_anywhere_is_read_or_is_a_documented_error()
    {
        Gen<string> heads = Gen.OneOf(
            Gen.OneOf("HTTP/1.1 200 OK", "HTTP/1.1 404 Not Found", "HTTP/1.1 429 Too Many Requests", "HTTP/1.0 302 Found", "HTTP/1.1 500 Oops", "HTTP/1.1 abc", "HTTP/2 200", "garbage"),
            Gen.String[Gen.Char["HTP/1. 0123456789"], 0, 20]);
        Gen<string[]> headers = Gen.OneOf(
            "Content-Length: 150", "Content-Length: 5", "Content-Length: 0", "Content-Length: x", "Content-Length: 99999999",
            "Transfer-Encoding: chunked", "Content-Encoding: gzip", "Retry-After: 3", "Retry-After: soon", "Location: /x", "X: y", "bad header line")
            .Array[0, 4];
        Gen<byte[]> bodies = Gen.OneOf(Gen.Const(ValidBody), MutatedBody, Gen.Byte.Array[0, 40],
            Gen.Const(Encoding.ASCII.GetBytes("a\r\n0123456789\r\n0\r\n\r\n")), Gen.Const(Encoding.ASCII.GetBytes("zz\r\n")));

        Gen.Select(heads, headers, bodies, Gen.Int[1, 64], Gen.Bool)
            .Sample((head, lines, body, split, close) =>
            {
                byte[] answer = Encoding.ASCII.GetBytes(head + "\r\n" + string.Join("\r\n", lines) + (lines.Length > 0 ? "\r\n" : "") + "\r\n")
                    .Concat(body).ToArray();
                var reader = new HttpResponseReader("192.168.2.132");
                try
                {
                    bool complete = false;
                    for (int offset = 0; offset < answer.Length && !complete; offset += split)
                    {
                        byte[] part = answer[offset..Math.Min(answer.Length, offset + split)];
                        complete = reader.Append(part, part.Length);
                    }

                    if (!complete && close)
                    {
                        complete = reader.Append(Array.Empty<byte>(), 0);
                    }

                    if (complete)
                    {
                        _ = reader.ToReading();
                    }
                }
                catch (GasleserException ex)
                {
                    AssertPrintable(ex.Message);
                }
                catch (Exception ex) when (ex.GetType().Name == "DeviceBusyException")
                {
                    // A 429: the session waits it out and retries (then RateLimited).
                }
            }, iter: Iterations);
    }

    [Fact]
    public void Any_address_string_parses_to_an_endpoint_that_round_trips_or_is_InvalidAddress()
    {
        Gen<string> addressLike = Gen.OneOf(
            Gen.String,
            Gen.String[Gen.Char["0123456789abcdefABCDEFx.:[]/%-_ htp"], 0, 40],
            Gen.Select(Gen.Int[0, 300].Array[4], Gen.Int[-1, 70000]).Select((parts, port) =>
                string.Join(".", parts) + (port >= 0 ? ":" + port : "")),
            Gen.Select(Gen.Int[0, 255].Array[4], Gen.Int[0, 2].Array[4]).Select((parts, pads) =>
                string.Join(".", parts.Select((p, i) => new string('0', pads[i]) + p))),
            HostileText,
            Gen.Select(Gen.OneOf("http://", "HTTP://", "https://", "", "//"), Gen.OneOf("192.168.2.132", "[fe80::1]", "gasleser.local", "fe80::1"), Gen.OneOf("", "/", ":8080", ":8080/", "/v1/data", "/x", ":")).Select((a, b, c) => a + b + c));

        addressLike.Sample(text =>
        {
            try
            {
                DeviceEndpoint endpoint = DeviceEndpoint.Parse(text);
                Assert.InRange(endpoint.Port, 1, 65535);
                Assert.Equal(endpoint, DeviceEndpoint.Parse(endpoint.ComputerName));
                Assert.Equal(endpoint.ComputerName, DeviceEndpoint.Parse(endpoint.ComputerName).ComputerName);
            }
            catch (GasleserInvalidAddressException ex)
            {
                Assert.Contains(GasleserInvalidAddressException.AcceptedForms, ex.Message);
                AssertPrintable(ex.Message);
                AssertPrintable(ex.ComputerName);
            }
        }, iter: Iterations);
    }

    [Fact]
    public void Any_subnet_string_is_a_sane_range_or_InvalidAddress_naming_the_accepted_forms()
    {
        Gen<string> octets = Gen.Int[-1, 300].Array[1, 5].Select(parts => string.Join(".", parts));
        Gen<string> subnetLike = Gen.OneOf(
            Gen.String,
            Gen.String[Gen.Char["0123456789abcdef.:/-[] "], 0, 40],
            Gen.Select(octets, Gen.Int[-2, 140]).Select((a, bits) => a + "/" + bits),
            Gen.Select(octets, octets).Select((a, b) => a + "-" + b),
            Gen.Select(Gen.OneOf("fd00::", "fe80::1", "::1", "2001:db8::", "::ffff:10.0.0.1"), Gen.Int[-1, 130]).Select((a, bits) => a + "/" + bits));

        subnetLike.Sample(text =>
        {
            try
            {
                Gasleser.Discovery.AddressRange range = Gasleser.Discovery.AddressRange.Parse(text);
                Assert.True(range.Count >= 1, $"'{text}' gave {range.Count} addresses");
                Assert.Equal(range.Family, range.First.AddressFamily);
                Assert.True(range.Addresses().First().Equals(range.First));
                _ = Gasleser.Discovery.ScanPolicy.Refusal(new[] { range });
            }
            catch (GasleserInvalidAddressException ex)
            {
                Assert.Contains(Gasleser.Discovery.AddressRange.AcceptedForms, ex.Message);
            }
        }, iter: Iterations);
    }

    private static string Quote(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (char c in s)
        {
            sb.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                < ' ' => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        return sb.Append('"').ToString();
    }
}
