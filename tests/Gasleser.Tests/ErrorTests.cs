using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Gasleser.Simulator;
using Xunit;
using Gasleser.Readings;

namespace Gasleser.Tests;

/// <summary>
/// Every device answer and every user mistake gets an exact, safe answer: device text never reaches the
/// terminal raw, impossible times are refused, each odd answer gets the advice for its cause, HTTP is read
/// as small devices speak it, lengths of time and numbers are read as people type them, and what the
/// pipeline gave is said when it is not an address.
/// </summary>
public sealed class ErrorTests : IDisposable
{
    private readonly SimulatedDevices _devices = new();
    private readonly ModuleShell _shell = new();

    public void Dispose()
    {
        _shell.Dispose();
        _devices.Dispose();
    }

    private static readonly DateTimeOffset HostNow = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);

    private static GasleserInvalidResponseException ParseFails(string body) =>
        Assert.Throws<GasleserInvalidResponseException>(() => DeviceJsonParser.Parse(Encoding.UTF8.GetBytes(body), Encoding.UTF8.GetByteCount(body), "192.168.2.132", HostNow));

    private static void AssertPrintable(string text) =>
        Assert.True(DeviceText.IsPrintable(text), $"control or format characters in: {DeviceText.Printable(text, 500)}");

    // ---- Device text is data ----

    [Fact]
    public void A_device_id_with_terminal_escapes_is_InvalidResponse_and_the_message_shows_them_escaped()
    {
        DeviceServer device = _devices.Start(DeviceFault.HostileId);

        ShellResult result = _shell.Run($"Get-GasleserReading {device.Address}");

        Assert.Empty(result.Readings);
        ErrorRecord error = Assert.Single(result.Errors);
        Assert.StartsWith("Gasleser.InvalidResponse", error.FullyQualifiedErrorId);
        AssertPrintable(error.Exception.Message);
        AssertPrintable(error.ErrorDetails.Message);
        Assert.Contains(@"GAS_\u001B[31mRED", error.Exception.Message);
        Assert.Contains(@"\u202E", error.Exception.Message);
        Assert.Equal(InvalidResponseKind.UnexpectedAnswer, ((GasleserInvalidResponseException)error.Exception).Kind);
    }

    [Theory]
    [InlineData("GAS_1\r\nGAS_2")]
    [InlineData("GAS_\u0000")]
    [InlineData("GAS_\u202E1")]
    [InlineData("GAS_\u0085")]
    public void A_device_id_with_control_or_format_characters_is_refused(string id)
    {
        string json = "{\"device_id\":" + System.Text.Json.JsonSerializer.Serialize(id) + ",\"timestamp\":\"1758798550\",\"total_consumption\":1}";

        GasleserInvalidResponseException error = ParseFails(json);

        Assert.Contains("control or invisible formatting characters", error.Message);
        AssertPrintable(error.Message);
    }

    [Fact]
    public void A_device_id_longer_than_64_characters_is_refused()
    {
        GasleserInvalidResponseException error = ParseFails("{\"device_id\":\"GAS_" + new string('1', 61) + "\",\"timestamp\":\"1758798550\",\"total_consumption\":1}");

        Assert.Contains("65 characters long, more than the 64", error.Message);
    }

    [Fact]
    public async Task Header_values_in_messages_show_control_characters_escaped()
    {
        await using var redirect = RawAnswer("HTTP/1.1 302 Found\r\nLocation: /\u001b]0;PWNED\u0007x\r\nContent-Length: 0\r\n\r\n");
        await using var encoded = RawAnswer("HTTP/1.1 200 OK\r\nContent-Encoding: x\u001b[2Jy\r\nContent-Length: 2\r\n\r\n{}");

        ShellResult result = _shell.Run($"Get-GasleserReading {redirect.Address}, {encoded.Address}");

        Assert.Equal(2, result.Errors.Count);
        Assert.All(result.Errors, e => AssertPrintable(e.Exception.Message));
        Assert.Contains(result.Errors, e => e.Exception.Message.Contains(@"/\u001B]0;PWNED\u0007x"));
        Assert.Contains(result.Errors, e => e.Exception.Message.Contains(@"x\u001B[2Jy"));
    }

    // ---- Plausible times and totals only ----

    [Fact]
    public void A_device_whose_clock_is_not_set_yet_gives_no_reading_but_says_what_its_clock_reads()
    {
        DeviceServer device = _devices.Start(DeviceFault.ClockNotSet);

        ShellResult result = _shell.Run($"Get-GasleserReading {device.Address}");

        Assert.Empty(result.Readings);
        var error = Assert.IsType<GasleserInvalidResponseException>(Assert.Single(result.Errors).Exception);
        Assert.Contains("the device's clock reads '523'", error.Message);
        Assert.Contains("1970-01-01 00:08:43 UTC", error.Message);
        Assert.Contains("has not set its clock yet", error.Message);
        Assert.Contains("sets its clock from the network", error.RecommendedAction);
    }

    [Theory]
    [InlineData(DeviceFault.ClockNotSet, "sets its clock from the network", "firmware")]          // the clock: wait for it, not a firmware update
    [InlineData(DeviceFault.MalformedJson, "update its firmware", "Wi-Fi")]   // JSON broken inside the length it announced: the device's fault, not the network's
    [InlineData(DeviceFault.ByteOrderMark, "update its firmware", "clock")]  // a field the API does not allow: the firmware
    public void Each_field_a_Gasleser_should_not_send_gets_the_advice_for_its_cause(DeviceFault fault, string advice, string notAdvice)
    {
        DeviceServer device = _devices.Start(fault);

        var error = Assert.IsType<GasleserInvalidResponseException>(Assert.Single(_shell.Run($"Get-GasleserReading {device.Address}").Errors).Exception);

        Assert.Equal(InvalidResponseKind.UnexpectedAnswer, error.Kind);
        Assert.Contains(advice, error.RecommendedAction);
        Assert.DoesNotContain(notAdvice, error.RecommendedAction);
    }

    [Theory]
    [InlineData("4102444800", "2100-01-01 00:00:00 UTC, more than 24 h ahead")]
    [InlineData("253402300799", "9999-12-31 23:59:59 UTC, more than 24 h ahead")]
    [InlineData("0", "before 2020-01-01")]
    public void A_device_time_before_2020_or_more_than_a_day_ahead_of_the_host_is_refused(string timestamp, string messagePart)
    {
        GasleserInvalidResponseException error = ParseFails("{\"device_id\":\"GAS_1\",\"timestamp\":\"" + timestamp + "\",\"total_consumption\":1}");

        Assert.Contains(messagePart, error.Message);
    }

    [Fact]
    public void The_host_clock_is_the_sessions_clock()
    {
        // The virtual clock reads 2026-01-15; a device time of 2026-06-01 is months ahead of it.
        DeviceServer device = _devices.Start();
        device.Device.ClockOffset = TimeSpan.FromDays(137);

        ShellResult result = _shell.Run($"Get-GasleserReading {device.Address}");

        Assert.Contains("ahead of this computer's clock", Assert.Single(result.Errors).Exception.Message);
    }

    [Theory]
    [InlineData("1e308", "beyond what a gas meter shows")]
    [InlineData("100000000", "beyond what a gas meter shows")]
    [InlineData("-0.5", "is negative")]
    public void An_absurd_total_is_refused_where_it_enters(string total, string messagePart)
    {
        GasleserInvalidResponseException error = ParseFails("{\"device_id\":\"GAS_1\",\"timestamp\":\"1758798550\",\"total_consumption\":" + total + "}");

        Assert.Contains(messagePart, error.Message);
    }

    // ---- Advice per cause ----

    [Theory]
    [InlineData("{\"device_id\":\"GAS_1\",\"timestamp\":\"1758798550123\",\"total_consumption\":1}", "not Unix time in seconds (read as milliseconds it would be 2025-09-25")]
    [InlineData("{\"device_id\":\"GAS_1\",\"timestamp\":\"1758798550\",\"total_consumption\":\"12345.8\"}", "total_consumption is a string ('12345.8'), not a number")]
    [InlineData("\uFEFF{\"device_id\":\"GAS_1\",\"timestamp\":\"1758798550\",\"total_consumption\":1}", "byte order mark (BOM")]
    [InlineData("{\"device_id\":\"GAS_1\",\"timestamp\":\"1758798550\",\"total_consumption\":1}GARBAGE", "broken at byte 69 of 75")]
    public void A_Gasleser_that_answers_something_unexpected_is_told_apart_from_another_device(string body, string messagePart)
    {
        GasleserInvalidResponseException error = ParseFails(body);

        Assert.Equal(InvalidResponseKind.UnexpectedAnswer, error.Kind);
        Assert.Contains("answered like a Gasleser, but", error.Message);
        Assert.Contains(messagePart, error.Message);
        Assert.DoesNotContain("not like a Gasleser", error.RecommendedAction);
    }

    [Fact]
    public void Trailing_garbage_is_shown_where_it_starts()
    {
        GasleserInvalidResponseException error = ParseFails("{\"device_id\":\"GAS_1\",\"timestamp\":\"1758798550\",\"total_consumption\":1}GARBAGE");

        Assert.Contains("GARBAGE'", error.Message);
        Assert.Contains("'…", error.Message);
    }

    [Theory]
    [InlineData(DeviceFault.Html, "HTML or XML page")]
    [InlineData(DeviceFault.Redirect, "redirect (302 to '/login')")]
    public void Something_that_is_not_a_Gasleser_is_told_to_check_the_address(DeviceFault fault, string messagePart)
    {
        DeviceServer device = _devices.Start(fault);

        var error = Assert.IsType<GasleserInvalidResponseException>(Assert.Single(_shell.Run($"Get-GasleserReading {device.Address}").Errors).Exception);

        Assert.Equal(InvalidResponseKind.NotAGasleser, error.Kind);
        Assert.Contains(messagePart, error.Message);
        Assert.Contains("check that the address", error.RecommendedAction);
    }

    [Fact]
    public void A_device_that_accepts_and_never_answers_is_a_Timeout_of_the_answer_not_of_the_network()
    {
        DeviceServer device = _devices.Start(DeviceFault.Hang);

        var error = Assert.IsType<GasleserTimeoutException>(Assert.Single(_shell.Run($"Get-GasleserReading {device.Address} -TimeoutSec 1").Errors).Exception);

        Assert.Equal(ExchangePhase.Answer, error.Phase);
        Assert.Contains("accepted the connection but did not answer within 1 s", error.Message);
        Assert.DoesNotContain("ping", error.RecommendedAction);
    }

    [Fact]
    public void A_refused_connection_at_the_default_port_names_that_port()
    {
        // A CSV row with an empty Port, or an address without one, is asked on port 80: the message says so.
        var error = Assert.IsType<GasleserUnreachableException>(Assert.Single(_shell.Run("Get-GasleserReading 127.0.0.213").Errors).Exception);

        Assert.Contains("connection refused", error.Message);
        Assert.Contains("on port 80", error.Message);
    }

    [Fact]
    public async Task A_refused_connection_is_Unreachable_at_the_connection()
    {
        await using var closed = RawAnswer("");
        string address = closed.Address;
        await closed.DisposeAsync();

        var error = Assert.IsType<GasleserUnreachableException>(Assert.Single(_shell.Run($"Get-GasleserReading {address}").Errors).Exception);

        Assert.Equal(ExchangePhase.Connect, error.Phase);
        Assert.Contains("connection refused", error.Message);
        // The host answered (it refused): the advice is about the port, not the network.
        Assert.Contains("port", error.RecommendedAction);
        Assert.DoesNotContain("ping", error.RecommendedAction);
    }

    [Fact]
    public async Task A_complete_answer_followed_by_a_reset_is_a_reading()
    {
        await using var server = RawAnswer("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n" + Json, reset: true);

        ShellResult result = _shell.Run($"Get-GasleserReading {server.Address}");

        Assert.Empty(result.Errors);
        Assert.Equal(12345.8, Assert.Single(result.Readings).TotalConsumption);
    }

    // ---- HTTP as it is spoken ----

    [Theory]
    [InlineData(DeviceFault.ServerError, 500, ErrorCategory.ResourceUnavailable, "HTTP 500 Internal Server Error")]
    [InlineData(DeviceFault.Unauthorized, 401, ErrorCategory.PermissionDenied, "HTTP 401 Unauthorized")]
    public void An_HTTP_error_is_a_DeviceError_with_its_status_and_reason(DeviceFault fault, int status, ErrorCategory category, string messagePart)
    {
        DeviceServer device = _devices.Start(fault);

        ErrorRecord record = Assert.Single(_shell.Run($"Get-GasleserReading {device.Address}").Errors);

        Assert.StartsWith("Gasleser.DeviceError", record.FullyQualifiedErrorId);
        Assert.Equal(category, record.CategoryInfo.Category);
        var error = Assert.IsType<GasleserDeviceErrorException>(record.Exception);
        Assert.Equal(status, error.StatusCode);
        Assert.Contains(messagePart, error.Message);
        Assert.Single(device.Device.Requests);
    }

    [Fact]
    public void A_503_carries_its_Retry_After()
    {
        var reader = new HttpResponseReader("192.168.2.132");
        byte[] answer = Encoding.ASCII.GetBytes("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 30\r\nContent-Length: 0\r\n\r\n");
        Assert.True(reader.Append(answer, answer.Length));

        var error = Assert.Throws<GasleserDeviceErrorException>(reader.ToReading);

        Assert.Equal(503, error.StatusCode);
        Assert.Equal("Service Unavailable", error.Reason);
        Assert.Equal(TimeSpan.FromSeconds(30), error.RetryAfter);
        Assert.Equal(ErrorCategory.ResourceUnavailable, error.Category);
    }

    [Theory]
    [InlineData(DeviceFault.Continue)]
    [InlineData(DeviceFault.BareLineFeeds)]
    public void Interim_answers_and_bare_line_feeds_are_read(DeviceFault fault)
    {
        DeviceServer device = _devices.Start(fault);

        ShellResult result = _shell.Run($"Get-GasleserReading {device.Address}");

        Assert.Empty(result.Errors);
        Assert.Equal(device.Device.DeviceId, Assert.Single(result.Readings).DeviceId);
    }

    [Fact]
    public async Task Bare_line_feeds_on_a_connection_kept_open_are_a_reading_at_once_not_a_Timeout()
    {
        await using var server = RawAnswer($"HTTP/1.1 200 OK\nContent-Type: application/json\nContent-Length: {Json.Length}\n\n{Json}", hold: true);
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();

        ShellResult result = _shell.Run($"Get-GasleserReading {server.Address} -TimeoutSec 3");

        Assert.Empty(result.Errors);
        Assert.Single(result.Readings);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task Conflicting_Content_Length_headers_are_refused()
    {
        await using var server = RawAnswer($"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: {Json.Length}\r\n\r\n{Json}", hold: true);

        ErrorRecord error = Assert.Single(_shell.Run($"Get-GasleserReading {server.Address}").Errors);

        Assert.Contains($"conflicting Content-Length headers (5 and {Json.Length})", error.Exception.Message);
    }

    [Fact]
    public void Find_reports_a_device_that_answers_with_an_HTTP_error_with_its_status()
    {
        DeviceServer device = _devices.Start(DeviceFault.ServerError);

        ShellResult result = _shell.Run($"Find-Gasleser -Method Sweep -Subnet {device.EndPoint.Address} -Port {device.EndPoint.Port}");

        var found = Assert.Single(result.Output.Select(o => o.BaseObject).OfType<GasleserDevice>());
        Assert.Equal(GasleserDeviceStatus.DeviceError, found.Status);
        Assert.Equal(500, found.StatusCode);
    }

    // ---- Friendly lengths of time ----

    [Theory]
    [InlineData("60", 60)]
    [InlineData("'90s'", 90)]
    [InlineData("'15m'", 900)]
    [InlineData("'1h'", 3600)]
    [InlineData("'12'", 12)]
    [InlineData("'0:01:00'", 60)]
    [InlineData("'00:00:30'", 30)]
    [InlineData("([TimeSpan]::FromSeconds(45))", 45)]
    public void Interval_takes_seconds_units_or_TimeSpan_form(string typed, double seconds)
    {
        ShellResult result = _shell.Run($"(Get-Command Watch-GasleserReading).Parameters['Interval'].Attributes | Where-Object {{ $_ -is [System.Management.Automation.ArgumentTransformationAttribute] }} | ForEach-Object {{ $_.Transform($ExecutionContext, {typed}) }}");

        Assert.Null(result.Terminating);
        Assert.Equal(TimeSpan.FromSeconds(seconds), Assert.Single(result.Output).BaseObject);
    }

    [Fact]
    public void Duration_in_seconds_runs_that_many_seconds_of_polls()
    {
        DeviceServer device = _devices.Start();

        ShellResult result = _shell.Run($"Watch-GasleserReading {device.Address} -Interval 12 -Duration 60");

        Assert.Empty(result.Errors);
        Assert.Equal(5, result.Readings.Count()); // at 0, 12, 24, 36 and 48 s
    }

    [Fact]
    public void MaxAge_in_seconds_accepts_a_reading_that_many_seconds_old()
    {
        DeviceServer device = _devices.Start();
        _shell.Run($"Get-GasleserReading {device.Address}");
        _devices.Clock!.Advance(TimeSpan.FromSeconds(30));

        GasleserReading reading = Assert.Single(_shell.Run($"Get-GasleserReading {device.Address} -MaxAge 60").Readings);

        Assert.True(reading.FromCache);
    }

    [Theory]
    [InlineData("-Interval 5", "'5' (5 s) is shorter than 10 s", "at least 10 (seconds)")]
    [InlineData("-Interval 50.00:00:00", "'50.00:00:00' (50 days) is longer than the 24 h", null)]
    [InlineData("-Interval ([TimeSpan]::MaxValue)", "is longer than the 24 h", null)]
    [InlineData("-Interval 12x", "'12x' is not a length of time", "90s, 15m, 1h, 1d")]
    [InlineData("-Duration 0", "'0' (0 s) is not longer than 0 s", null)]
    [InlineData("-Duration -5", "'-5' is not a length of time", null)]
    public void A_bad_length_of_time_is_a_parameter_error_quoting_the_value_as_typed(string parameter, string messagePart, string? advice)
    {
        DeviceServer device = _devices.Start();

        ShellResult result = _shell.Run($"Watch-GasleserReading {device.Address} {parameter} -Count 1");

        ErrorRecord record = Assert.Single(result.Errors);
        Assert.IsAssignableFrom<ParameterBindingException>(record.Exception);
        Assert.Contains(messagePart, record.Exception.Message);
        if (advice != null)
        {
            Assert.Contains(advice, record.Exception.Message);
        }

        Assert.Empty(device.Device.Requests);
    }

    // ---- Numbers as gas bills print them ----

    [Fact]
    public void A_decimal_comma_is_a_decimal_mark_and_an_ambiguous_number_is_refused()
    {
        var readings = new[]
        {
            new GasleserReading { DeviceId = "GAS_A", Timestamp = HostNow, TotalConsumption = 100 },
            new GasleserReading { DeviceId = "GAS_A", Timestamp = HostNow.AddHours(1), TotalConsumption = 101 },
        };
        var variables = new Dictionary<string, object?> { ["r"] = readings };

        ShellResult comma = _shell.Run("$r | Measure-GasleserUsage -Per Day -TimeZone UTC -CalorificValue '11,2'", variables);
        ShellResult ambiguous = _shell.Run("$r | Measure-GasleserUsage -Per Day -TimeZone UTC -CalorificValue '1.234,5'", variables);

        Assert.Empty(comma.Errors);
        Assert.Equal(11.2, (double)Assert.Single(comma.Output).Properties["Energy"].Value!, 6);
        Assert.Contains("'1.234,5' can be read more than one way", Assert.Single(ambiguous.Errors).Exception.Message);
        Assert.Empty(ambiguous.Output);
    }

    // ---- What the pipeline gave ----

    [Fact]
    public void A_piped_object_without_an_address_property_is_told_which_properties_are_read_and_which_it_has()
    {
        ShellResult result = _shell.Run("[pscustomobject]@{ IP = '127.0.7.3:20001'; Name = 'kitchen' } | Get-GasleserReading");

        var error = Assert.IsType<GasleserInvalidAddressException>(Assert.Single(result.Errors).Exception);
        Assert.Contains("no ComputerName, IPAddress, HostName or CN property", error.Message);
        Assert.Contains("its properties are: IP, Name", error.Message);
    }

    [Fact]
    public void A_Port_that_is_not_a_number_is_an_error_naming_it_not_port_80()
    {
        DeviceServer device = _devices.Start();

        ShellResult result = _shell.Run($"[pscustomobject]@{{ ComputerName = '{device.EndPoint.Address}'; Port = 'abc' }} | Get-GasleserReading");

        Assert.Empty(result.Readings);
        Assert.Contains("Port 'abc' is not a port number", Assert.Single(result.Errors).Exception.Message);
        Assert.Empty(device.Device.Requests);
    }

    [Fact]
    public void A_hashtable_is_never_looked_up_as_a_name()
    {
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();

        ShellResult result = _shell.Run("@{ Address = '127.0.7.3' } | Get-GasleserReading; @{ a = 1 } | Watch-GasleserReading -Count 1");

        Assert.Equal(2, result.Errors.Count);
        Assert.All(result.Errors, e => Assert.StartsWith("Gasleser.InvalidAddress", e.FullyQualifiedErrorId));
        Assert.Contains("A hashtable was piped (keys: Address)", result.Errors[0].Exception.Message);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), $"took {stopwatch.Elapsed}: a name lookup?");
    }

    [Fact]
    public void Found_devices_and_plain_objects_with_an_address_still_bind_by_property_name()
    {
        DeviceServer device = _devices.Start();

        ShellResult result = _shell.Run($"[pscustomobject]@{{ CN = '{device.EndPoint.Address}'; Port = '{device.EndPoint.Port}'; Name = 'kitchen' }} | Get-GasleserReading");

        Assert.Empty(result.Errors);
        Assert.Single(result.Readings);
    }

    // ---- Zero-padded addresses and wildcards, everywhere ----

    [Theory]
    [InlineData("Get-GasleserReading 127.0.0.010:9")]
    [InlineData("Watch-GasleserReading 127.000.000.012:9 -Count 1")]
    [InlineData("Get-GasleserSession 192.168.002.010")]
    public void A_zero_padded_address_is_refused_by_every_command(string command)
    {
        ErrorRecord error = Assert.Single(_shell.Run(command).Errors);

        Assert.StartsWith("Gasleser.InvalidAddress", error.FullyQualifiedErrorId);
        Assert.Contains("zero-padded", error.Exception.Message);
    }

    [Fact]
    public void A_broken_wildcard_pattern_is_InvalidAddress_not_a_raw_WildcardPatternException()
    {
        ErrorRecord error = Assert.Single(_shell.Run("Get-GasleserSession '[abc'").Errors);

        Assert.IsType<GasleserInvalidAddressException>(error.Exception);
        Assert.Contains("nor a valid wildcard pattern", error.Exception.Message);
    }

    [Fact]
    public void Every_error_the_module_writes_is_a_GasleserException_or_a_parameter_binding_error()
    {
        DeviceServer device = _devices.Start(DeviceFault.ServerError);
        ShellResult result = _shell.Run(
            $"Get-GasleserReading {device.Address}; Get-GasleserReading 127.0.0.010; Get-GasleserSession '[x'; Get-GasleserSession 127.1.2.3; " +
            "Measure-GasleserUsage -InputObject $null -TimeZone Mars/Olympus; " +
            "Measure-GasleserUsage -InputObject $null -PricePerKWh 1; " +
            "Find-Gasleser -Method Sweep -Subnet 10.0.0.1/33");

        Assert.Equal(7, result.Errors.Count);
        Assert.All(result.Errors, e => Assert.IsAssignableFrom<GasleserException>(e.Exception));
    }

    private const string Json = """{"device_id":"GAS_1","timestamp":"1758798550","total_consumption":12345.8,"current_flow_rate":0.0}""";

    /// <summary>A loopback server that answers every connection with fixed text, then closes, resets or holds the connection.</summary>
    private static RawDeviceServer RawAnswer(string answer, bool reset = false, bool hold = false) =>
        new RawDeviceServer(async (client, stream, token) =>
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(answer), token);
            if (hold)
            {
                await Task.Delay(Timeout.Infinite, token);
            }

            await Task.Delay(50, token);
            client.LingerState = new LingerOption(true, 0);
            if (!reset)
            {
                client.Shutdown(SocketShutdown.Both);
            }
        });
}
