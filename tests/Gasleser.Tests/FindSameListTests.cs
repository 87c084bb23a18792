using System.Net;
using Gasleser.Simulator;
using Xunit;

namespace Gasleser.Tests;

/// <summary>
/// The same network gives the same Find-Gasleser list, whether the probe asked the device or the session
/// answered (the device was asked less than 10.5 s ago), for every status a found device can have; and a
/// Gasleser that sends one field the module cannot accept is reported with what is wrong, not left out.
/// </summary>
public sealed class FindSameListTests : IDisposable
{
    private readonly SimulatedDevices _devices = new();
    private readonly LoopbackSubnet _subnet;
    private readonly ModuleShell _shell = new();

    public FindSameListTests()
    {
        _subnet = new LoopbackSubnet(_devices);
    }

    public void Dispose()
    {
        _shell.Dispose();
        _subnet.Dispose();
        _devices.Dispose();
    }

    private string Sweep() => $"Find-Gasleser -Subnet {_subnet.Cidr} -Port {_subnet.Port} -Method Sweep -TimeoutMilliseconds 1000";

    private static string Row(GasleserDevice d) => $"{d.ComputerName} {d.Status} {d.StatusCode} {d.DeviceId} {d.Problem}";

    private List<GasleserDevice> Find(string command)
    {
        ShellResult result = _shell.Run(command);
        Assert.Null(result.Terminating);
        Assert.Empty(result.Errors);
        return result.Output.Select(o => o.BaseObject).OfType<GasleserDevice>().OrderBy(d => d.ComputerName).ToList();
    }

    [Fact]
    public void A_second_Find_at_once_gives_the_same_list_for_every_status_and_asks_no_device_again()
    {
        var servers = new[]
        {
            _subnet.Start(10),
            _subnet.Start(11, DeviceFault.Busy),
            _subnet.Start(12, DeviceFault.Unavailable),
            _subnet.Start(13, DeviceFault.ServerError),
            _subnet.Start(14, DeviceFault.ClockNotSet),
            _subnet.Start(15, DeviceFault.ByteOrderMark),
            _subnet.Start(16, DeviceFault.Html),
        };

        List<GasleserDevice> first = Find(Sweep());
        _devices.Clock!.Advance(TimeSpan.FromSeconds(2));
        List<GasleserDevice> second = Find(Sweep());

        Assert.Equal(
            new[] { GasleserDeviceStatus.Online, GasleserDeviceStatus.RateLimited, GasleserDeviceStatus.DeviceError, GasleserDeviceStatus.DeviceError, GasleserDeviceStatus.InvalidResponse, GasleserDeviceStatus.InvalidResponse },
            first.Select(d => d.Status));
        Assert.Equal(first.Select(Row), second.Select(Row));
        Assert.Equal(new int?[] { null, null, 503, 500, null, null }, second.Select(d => d.StatusCode));
        Assert.All(second, d => Assert.Null(d.ResponseTime)); // all from the session: nothing was asked again
        Assert.All(servers, s => Assert.Single(s.Device.Requests));
    }

    [Fact]
    public void A_device_read_by_another_name_is_found_from_the_session_as_a_probe_would_find_it()
    {
        DeviceServer error = _subnet.Start(20, DeviceFault.ServerError);
        DeviceServer online = _subnet.Start(21);
        // Each read by another name than the address Find probes (its IPv4-mapped IPv6 form): the same device, the same turn.
        string Mapped(DeviceServer s) => $"'[::ffff:{s.EndPoint.Address}]:{s.EndPoint.Port}'";
        ShellResult read = _shell.Run($"Get-GasleserReading {Mapped(error)}, {Mapped(online)}");
        Assert.Equal(new[] { "Gasleser.DeviceError" }, read.ErrorIds);
        Assert.Single(read.Readings);

        List<GasleserDevice> fromSession = Find(Sweep());
        _devices.Clock!.Advance(TimeSpan.FromSeconds(11));
        List<GasleserDevice> probed = Find(Sweep());

        Assert.Equal(new[] { GasleserDeviceStatus.DeviceError, GasleserDeviceStatus.Online }, fromSession.Select(d => d.Status));
        Assert.Equal(500, fromSession[0].StatusCode);
        Assert.Equal(probed.Select(d => $"{d.ComputerName} {d.Status} {d.StatusCode} {d.DeviceId}"), fromSession.Select(d => $"{d.ComputerName} {d.Status} {d.StatusCode} {d.DeviceId}"));
        Assert.Equal(2, error.Device.Requests.Count);
        Assert.Equal(2, online.Device.Requests.Count);
    }

    [Theory]
    [InlineData(DeviceFault.ClockNotSet, "clock reads '523'")]
    [InlineData(DeviceFault.ByteOrderMark, "byte order mark")]
    public void A_Gasleser_that_sends_one_bad_field_is_reported_InvalidResponse_with_what_is_wrong(DeviceFault fault, string problem)
    {
        DeviceServer device = _subnet.Start(30, fault);

        ShellResult result = _shell.Run(Sweep() + " -Verbose");

        Assert.Empty(result.Errors);
        GasleserDevice found = Assert.Single(result.Output.Select(o => o.BaseObject).OfType<GasleserDevice>());
        Assert.Equal(GasleserDeviceStatus.InvalidResponse, found.Status);
        Assert.Equal(device.Address.Split(':')[0], found.ComputerName);
        Assert.Contains(problem, found.Problem);
        Assert.Null(found.Reading);
        Assert.Contains(result.Verbose, v => v.Contains("1 InvalidResponse"));
        Assert.DoesNotContain(result.Verbose, v => v.Contains("not a Gasleser"));
    }

