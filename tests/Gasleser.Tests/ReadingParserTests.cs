using System.Text;
using Xunit;
using Gasleser.Readings;

namespace Gasleser.Tests;

/// <summary>What the module makes of a /v1/data body: lenient where devices vary, strict where it matters.</summary>
public sealed class ReadingParserTests
{
    private static GasleserReading Parse(string json)
    {
        byte[] body = Encoding.UTF8.GetBytes(json);
        return DeviceJsonParser.Parse(body, body.Length, "192.168.2.132");
    }

    [Fact]
    public void The_vendors_example_parses()
    {
        GasleserReading r = Parse("""{"device_id": "GAS_2329790123", "timestamp": "1758798550", "total_consumption": 12345.8, "current_flow_rate": 0.0}""");

        Assert.Equal("GAS_2329790123", r.DeviceId);
        Assert.Equal(new DateTimeOffset(2025, 9, 25, 11, 9, 10, TimeSpan.Zero), r.Timestamp);
        Assert.Equal(12345.8, r.TotalConsumption);
        Assert.Equal(0.0, r.CurrentFlowRate);
        Assert.Equal("192.168.2.132", r.ComputerName);
        Assert.Null(r.PulseCount);
    }

    [Fact]
    public void Fields_real_devices_add_are_read_and_unknown_ones_ignored()
    {
        GasleserReading r = Parse("""{"device_id":"GAS_PULSE_1","timestamp":"1758798550","total_consumption":1,"current_flow_rate":0.25,"count":"4711","signal_strength":"84 %","rssi":"-51","firmware":"1.0.23","extra":{"a":[1,2]}}""");

        Assert.Equal(4711, r.PulseCount);
        Assert.Equal(84, r.SignalStrength);
        Assert.Equal(-51, r.Rssi);
    }

    [Fact]
    public void Optional_fields_that_are_odd_become_empty_not_errors()
    {
        GasleserReading r = Parse("""{"device_id":"GAS_1","timestamp":1758798550,"total_consumption":1,"current_flow_rate":"fast","signal_strength":"strong","rssi":null}""");

        Assert.Null(r.CurrentFlowRate);
        Assert.Null(r.SignalStrength);
        Assert.Null(r.Rssi);
        Assert.Equal(1758798550, r.Timestamp.ToUnixTimeSeconds());
    }

    [Theory]
    [InlineData("""{"timestamp":"1758798550","total_consumption":1}""", "no device_id")]
    [InlineData("""{"device_id":42,"timestamp":"1758798550","total_consumption":1}""", "not a string")]
    [InlineData("""{"device_id":"","timestamp":"1758798550","total_consumption":1}""", "device_id is empty")]
    [InlineData("""{"device_id":"GAS_1","total_consumption":1}""", "no timestamp")]
    [InlineData("""{"device_id":"GAS_1","timestamp":"2025-09-25T11:09:10Z","total_consumption":1}""", "not Unix time")]
    [InlineData("""{"device_id":"GAS_1","timestamp":"1758798550.5","total_consumption":1}""", "not Unix time")]
    [InlineData("""{"device_id":"GAS_1","timestamp":"-5","total_consumption":1}""", "timestamp '-5' is negative, not Unix time in seconds.")]
    [InlineData("""{"device_id":"GAS_1","timestamp":"99999999999999","total_consumption":1}""", "not Unix time")]
    [InlineData("""{"device_id":"GAS_1","timestamp":"1758798550"}""", "no total_consumption")]
    [InlineData("""{"device_id":"GAS_1","timestamp":"1758798550","total_consumption":"12345.8"}""", "total_consumption is a string ('12345.8'), not a number")]
    [InlineData("""{"device_id":"GAS_1","timestamp":"1758798550","total_consumption":-1}""", "total_consumption '-1' is negative")]
    [InlineData("""{"device_id":"GAS_1","timestamp":"1758798550","total_consumption":1e999}""", "total_consumption '1e999' is not a finite number")]
    [InlineData("""[1,2,3]""", "JSON but not an object")]
    [InlineData("""<html></html>""", "HTML or XML page, not JSON")]
    [InlineData("", "empty, not JSON")]
    public void What_a_reading_needs_must_be_right_or_it_is_InvalidResponse_with_an_excerpt(string json, string messagePart)
    {
        var error = Assert.Throws<GasleserInvalidResponseException>(() => Parse(json));

        Assert.Equal("Gasleser.InvalidResponse", error.ErrorId);
        Assert.Contains(messagePart, error.Message);
    }

    [Fact]
    public void A_string_that_is_not_UTF8_is_InvalidResponse()
    {
        byte[] body = Encoding.UTF8.GetBytes("""{"device_id":"GAS_1","timestamp":"1758798550","total_consumption":1}""");
        body[15] = 0xBB; // inside "GAS_1"

        var error = Assert.Throws<GasleserInvalidResponseException>(() => DeviceJsonParser.Parse(body, body.Length, "192.168.2.132"));
        Assert.Contains("not UTF-8", error.Message);
    }

    [Fact]
    public void Deeply_nested_answers_are_refused_not_recursed_into()
    {
        string deep = "{\"device_id\":\"GAS_1\",\"x\":" + new string('[', 100) + new string(']', 100) + "}";

        Assert.Throws<GasleserInvalidResponseException>(() => Parse(deep));
    }
}
