using Xunit;

namespace Gasleser.Tests;

/// <summary>The address forms users type, and what each one means.</summary>
public sealed class DeviceEndpointTests
{
    [Theory]
    [InlineData("192.168.2.132", "192.168.2.132", 80, "192.168.2.132")]
    [InlineData(" 192.168.2.132 ", "192.168.2.132", 80, "192.168.2.132")]
    [InlineData("192.168.2.132:8080", "192.168.2.132", 8080, "192.168.2.132:8080")]
    [InlineData("192.168.2.132:80", "192.168.2.132", 80, "192.168.2.132")]
    [InlineData("gasleser.local", "gasleser.local", 80, "gasleser.local")]
    [InlineData("Gas-4224559459.LOCAL", "gas-4224559459.local", 80, "gas-4224559459.local")]
    [InlineData("gasleser.local:8081", "gasleser.local", 8081, "gasleser.local:8081")]
    [InlineData("http://192.168.2.132/", "192.168.2.132", 80, "192.168.2.132")]
    [InlineData("HTTP://192.168.2.132:81", "192.168.2.132", 81, "192.168.2.132:81")]
    [InlineData("http://192.168.2.132/v1/data", "192.168.2.132", 80, "192.168.2.132")]
    [InlineData("[fe80::1]:80", "fe80::1", 80, "[fe80::1]")]
    [InlineData("[FE80::0001]:8080", "fe80::1", 8080, "[fe80::1]:8080")]
    [InlineData("fe80::1", "fe80::1", 80, "[fe80::1]")]
    [InlineData("::1", "::1", 80, "[::1]")]
    [InlineData("::ffff:127.0.0.1", "::ffff:127.0.0.1", 80, "[::ffff:127.0.0.1]")]
    [InlineData("http://[fe80::1]/", "fe80::1", 80, "[fe80::1]")]
    public void Accepted_forms_normalise_to_one_endpoint(string input, string host, int port, string computerName)
    {
        DeviceEndpoint endpoint = DeviceEndpoint.Parse(input);

        Assert.Equal(host, endpoint.Host);
        Assert.Equal(port, endpoint.Port);
        Assert.Equal(computerName, endpoint.ComputerName);
    }

    [Fact]
    public void The_port_parameter_applies_only_when_the_address_names_none()
    {
        Assert.Equal(8080, DeviceEndpoint.Parse("192.168.2.132", 8080).Port);
        Assert.Equal(81, DeviceEndpoint.Parse("192.168.2.132:81", 8080).Port);
    }

