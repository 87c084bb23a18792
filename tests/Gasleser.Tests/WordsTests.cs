using System.Management.Automation;
using System.Text;
using Gasleser.Discovery;
using Gasleser.Readings;
using Gasleser.Sessions;
using Gasleser.Simulator;
using Xunit;

namespace Gasleser.Tests;

/// <summary>
/// Every answer says what really happened: numbers that can be read two ways are refused naming both
/// readings, device fields and rows follow one leniency rule set, addresses get true words and are quoted
/// only in part, a pipeline's one bad item is one error, and the waits name their real numbers.
/// </summary>
public sealed class WordsTests : IDisposable
{
    private readonly SimulatedDevices _devices = new();
    private readonly ModuleShell _shell = new();

    public void Dispose()
    {
        _shell.Dispose();
        _devices.Dispose();
    }

    private static readonly DateTimeOffset HostNow = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The one failure of a command line: a terminating error, or the one error record a statement left.</summary>
    private static string Failure(ShellResult result) => result.Terminating?.Message ?? Assert.Single(result.Errors).Exception.Message;

    private ShellResult RunIn(string culture, string script) =>
        _shell.Run($"$saved = [cultureinfo]::CurrentCulture; try {{ [cultureinfo]::CurrentCulture = [cultureinfo]::GetCultureInfo('{culture}'); {script} }} finally {{ [cultureinfo]::CurrentCulture = $saved }}");

    // ---- Bug 3: 1,234 in a shell that groups thousands with a comma ----

    [Fact]
    public void A_row_total_of_1_234_is_refused_in_en_US_naming_both_readings_and_read_as_1_234_in_de_DE()
    {
        const string Row = "[pscustomobject]@{ DeviceId = 'GAS_1'; Timestamp = '1758798550'; TotalConsumption = '1,234' }";

        ShellResult enUs = RunIn("en-US", $"{Row} | Measure-GasleserUsage -TimeZone UTC");
        ShellResult cast = RunIn("en-US", $"[Gasleser.GasleserReading]({Row})");
        ShellResult deDe = RunIn("de-DE", $"([Gasleser.GasleserReading]({Row})).TotalConsumption");

        ErrorRecord error = Assert.Single(enUs.Errors);
        Assert.StartsWith("Gasleser.InvalidReading", error.FullyQualifiedErrorId);
        Assert.Contains("'1,234'", error.Exception.Message);
        Assert.Contains("1234", error.Exception.Message);
        Assert.Contains("1.234", error.Exception.Message);
        Assert.Contains("1.234", Failure(cast));
        Assert.Contains("1234", Failure(cast));
        Assert.Equal(1.234, (double)Assert.Single(deDe.Output).BaseObject, 9);
    }

    [Fact]
    public void A_parameter_of_1_234_is_refused_in_en_US_naming_both_readings_and_taken_as_1_234_in_de_DE()
    {
        ShellResult enUs = RunIn("en-US", "Measure-GasleserUsage -InputObject $null -CalorificValue '1,234'");
        ShellResult deDe = RunIn("de-DE", "Measure-GasleserUsage -InputObject $null -CalorificValue '1,234' -Verbose");
        ShellResult unambiguous = RunIn("en-US", "Measure-GasleserUsage -InputObject $null -CalorificValue '11,2' -Verbose");

        Assert.IsAssignableFrom<ParameterBindingException>(Assert.Single(enUs.Errors).Exception);
        Assert.Contains("1234", Failure(enUs));
        Assert.Contains("1.234", Failure(enUs));
        Assert.Null(deDe.Terminating);
        Assert.DoesNotContain(deDe.Errors, e => e.Exception is ParameterBindingException);
        Assert.Contains(deDe.Verbose, v => v.Contains("× 1.234."));
        Assert.Contains(unambiguous.Verbose, v => v.Contains("× 11.2."));
    }