    [Fact]
    public void A_device_that_answered_with_an_HTTP_error_says_its_status_in_Problem_too()
    {
        _subnet.Start(40, DeviceFault.ServerError);

        GasleserDevice found = Assert.Single(Find(Sweep()));

        Assert.Equal(GasleserDeviceStatus.DeviceError, found.Status);
        Assert.Contains("500 Internal Server Error", found.Problem);
    }

    [Fact]
    public void A_subnet_given_by_an_address_inside_its_block_says_the_block_it_sweeps_wherever_it_is_echoed()
    {
        string given = _subnet.Prefix + "8/28";
        string swept = _subnet.Prefix + "0/28";
        _subnet.Start(9);

        ShellResult run = _shell.Run($"Find-Gasleser -Subnet {given} -Port {_subnet.Port} -TimeoutMilliseconds 500 -Verbose");
        string plan = new Gasleser.Discovery.DeviceDiscovery(
            new Gasleser.Discovery.DiscoveryOptions { Ranges = new[] { Gasleser.Discovery.AddressRange.Parse(given) }, Port = _subnet.Port }, null!).Plan();

        Assert.Contains(run.Verbose, v => v.Contains($"-Subnet {given} lies in the block {swept}") && v.Contains($"{_subnet.Prefix}1 to {_subnet.Prefix}14"));
        Assert.Contains(run.Verbose, v => v.StartsWith($"Find-Gasleser swept 14 address(es) on port {_subnet.Port} ({swept})"));
        Assert.Equal($"Find-Gasleser would sweep 14 address(es) ({swept}) with GET /v1/data on port {_subnet.Port}.", plan); // what -WhatIf says
        Assert.Single(run.Output.Select(o => o.BaseObject).OfType<GasleserDevice>());
    }

    [Theory]
    [InlineData(DeviceFault.ClockNotSet)]
    [InlineData(DeviceFault.ByteOrderMark)]
    public void An_InvalidResponse_device_whose_id_was_readable_is_reported_with_it_both_times(DeviceFault fault)
    {
        _subnet.Start(50, fault, deviceId: "GAS_4224559450");

        GasleserDevice first = Assert.Single(Find(Sweep()));
        _devices.Clock!.Advance(TimeSpan.FromSeconds(2));
        GasleserDevice second = Assert.Single(Find(Sweep()));

        Assert.Equal(GasleserDeviceStatus.InvalidResponse, first.Status);
        Assert.Equal("GAS_4224559450", first.DeviceId);
        Assert.Equal("GAS_4224559450", second.DeviceId);
    }

    [Theory]
    [InlineData(DeviceFault.HostileId)]
    [InlineData(DeviceFault.MalformedJson)]
    public void An_InvalidResponse_device_whose_id_is_hostile_or_unreadable_has_no_DeviceId(DeviceFault fault)
    {
        _subnet.Start(51, fault);

        GasleserDevice found = Assert.Single(Find(Sweep()));

        Assert.Equal(GasleserDeviceStatus.InvalidResponse, found.Status);
        Assert.Equal("", found.DeviceId);
    }

    [Fact]
    public void A_503_with_Retry_After_is_reported_with_NextAllowed_from_it_both_times()
    {
        DeviceServer device = _subnet.Start(52, DeviceFault.Unavailable);
        device.Device.RetryAfterSeconds = 30;
        DateTimeOffset asked = _devices.Now;

        GasleserDevice first = Assert.Single(Find(Sweep()));
        _devices.Clock!.Advance(TimeSpan.FromSeconds(2));
        GasleserDevice second = Assert.Single(Find(Sweep()));

        Assert.Equal(GasleserDeviceStatus.DeviceError, first.Status);
        Assert.Equal(503, first.StatusCode);
        Assert.NotNull(first.NextAllowed);
        Assert.InRange((first.NextAllowed!.Value - asked).TotalSeconds, 29.0, 32.0);
        Assert.Equal(first.NextAllowed, second.NextAllowed);
        Assert.Single(device.Device.Requests);
    }

    [Fact]
    public void A_second_Find_at_once_ends_with_the_same_summary_counting_the_hosts_that_are_not_a_Gasleser()
    {
        _subnet.Start(60);
        _subnet.Start(61, DeviceFault.Html);
        _subnet.Start(62, DeviceFault.OldFirmware);

        ShellResult first = _shell.Run(Sweep() + " -Verbose");
        _devices.Clock!.Advance(TimeSpan.FromSeconds(2));
        ShellResult second = _shell.Run(Sweep() + " -Verbose");

        Assert.Contains("2 other host(s) answered HTTP but are not a Gasleser", first.Verbose[^1]);
        Assert.Equal(first.Verbose[^1], second.Verbose[^1]);
        Assert.Contains(second.Verbose, v => v.Contains(_subnet.Prefix + "62:") && v.Contains("404"));
    }
}