    [Fact]
    public void Spellings_of_one_device_share_one_endpoint()
    {
        Assert.Equal(DeviceEndpoint.Parse("http://192.168.2.132/"), DeviceEndpoint.Parse("192.168.2.132:80"));
        Assert.Equal(DeviceEndpoint.Parse("GASLESER.local"), DeviceEndpoint.Parse("gasleser.local."));
        Assert.NotEqual(DeviceEndpoint.Parse("192.168.2.132"), DeviceEndpoint.Parse("192.168.2.132:8080"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("banana!")]
    [InlineData("192.168.2")]
    [InlineData("10.1")]
    [InlineData("0x0a.0.0.1")]
    [InlineData("192.168.2.256")]
    [InlineData("192.168.2.132:")]
    [InlineData("192.168.2.132:http")]
    [InlineData("192.168.2.132:65536")]
    [InlineData("ftp://192.168.2.132")]
    [InlineData("https://192.168.2.132")]
    [InlineData("http://192.168.2.132/index.html")]
    [InlineData("[fe80::1")]
    [InlineData("[192.168.2.132]:80")]
    [InlineData("fe80::1:80:zz")]
    [InlineData("-gasleser.local")]
    [InlineData("gas leser")]
    public void Anything_else_is_InvalidAddress_with_the_accepted_forms(string input)
    {
        var error = Assert.Throws<GasleserInvalidAddressException>(() => DeviceEndpoint.Parse(input));

        Assert.Equal("Gasleser.InvalidAddress", error.ErrorId);
        Assert.Contains(GasleserInvalidAddressException.AcceptedForms, error.Message);
        Assert.Equal(input, error.ComputerName);
    }

    [Theory]
    [InlineData("127.0.0.010", "127.0.0.8", "127.0.0.10")]
    [InlineData("127.000.000.012:20001", "127.0.0.10", "127.0.0.12")]
    [InlineData("192.168.002.010", "192.168.2.8", "192.168.2.10")]
    [InlineData("010.000.000.001", "8.0.0.1", "10.0.0.1")]
    public void A_zero_padded_IPv4_address_is_refused_naming_both_readings(string input, string octal, string plain)
    {
        var error = Assert.Throws<GasleserInvalidAddressException>(() => DeviceEndpoint.Parse(input));

        Assert.Contains($"{octal} to some", error.Message);
        Assert.Contains($"{plain} to others", error.Message);
        Assert.Contains($"e.g. {plain}", error.Message);
    }

    [Theory]
    [InlineData("127.0.0.1,127.0.0.2", "several addresses in one text")]
    [InlineData("127.0.0.1;127.0.0.2", "several addresses in one text")]
    public void Several_addresses_in_one_text_are_told_to_be_given_as_a_list(string input, string words)
    {
        var error = Assert.Throws<GasleserInvalidAddressException>(() => DeviceEndpoint.Parse(input));

        Assert.Contains(words, error.Message);
    }

    [Theory]
    [InlineData("192.168.2.256", "its part '256' is more than 255")]
    [InlineData("192.168.2", "it has 3 parts, not 4")]
    [InlineData("192.168.2.1.", "it has 5 parts, not 4")]
    public void An_IPv4_address_that_is_none_says_which_part_is_wrong(string input, string words)
    {
        var error = Assert.Throws<GasleserInvalidAddressException>(() => DeviceEndpoint.Parse(input));

        Assert.Contains(words, error.Message);
    }

    [Fact]
    public void A_host_name_too_long_names_one_length()
    {
        string name = string.Concat(Enumerable.Repeat("abcdefghi.", 1000)); // 10000 characters, the last a dot

        var error = Assert.Throws<GasleserInvalidAddressException>(() => DeviceEndpoint.Parse(name));

        Assert.Contains("10000 characters", error.Message);
        Assert.DoesNotContain("9999", error.Message);
    }

    [Fact]
    public void A_zero_padded_part_that_is_no_octal_number_says_some_tools_refuse_it()
    {
        var error = Assert.Throws<GasleserInvalidAddressException>(() => DeviceEndpoint.Parse("192.168.2.09"));

        Assert.Contains("some tools refuse", error.Message);
        Assert.Contains("192.168.2.9", error.Message);
    }

    [Fact]
    public void A_URL_with_a_login_is_told_that_the_device_needs_none()
    {
        var error = Assert.Throws<GasleserInvalidAddressException>(() => DeviceEndpoint.Parse("http://user:pw@gasleser.local/"));

        Assert.Contains("needs no login", error.Message);
        Assert.Contains("'gasleser.local'", error.Message);
        Assert.DoesNotContain("IPv6", error.Message);
    }

    [Theory]
    [InlineData("# the meter")]
    [InlineData("#192.168.2.132")]
    public void A_comment_line_is_told_it_is_a_comment_not_a_query_string_and_gets_no_empty_example(string input)
    {
        var error = Assert.Throws<GasleserInvalidAddressException>(() => DeviceEndpoint.Parse(input));

        Assert.Contains("comment", error.Message);
        Assert.DoesNotContain("query string", error.Message);
        Assert.DoesNotContain("''", error.Message);
    }

    [Fact]
    public void A_comment_after_an_address_is_told_it_is_a_comment_and_the_address_is_shown()
    {
        var error = Assert.Throws<GasleserInvalidAddressException>(() => DeviceEndpoint.Parse("192.168.2.132 # the meter"));

        Assert.Contains("'# the meter' is a comment", error.Message);
        Assert.Contains("'192.168.2.132'", error.Message);
        Assert.DoesNotContain("query string", error.Message);
    }

    [Theory]
    [InlineData("http://192.168.2.132/v1/data#top", "192.168.2.132")]
    [InlineData("http://192.168.2.132:8080/#top", "192.168.2.132:8080")]
    [InlineData("192.168.2.132#x", "192.168.2.132")]
    public void A_fragment_is_dropped_as_a_browser_drops_it_for_it_is_never_sent(string input, string computerName)
    {
        Assert.Equal(computerName, DeviceEndpoint.Parse(input).ComputerName);
    }

    [Fact]
    public void A_query_string_before_a_fragment_is_named_a_query_string_without_the_fragment()
    {
        var error = Assert.Throws<GasleserInvalidAddressException>(() => DeviceEndpoint.Parse("http://192.168.2.132/v1/data?x=1#top"));

        Assert.Contains("'?x=1' is a query string", error.Message);
        Assert.Contains("'192.168.2.132'", error.Message);
    }

    [Theory]
    [InlineData("http://")]
    [InlineData("http:///v1/data")]
    [InlineData("http://:8080")]
    public void A_URL_without_a_host_is_told_it_has_no_host(string input)
    {
        var error = Assert.Throws<GasleserInvalidAddressException>(() => DeviceEndpoint.Parse(input));

        Assert.Contains("no host", error.Message);
        Assert.DoesNotContain("IPv4", error.Message);
    }

    [Fact]
    public void A_port_without_a_host_is_told_it_names_no_host()
    {
        var error = Assert.Throws<GasleserInvalidAddressException>(() => DeviceEndpoint.Parse(":8080"));

        Assert.Contains("no host", error.Message);
        Assert.DoesNotContain("IPv4", error.Message);
    }
}