    [Fact]
    public void An_unquoted_11_2_is_told_it_is_two_numbers_and_what_to_type()
    {
        ShellResult result = _shell.Run("Measure-GasleserUsage -InputObject $null -CalorificValue 11,2");

        Assert.IsAssignableFrom<ParameterBindingException>(Assert.Single(result.Errors).Exception);
        Assert.Contains("two numbers, 11 and 2", Failure(result));
        Assert.Contains("'11,2'", Failure(result));
        Assert.DoesNotContain("System.Object[]", Failure(result));
    }

    // ---- Waits ----

    [Fact]
    public void A_come_back_later_past_the_total_wait_names_what_was_waited_and_the_total()
    {
        var turn = new DeviceTurn("127.0.0.1:20001", null, _devices.Clock!);
        var answer = new ComeBackLater(TimeSpan.FromSeconds(30), "429 Too Many Requests", "another client is polling it");

        var error = Assert.Throws<GasleserRateLimitedException>(() => turn.ComeBackLaterFor(answer, "127.0.0.1:20001", 1, TimeSpan.FromSeconds(40), false));
        var first = Assert.Throws<GasleserRateLimitedException>(() => turn.ComeBackLaterFor(
            new ComeBackLater(TimeSpan.FromSeconds(120), "429 Too Many Requests", "another client is polling it"), "127.0.0.1:20001", 0, TimeSpan.Zero, false));

        Assert.Contains("in 30.0 s", error.Message);
        Assert.Contains("already waited 40.0 s", error.Message);
        Assert.Contains("60 s in all", error.Message);
        Assert.DoesNotContain("longer than the 60 s", error.Message);
        Assert.Contains("in 120.0 s", first.Message);
        Assert.Contains("longer than the 60 s", first.Message);
    }

    // ---- Device fields: one leniency rule set ----

    private static GasleserReading Parse(string body) =>
        DeviceJsonParser.Parse(Encoding.UTF8.GetBytes(body), Encoding.UTF8.GetByteCount(body), "192.168.2.132", HostNow);

    private static GasleserInvalidResponseException ParseFails(string body) =>
        Assert.Throws<GasleserInvalidResponseException>(() => Parse(body));

    [Theory]
    [InlineData("\"1758798550.0\"")]
    [InlineData("1.75879855e9")]
    [InlineData("1758798550.000")]
    public void A_timestamp_of_whole_seconds_written_with_a_fraction_or_exponent_is_taken(string timestamp)
    {
        GasleserReading reading = Parse("{\"device_id\":\"GAS_1\",\"timestamp\":" + timestamp + ",\"total_consumption\":1}");

        Assert.Equal(1758798550, reading.Timestamp.ToUnixTimeSeconds());
    }

    [Fact]
    public void A_timestamp_with_a_real_fraction_is_still_refused()
    {
        Assert.Contains("not Unix time in whole seconds", ParseFails("""{"device_id":"GAS_1","timestamp":"1758798550.5","total_consumption":1}""").Message);
    }

    [Fact]
    public void A_device_id_with_spaces_around_it_is_trimmed()
    {
        Assert.Equal("GAS_1", Parse("""{"device_id":"  GAS_1 ","timestamp":"1758798550","total_consumption":1}""").DeviceId);
    }

    [Fact]
    public void A_required_field_sent_twice_is_refused_naming_both_values()
    {
        GasleserInvalidResponseException error = ParseFails("""{"device_id":"GAS_1","timestamp":"1758798550","total_consumption":1,"total_consumption":2}""");

        Assert.Equal(InvalidResponseKind.UnexpectedAnswer, error.Kind);
        Assert.Contains("total_consumption twice", error.Message);
        Assert.Contains("1 and 2", error.Message);
    }

    [Fact]
    public void An_optional_field_sent_twice_is_not_silently_the_last()
    {
        GasleserReading reading = Parse("""{"device_id":"GAS_1","timestamp":"1758798550","total_consumption":1,"rssi":"-51","rssi":"-80"}""");

        Assert.Null(reading.Rssi);
    }

