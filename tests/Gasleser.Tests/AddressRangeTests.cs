using System.Net;
using Gasleser.Discovery;
using Xunit;

namespace Gasleser.Tests;

/// <summary>What Find-Gasleser sweeps: the forms of -Subnet, the refusal rules, and the default subnets.</summary>
public sealed class AddressRangeTests
{
    [Theory]
    [InlineData("192.168.2.0/24", "192.168.2.1", "192.168.2.254", 254)]
    [InlineData("192.168.2.77/24", "192.168.2.1", "192.168.2.254", 254)]
    [InlineData("10.1.0.0/22", "10.1.0.1", "10.1.3.254", 1022)]
    [InlineData("192.168.2.132", "192.168.2.132", "192.168.2.132", 1)]
    [InlineData("192.168.2.132/32", "192.168.2.132", "192.168.2.132", 1)]
    [InlineData("192.168.2.10/31", "192.168.2.10", "192.168.2.11", 2)]
    [InlineData("192.168.2.10-192.168.2.60", "192.168.2.10", "192.168.2.60", 51)]
    [InlineData(" 192.168.2.9 - 192.168.3.1 ", "192.168.2.9", "192.168.3.1", 249)]
    [InlineData("fd00::/120", "fd00::", "fd00::ff", 256)]
    public void Each_accepted_form_covers_the_right_addresses_skipping_network_and_broadcast(string text, string first, string last, int count)
    {
        AddressRange range = AddressRange.Parse(text);

        Assert.Equal(IPAddress.Parse(first), range.First);
        Assert.Equal(IPAddress.Parse(last), range.Last);
        Assert.Equal(count, (int)range.Count);
        List<IPAddress> addresses = range.Addresses().ToList();
        Assert.Equal(count, addresses.Count);
        Assert.Equal(range.First, addresses[0]);
        Assert.Equal(range.Last, addresses[^1]);
        Assert.Equal(addresses.Count, addresses.Distinct().Count());
    }

    [Theory]
    [InlineData("10.0.0.0/33", "prefix length")]
    [InlineData("10.0.0.0/-1", "prefix length")]
    [InlineData("10.0.0.0/", "prefix length")]
    [InlineData("10.0.0.9-10.0.0.1", "ends (10.0.0.1) before it starts (10.0.0.9)")]
    [InlineData("banana", "not an IPv4 address")]
    [InlineData("10.0.0", "not an IPv4 address")]
    [InlineData("10.0.0.256", "not an IPv4 address")]
    [InlineData("0x0a.0.0.1", "not an IPv4 address")]
    [InlineData("10.0.0.1-fd00::1", "same address family")]
    [InlineData("", "empty")]
    [InlineData("10.0.0.010-10.0.0.020", "10.0.0.8 to some (a leading zero meaning octal) and 10.0.0.10 to others")]
    [InlineData("192.168.002.0/24", "it means 192.168.2.0 either way")]
    [InlineData("192.168.2.0/255.255.255.0", "the mask 255.255.255.0 is /24: write 192.168.2.0/24")]
    public void A_bad_subnet_says_what_is_wrong_and_shows_the_accepted_forms(string text, string reason)
    {
        var error = Assert.Throws<GasleserInvalidAddressException>(() => AddressRange.Parse(text));

        Assert.Contains(reason, error.Message);
        Assert.Contains("192.168.2.0/24", error.Message);
        Assert.Contains("192.168.2.10-192.168.2.60", error.Message);
    }

    [Theory]
    [InlineData("127.0.0.0/24")]
    [InlineData("10.20.30.0/24")]
    [InlineData("172.16.0.0/20")]
    [InlineData("172.31.255.0/24")]
    [InlineData("192.168.0.0/20")]
    [InlineData("169.254.1.0/24")]
    [InlineData("100.64.0.0/24")]
    [InlineData("100.127.255.0/24")]
    [InlineData("fd12:3456::/116")]
    [InlineData("192.168.1.1-192.168.16.254")]
    public void Local_network_space_of_4096_addresses_or_fewer_is_swept_without_Force(string text)
    {
        Assert.Null(ScanPolicy.Refusal(new[] { AddressRange.Parse(text) }));
    }

    [Theory]
    [InlineData("8.8.8.0/24", "not entirely in")]
    [InlineData("172.32.0.0/24", "not entirely in")]
    [InlineData("100.128.0.0/24", "not entirely in")]
    [InlineData("192.168.255.0-192.169.0.10", "not entirely in")]
    [InlineData("2001:db8::1", "not entirely in")]
    [InlineData("10.0.0.0/19", "8190 addresses")]
    [InlineData("10.0.0.0/8", "16777214 addresses")]
    [InlineData("fd00::/64", "more than the 4096")]
    public void Foreign_or_too_large_ranges_are_refused_without_Force(string text, string reason)
    {
        string? refusal = ScanPolicy.Refusal(new[] { AddressRange.Parse(text) });

        Assert.NotNull(refusal);
        Assert.Contains(reason, refusal);
        Assert.Contains("-Force", refusal);
    }

    [Fact]
    public void The_size_limit_counts_all_ranges_together()
    {
        AddressRange[] twoSlash21 = { AddressRange.Parse("10.0.0.0/21"), AddressRange.Parse("10.1.0.0/21") }; // 2 × 2046

        Assert.Null(ScanPolicy.Refusal(twoSlash21));
        string? refusal = ScanPolicy.Refusal(twoSlash21.Append(AddressRange.Parse("10.2.0.0/29")).ToArray()); // + 6
        Assert.Contains("4098 addresses", refusal ?? "not refused");
    }

    private static InterfaceInfo Nic(string name, bool up, bool loopback, params string[] cidrs) =>
        new(name, up, loopback, cidrs.Select(c => (IPAddress.Parse(c.Split('/')[0]), int.Parse(c.Split('/')[1]))).ToList());

    [Fact]
    public void The_default_subnets_are_those_of_up_non_loopback_IPv4_interfaces()
    {
        var interfaces = new[]
        {
            Nic("lo", up: true, loopback: true, "127.0.0.1/8"),
            Nic("eth0", up: true, loopback: false, "192.168.2.77/24", "fe80::1/64"),
            Nic("wlan0", up: false, loopback: false, "10.0.0.5/24"),
            Nic("docker0", up: true, loopback: false, "172.17.0.1/16"),
            Nic("ppp0", up: true, loopback: false, "100.70.1.2/32"),
            Nic("eth1", up: true, loopback: false, "169.254.10.20/16"),
            Nic("eth2", up: true, loopback: false, "192.168.2.78/24"),
        };
        var said = new List<string>();

        IReadOnlyList<string> subnets = LocalSubnets.FromInterfaces(interfaces, said.Add);

        Assert.Equal(new[] { "192.168.2.0/24", "172.17.0.0/24" }, subnets);
        Assert.Contains(said, s => s.Contains("172.17.0.1/16") && s.Contains("/24"));
        Assert.Contains(said, s => s.Contains("169.254.10.20") && s.Contains("link-local"));
        Assert.All(subnets, s => Assert.Null(ScanPolicy.Refusal(new[] { AddressRange.Parse(s) })));
    }

    [Fact]
    public void A_machine_with_no_usable_interface_has_no_default_subnet()
    {
        Assert.Empty(LocalSubnets.FromInterfaces(new[] { Nic("lo", true, true, "127.0.0.1/8"), Nic("eth0", false, false, "10.0.0.2/24") }));
    }
}