    [Fact]
    public void A_total_of_minus_zero_shows_as_0_000()
    {
        GasleserReading device = Parse("""{"device_id":"GAS_1","timestamp":"1758798550","total_consumption":-0}""");
        ShellResult row = _shell.Run("$r = [Gasleser.GasleserReading][pscustomobject]@{ DeviceId = 'GAS_1'; Timestamp = '1758798550'; TotalConsumption = '-0' }; $r.TotalConsumption.ToString('0.000'); 1 / $r.TotalConsumption");

        Assert.False(double.IsNegative(device.TotalConsumption));
        Assert.Equal("0.000", device.TotalConsumption.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(double.PositiveInfinity, (double)row.Output[1].BaseObject);
    }

    [Theory]
    [InlineData("84 %", 84)]
    [InlineData("84%", 84)]
    [InlineData(" 84 ", 84)]
    public void A_row_takes_every_optional_value_the_device_parser_takes(string signal, int expected)
    {
        GasleserReading device = Parse("{\"device_id\":\"GAS_1\",\"timestamp\":\"1758798550\",\"total_consumption\":1,\"signal_strength\":\"" + signal + "\"}");
        ShellResult row = _shell.Run($"[Gasleser.GasleserReading][pscustomobject]@{{ DeviceId = 'GAS_1'; Timestamp = '1758798550.0'; TotalConsumption = '1'; SignalStrength = '{signal}' }}");

        Assert.Null(row.Terminating);
        Assert.Equal(expected, device.SignalStrength);
        var read = (GasleserReading)Assert.Single(row.Output).BaseObject;
        Assert.Equal(expected, read.SignalStrength);
        Assert.Equal(1758798550, read.Timestamp.ToUnixTimeSeconds());
    }

    [Theory]
    [InlineData("Rssi", "rssi", "-51 dBm")]
    [InlineData("PulseCount", "count", "n/a")]
    [InlineData("SignalStrength", "signal_strength", "strong")]
    [InlineData("Rssi", "rssi", "99999999999")]
    [InlineData("CurrentFlowRate", "current_flow_rate", "n/a")]
    public void An_optional_value_the_device_parser_leaves_empty_leaves_a_row_property_empty_not_the_row_refused(string property, string field, string value)
    {
        GasleserReading device = Parse("{\"device_id\":\"GAS_1\",\"timestamp\":\"1758798550\",\"total_consumption\":1,\"" + field + "\":\"" + value + "\"}");
        ShellResult cast = _shell.Run($"[Gasleser.GasleserReading][pscustomobject]@{{ DeviceId = 'GAS_1'; Timestamp = '1758798550'; TotalConsumption = '1'; {property} = '{value}' }}");
        ShellResult measured = _shell.Run($"[pscustomobject]@{{ DeviceId = 'GAS_1'; Timestamp = '1758798550'; TotalConsumption = '1'; {property} = '{value}' }} | Measure-GasleserUsage -TimeZone UTC");

        Assert.Null(typeof(GasleserReading).GetProperty(property)!.GetValue(device));
        Assert.Null(cast.Terminating);
        var read = (GasleserReading)Assert.Single(cast.Output).BaseObject;
        Assert.Null(typeof(GasleserReading).GetProperty(property)!.GetValue(read));
        Assert.Equal(1.0, read.TotalConsumption);
        Assert.Empty(measured.Errors);
    }

    [Fact]
    public void A_required_value_of_a_row_stays_strict()
    {
        ShellResult cast = _shell.Run("[Gasleser.GasleserReading][pscustomobject]@{ DeviceId = 'GAS_1'; Timestamp = '1758798550'; TotalConsumption = 'n/a'; Rssi = '-51 dBm' }");

        Assert.Contains("TotalConsumption", Failure(cast));
        Assert.Contains("'n/a' is not a number", Failure(cast));
    }

    [Fact]
    public void A_flow_of_minus_zero_shows_as_0_000_from_a_device_and_from_a_row()
    {
        GasleserReading device = Parse("""{"device_id":"GAS_1","timestamp":"1758798550","total_consumption":1,"current_flow_rate":-0.0}""");
        ShellResult row = _shell.Run("$r = [Gasleser.GasleserReading][pscustomobject]@{ DeviceId = 'GAS_1'; Timestamp = '1758798550'; TotalConsumption = '1'; "
            + "CurrentFlowRate = '-0'; ConsumptionDelta = '-0.0'; AverageFlowRate = -0.0 }; 1 / $r.CurrentFlowRate; 1 / $r.ConsumptionDelta; 1 / $r.AverageFlowRate");

        Assert.Equal("0.000", device.CurrentFlowRate!.Value.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(new object[] { double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity }, row.Output.Select(o => o.BaseObject));
    }

    [Fact]
    public void A_device_time_of_2019_is_not_called_an_unset_clock()
    {
        string message = ParseFails("""{"device_id":"GAS_1","timestamp":"1546300800","total_consumption":1}""").Message;

        Assert.Contains("2019-01-01 00:00:00 UTC", message);
        Assert.Contains("before 2020-01-01, earlier than any Gasleser reading", message);
        Assert.DoesNotContain("not set its clock", message);
        Assert.Contains("not set its clock yet", ParseFails("""{"device_id":"GAS_1","timestamp":"946684799","total_consumption":1}""").Message);
    }

    // ---- Addresses ----

    private static string AddressRefusal(string input) =>
        Assert.Throws<GasleserInvalidAddressException>(() => DeviceEndpoint.Parse(input)).Message;

    [Fact]
    public void A_10000_character_name_is_quoted_in_part_only()
    {
        string name = new string('a', 10_000);

        string message = AddressRefusal(name);
        string subnet = Assert.Throws<GasleserInvalidAddressException>(() => AddressRange.Parse(name)).Message;
        ShellResult get = _shell.Run($"Get-GasleserReading '{name}'");

        Assert.True(message.Length < 600, $"{message.Length} characters");
        Assert.Contains("10000 characters", message);
        Assert.True(subnet.Length < 600, $"{subnet.Length} characters");
        Assert.True(Assert.Single(get.Errors).Exception.Message.Length < 600);
    }

    [Theory]
    [InlineData("gasleser.local:80:80", "more than one port")]
    [InlineData("127.0.0.1:20001:20001", "more than one port")]
    [InlineData("127.0.0.1/24", "a subnet")]
    [InlineData("http://127.0.0.1/v1/data?x=1", "query")]
    [InlineData("http://127.0.0.1/status", "'/status'")]
    [InlineData("küche.local", "punycode")]
    [InlineData("GAS_2329790123", "device id")]
    public void Each_address_mistake_gets_true_words(string input, string words)
    {
        string message = AddressRefusal(input);

        Assert.Contains(words, message);
        Assert.DoesNotContain("brackets", message);
        Assert.DoesNotContain("neither an IP address nor a host name", message);
    }

    [Theory]
    [InlineData("127.0.0.1:20001/v1/data", "127.0.0.1:20001")]
    [InlineData("127.0.0.1:20001/", "127.0.0.1:20001")]
    [InlineData("gasleser_kitchen", "gasleser_kitchen")]
    [InlineData("Gasleser_Kitchen.fritz.box:8080", "gasleser_kitchen.fritz.box:8080")]
    public void A_host_with_the_device_path_or_an_underscore_in_its_name_is_an_address(string input, string computerName)
    {
        Assert.Equal(computerName, DeviceEndpoint.Parse(input).ComputerName);
    }

    [Fact]
    public void A_zero_padded_part_that_reads_the_same_both_ways_says_so()
    {
        string message = Assert.Throws<GasleserInvalidAddressException>(() => AddressRange.Parse("192.168.2.01-192.168.2.9")).Message;

        Assert.DoesNotContain("192.168.2.1 to some", message);
        Assert.Contains("192.168.2.1 either way", message);
    }

    // ---- Pipelines ----

    [Fact]
    public void A_CSV_row_with_an_empty_Port_means_the_default_port()
    {
        DeviceServer device = _devices.Start();
        string nothing = SimulatedDevices.NextLoopbackAddress().ToString();

        ShellResult result = _shell.Run(
            $"'ComputerName,Port', '{nothing},', '{device.EndPoint.Address},{device.EndPoint.Port}' | ConvertFrom-Csv | Get-GasleserReading -TimeoutSec 2");

        Assert.Single(result.Readings);
        ErrorRecord error = Assert.Single(result.Errors);
        Assert.StartsWith("Gasleser.Unreachable", error.FullyQualifiedErrorId); // asked at port 80, where nothing listens
        Assert.Equal(nothing, ((GasleserException)error.Exception).ComputerName);
    }

    [Fact]
    public void One_blank_line_in_a_list_of_addresses_is_one_error_and_the_others_are_read()
    {
        DeviceServer first = _devices.Start();
        DeviceServer second = _devices.Start();

        ShellResult asArgument = _shell.Run($"Get-GasleserReading @('{first.Address}', '', '{second.Address}')");
        ShellResult piped = _shell.Run($"'{first.Address}', ' ', '{second.Address}' | Get-GasleserReading -MaxAge 60");

        Assert.Null(asArgument.Terminating);
        Assert.Equal(2, asArgument.Readings.Count());
        Assert.Contains("empty", Assert.Single(asArgument.Errors).Exception.Message);
        Assert.Equal(2, piped.Readings.Count());
        Assert.StartsWith("Gasleser.InvalidAddress", Assert.Single(piped.Errors).FullyQualifiedErrorId);
    }

    // ---- Find ----

    [Fact]
    public void A_refused_sweep_reads_as_a_sentence()
    {
        ShellResult large = _shell.Run("Find-Gasleser -Method Sweep -Subnet 127.0.0.0/8");
        ShellResult foreign = _shell.Run("Find-Gasleser -Method Sweep -Subnet 8.8.8.0/24");

        string message = Failure(large);
        Assert.Contains("'127.0.0.0/8' holds 16777214 addresses", message);
        Assert.Contains("more than the 4096", message);
        Assert.DoesNotContain("sweep '127.0.0.0/8' is", message);
        Assert.Contains("'8.8.8.0/24' is not entirely in", Failure(foreign));
    }

    // ---- Rows ----

    [Fact]
    public void Objects_with_other_columns_are_told_once_which_columns_they_have()
    {
        ShellResult result = _shell.Run("1..5 | ForEach-Object { [pscustomobject]@{ Name = \"n$_\"; Value = $_ } } | Measure-GasleserUsage");

        ErrorRecord error = Assert.Single(result.Errors);
        Assert.StartsWith("Gasleser.InvalidReading", error.FullyQualifiedErrorId);
        Assert.Contains("Name, Value", error.Exception.Message);
        Assert.Contains("DeviceId", error.Exception.Message);
        Assert.Contains(result.Warnings, w => w.Contains("4 more"));
    }

    [Fact]
    public void A_millisecond_timestamp_in_a_row_is_named_as_such()
    {
        ShellResult result = _shell.Run("[pscustomobject]@{ DeviceId = 'GAS_1'; Timestamp = '1758798550123'; TotalConsumption = 1 } | Measure-GasleserUsage");

        string message = Assert.Single(result.Errors).Exception.Message;
        Assert.Contains("milliseconds", message);
        Assert.Contains("2025-09-25", message);
        Assert.DoesNotContain("place in the calendar", message);
    }

    [Fact]
    public void The_year_one_gets_the_same_message_in_every_time_zone()
    {
        string[] messages = new[] { "UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo" }
            .Select(zone => Assert.Single(_shell.Run(
                $"[pscustomobject]@{{ DeviceId = 'GAS_1'; Timestamp = '01/01/0001 00:00:00'; TotalConsumption = 1 }} | Measure-GasleserUsage -TimeZone {zone}").Errors).Exception.Message)
            .ToArray();

        Assert.All(messages, m => Assert.Equal(messages[0], m));
        Assert.Contains("0001-01-01", messages[0]);
    }

    [Theory]
    [InlineData("01/01/2019 00:00")]
    [InlineData("2000-01-01T00:00:00Z")]
    [InlineData("2019-12-31 23:59:59")]
    public void A_row_dated_2000_to_2019_is_told_to_check_its_year_not_that_a_clock_is_unset(string timestamp)
    {
        ShellResult measured = _shell.Run($"[pscustomobject]@{{ DeviceId = 'GAS_1'; Timestamp = '{timestamp}'; TotalConsumption = 1 }} | Measure-GasleserUsage -TimeZone UTC");
        ShellResult cast = _shell.Run($"[Gasleser.GasleserReading][pscustomobject]@{{ DeviceId = 'GAS_1'; Timestamp = '{timestamp}'; TotalConsumption = 1 }}");

        string message = Assert.Single(measured.Errors).Exception.Message;
        Assert.Contains($"'{timestamp}' is before 2020-01-01, earlier than any Gasleser reading: check the row's year", message);
        Assert.DoesNotContain("clock", message);
        Assert.Contains("check the row's year", Failure(cast));
    }

    [Fact]
    public void A_row_dated_near_1970_is_still_an_unset_clock()
    {
        ShellResult measured = _shell.Run("[pscustomobject]@{ DeviceId = 'GAS_1'; Timestamp = '01/01/1970 00:08'; TotalConsumption = 1 } | Measure-GasleserUsage -TimeZone Pacific/Auckland");

        Assert.Contains("has not set its clock yet (its time counts from 1970-01-01)", Assert.Single(measured.Errors).Exception.Message);
    }

    [Theory]
    [InlineData("[pscustomobject]@{ ComputerName = 'x'; Timestamp = '2026-11-01T00:00:00Z'; TotalConsumption = 100 }")]
    [InlineData("[pscustomobject]@{ ComputerName = 'x'; DeviceId = ''; Timestamp = '2026-11-01T00:00:00Z'; TotalConsumption = 100 }")]
    [InlineData("[pscustomobject]@{ ComputerName = 'x'; DeviceId = '   '; Timestamp = '2026-11-01T00:00:00Z'; TotalConsumption = 100 }")]
    public void A_cast_of_a_row_without_a_DeviceId_is_refused_in_the_words_Import_uses(string row)
    {
        ShellResult cast = _shell.Run($"[Gasleser.GasleserReading]{row}");

        Assert.Empty(cast.Output);
        Assert.Contains("The row has no DeviceId.", Failure(cast));
    }

    [Fact]
    public void A_reading_without_a_DeviceId_is_neither_logged_nor_measured()
    {
        string log = Path.Combine(Path.GetTempPath(), $"gasleser-nodev-{Guid.NewGuid():N}.csv");
        try
        {
            const string Reading = "$r = [Gasleser.GasleserReading]::new(); $r.Timestamp = [DateTimeOffset]'2026-11-01T00:00:00Z'; $r.TotalConsumption = 100; ";
            ShellResult measured = _shell.Run(Reading + "$r | Measure-GasleserUsage -TimeZone UTC");
            ShellResult exported = _shell.Run(Reading + "$r | Export-GasleserLog $log", new Dictionary<string, object?> { ["log"] = log });

            ErrorRecord error = Assert.Single(measured.Errors);
            Assert.StartsWith("Gasleser.InvalidReading", error.FullyQualifiedErrorId);
            Assert.Contains("has no DeviceId", error.Exception.Message);
            Assert.Empty(measured.Output);
            Assert.Contains("has no DeviceId", Failure(exported));
            Assert.False(File.Exists(log) && File.ReadAllLines(log).Length > 1, "a row without a DeviceId was written");
        }
        finally
        {
            File.Delete(log);
        }
    }
}
