using System.Diagnostics;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using Gasleser.Discovery;
using Gasleser.Simulator;
using Xunit;
using Gasleser.Hosting;

namespace Gasleser.Tests;

/// <summary>
/// A /24 of loopback addresses of a test's own (127.88.n.0/24, or another second octet), with simulated
/// devices on some of them, all on one port. Every other address has nothing listening, so it answers at once with a reset.
/// </summary>
internal sealed class LoopbackSubnet : IDisposable
{
    private static int _next = Random.Shared.Next(0, 200);
    private readonly SimulatedDevices _clock;
    private readonly List<DeviceServer> _servers = new();

    public LoopbackSubnet(SimulatedDevices clock, int secondOctet = 88)
    {
        _clock = clock;
        int n = Interlocked.Increment(ref _next) % 240;
        Prefix = $"127.{secondOctet}.{n}.";
        // A free port: the first device takes one, the others bind the same port on their own addresses.
        using var probe = new TcpListener(IPAddress.Parse(Prefix + "254"), 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public string Prefix { get; }

    public string Cidr => Prefix + "0/24";

    public int Port { get; }

    public DeviceServer Start(int host, DeviceFault fault = DeviceFault.None, string? deviceId = null)
    {
        var device = new SimulatedDevice(deviceId ?? "GAS_42245590" + host.ToString("00"), 12345.8, () => _clock.Now) { Fault = fault };
        var server = new DeviceServer(device, IPAddress.Parse(Prefix + host), Port);
        _servers.Add(server);
        return server;
    }

    public IEnumerable<DeviceServer> Servers => _servers;

    public void Dispose() => _servers.ForEach(s => s.Dispose());
}

/// <summary>Find-Gasleser through the PowerShell engine, on loopback only.</summary>
public sealed class FindGasleserTests : IDisposable
{
    private readonly SimulatedDevices _devices = new();
    private readonly LoopbackSubnet _subnet;
    private readonly ModuleShell _shell = new();
    private readonly MdnsResponder _responder;

    public FindGasleserTests()
    {
        _subnet = new LoopbackSubnet(_devices);
        // Every browse in these tests goes to a responder on loopback, never to the multicast group.
        _responder = MdnsResponder.ForEveryBrowse(IPAddress.Parse(_subnet.Prefix + "253"));
    }

    public void Dispose()
    {
        _responder.Dispose();
        _shell.Dispose();
        _subnet.Dispose();
        _devices.Dispose();
    }

    private static IEnumerable<GasleserDevice> Devices(ShellResult result) => result.Output.Select(o => o.BaseObject).OfType<GasleserDevice>();

    private string Sweep(string extra = "") => $"Find-Gasleser -Subnet {_subnet.Cidr} -Port {_subnet.Port} -Method Sweep {extra}";

    [Fact]
    public void A_sweep_reports_exactly_the_gasleser_devices_with_their_status_and_says_what_else_answered()
    {
        DeviceServer normal = _subnet.Start(10, deviceId: "GAS_4224559459");
        DeviceServer old = _subnet.Start(11, DeviceFault.OldFirmware);
        DeviceServer busy = _subnet.Start(12, DeviceFault.Busy);
        DeviceServer hang = _subnet.Start(13, DeviceFault.Hang);
        DeviceServer html = _subnet.Start(14, DeviceFault.Html);

        ShellResult result = _shell.Run(Sweep("-TimeoutMilliseconds 1000 -Verbose"));

        Assert.Null(result.Terminating);
        Assert.Empty(result.Errors);
        List<GasleserDevice> found = Devices(result).OrderBy(d => d.ComputerName).ToList();
        Assert.Equal(new[] { _subnet.Prefix + "10", _subnet.Prefix + "12" }, found.Select(d => d.ComputerName));

        GasleserDevice online = found[0];
        Assert.Equal(GasleserDeviceStatus.Online, online.Status);
        Assert.Equal("GAS_4224559459", online.DeviceId);
        Assert.Equal(_subnet.Port, online.Port);
        Assert.Equal(GasleserDiscoveryMethod.Sweep, online.DiscoveredBy);
        Assert.NotNull(online.Reading);
        Assert.Equal(12345.8, online.Reading!.TotalConsumption, 3);
        Assert.NotNull(online.ResponseTime);

        GasleserDevice rateLimited = found[1];
        Assert.Equal(GasleserDeviceStatus.RateLimited, rateLimited.Status);
        Assert.Equal("", rateLimited.DeviceId);
        Assert.Null(rateLimited.Reading);

        Assert.Contains(result.Verbose, v => v.Contains(_subnet.Prefix + "11:") && v.Contains("404"));
        Assert.Contains(result.Verbose, v => v.Contains(_subnet.Prefix + "14:") && v.Contains("<!DOCTYPE html>"));
        foreach (DeviceServer server in new[] { normal, old, busy, hang, html })
        {
            Assert.Single(server.Device.Requests); // one probe each, no retry, not even to the busy one
        }
    }

    [Fact]
    public void A_sweep_leaves_sessions_and_slot_files_only_for_the_devices_it_found()
    {
        _subnet.Start(10);
        _subnet.Start(11, DeviceFault.OldFirmware);
        _subnet.Start(14, DeviceFault.Html);

        ShellResult result = _shell.Run(Sweep() + $"; '--'; Get-GasleserSession '{_subnet.Prefix}*' | ForEach-Object ComputerName");

        Assert.Empty(result.Errors);
        string[] sessions = result.Output.Select(o => o.BaseObject).OfType<string>().SkipWhile(o => o != "--").Skip(1).ToArray();
        Assert.Equal(new[] { $"{_subnet.Prefix}10:{_subnet.Port}" }, sessions);
        string[] slotFiles = Directory.GetFiles(SimulatedDevices.SlotDirectory, $"gasleser-{_subnet.Prefix}*-{_subnet.Port}.slot")
            .Select(Path.GetFileName).ToArray()!;
        Assert.Equal(new[] { $"gasleser-{_subnet.Prefix}10-{_subnet.Port}.slot" }, slotFiles);
    }

    [Fact]
    public void A_subnet_with_several_hosts_that_never_answer_takes_about_one_timeout_not_one_per_host()
    {
        for (int host = 20; host < 26; host++)
        {
            _subnet.Start(host, DeviceFault.Hang);
        }

        _shell.Run("1"); // the engine is warm
        var stopwatch = Stopwatch.StartNew();
        ShellResult result = _shell.Run(Sweep("-TimeoutMilliseconds 1000"));
        stopwatch.Stop();

        Assert.Empty(Devices(result));
        Assert.Empty(result.Errors);
        // Six hanging hosts one after another would take 6 s; concurrent probes take one timeout.
        Assert.InRange(stopwatch.Elapsed.TotalSeconds, 0.95, 2.9);
        Assert.All(_subnet.Servers, s => Assert.Single(s.Device.Requests));
    }

    [Fact]
    public void Find_piped_into_Get_yields_a_reading_from_each_device_and_no_device_sees_a_429()
    {
        DeviceServer a = _subnet.Start(30), b = _subnet.Start(31), c = _subnet.Start(32);
        _subnet.Start(33, DeviceFault.OldFirmware);

        ShellResult result = _shell.Run(Sweep("-TimeoutMilliseconds 1000") + " | Get-GasleserReading");

        Assert.Empty(result.Errors);
        Assert.Equal(new[] { a, b, c }.Select(s => s.Address).Order(), result.Readings.Select(r => r.ComputerName).Order());
        foreach (DeviceServer device in new[] { a, b, c })
        {
            IReadOnlyList<DeviceRequest> seen = device.Device.Requests;
            Assert.Equal(new[] { 200, 200 }, seen.Select(r => r.Status)); // the probe, then Get's read
            Assert.True(seen[1].Arrival - seen[0].Arrival >= TimeSpan.FromSeconds(10), $"gap {seen[1].Arrival - seen[0].Arrival}");
        }

        Assert.All(_subnet.Servers, s => Assert.Equal(0, s.Device.RateLimitedCount));
    }

    [Fact]
    public void With_MaxAge_Get_takes_the_reading_the_probe_just_got_without_asking_again()
    {
        DeviceServer device = _subnet.Start(35);

        ShellResult result = _shell.Run(Sweep() + " | Get-GasleserReading -MaxAge 00:00:15");

        GasleserReading reading = Assert.Single(result.Readings);
        Assert.True(reading.FromCache);
        Assert.Single(device.Device.Requests);
    }

    [Fact]
    public void A_device_asked_less_than_10_s_ago_is_reported_from_the_session_without_a_request()
    {
        DeviceServer device = _subnet.Start(40);
        _shell.Run($"Get-GasleserReading {device.Address}");
        _devices.Clock!.Advance(TimeSpan.FromSeconds(4));

        ShellResult result = _shell.Run(Sweep("-Verbose"));

        GasleserDevice found = Assert.Single(Devices(result));
        Assert.Equal(GasleserDeviceStatus.Online, found.Status);
        Assert.Null(found.ResponseTime);
        Assert.True(found.Reading!.FromCache);
        Assert.Contains(result.Verbose, v => v.Contains("reported from the session"));
        Assert.Single(device.Device.Requests);
    }

    [Fact]
    public void Devices_stream_out_as_they_are_found_before_the_sweep_ends_and_progress_completes()
    {
        _subnet.Start(50);
        _subnet.Start(51, DeviceFault.Hang);
        using PowerShell ps = _shell.Create(Sweep("-TimeoutMilliseconds 2000"));
        var output = new PSDataCollection<PSObject>();
        TimeSpan? firstOutput = null;
        var stopwatch = Stopwatch.StartNew();
        output.DataAdded += (_, _) => firstOutput ??= stopwatch.Elapsed;

        ps.Invoke(null, output);
        stopwatch.Stop();

        Assert.Single(output);
        Assert.NotNull(firstOutput);
        Assert.True(firstOutput < stopwatch.Elapsed - TimeSpan.FromSeconds(1),
            $"first device after {firstOutput}, sweep ended after {stopwatch.Elapsed}");
        ProgressRecord last = ps.Streams.Progress.Last();
        Assert.Equal(ProgressRecordType.Completed, last.RecordType);
        Assert.Equal("254 of 254 addresses probed, 1 device(s) found", last.StatusDescription);
        Assert.All(ps.Streams.Progress.Take(ps.Streams.Progress.Count - 1), p => Assert.Equal(ProgressRecordType.Processing, p.RecordType));
    }

    [Fact]
    public void Mdns_finds_an_announced_device_and_confirms_it_with_one_probe()
    {
        DeviceServer device = _subnet.Start(60, deviceId: "GAS_4224559459");
        _responder.Announce(new MdnsAnnouncement("GAS_4224559459", device.EndPoint.Address, device.EndPoint.Port));

        ShellResult result = _shell.Run("Find-Gasleser -Method Mdns");

        GasleserDevice found = Assert.Single(Devices(result));
        Assert.Equal(GasleserDiscoveryMethod.Mdns, found.DiscoveredBy);
        Assert.Equal((_subnet.Prefix + "60", _subnet.Port), (found.ComputerName, found.Port));
        Assert.Equal("GAS_4224559459", found.DeviceId);
        Assert.Equal("gas-4224559459.local", found.HostName);
        Assert.Equal(GasleserDeviceStatus.Online, found.Status);
        Assert.Single(device.Device.Requests);
        Assert.Equal(1, _responder.Queries);
    }

    [Fact]
    public void All_runs_both_ways_at_once_and_reports_a_device_found_both_ways_once()
    {
        DeviceServer both = _subnet.Start(70, deviceId: "GAS_1000000070");
        DeviceServer sweepOnly = _subnet.Start(71, deviceId: "GAS_1000000071");
        _responder.Announce(new MdnsAnnouncement("GAS_1000000070", both.EndPoint.Address, both.EndPoint.Port));

        ShellResult result = _shell.Run($"Find-Gasleser -Subnet {_subnet.Cidr} -Port {_subnet.Port} -Method All");

        Assert.Equal(new[] { "GAS_1000000070", "GAS_1000000071" }, Devices(result).Select(d => d.DeviceId).Order());
        Assert.Single(both.Device.Requests);
        Assert.Single(sweepOnly.Device.Requests);
        Assert.Equal(1, _responder.Queries);
    }

    // Foreign address space is refused by the same path; ScanPolicy's tests cover those rules without
    // the risk that a broken refusal sends a packet off this machine. Here the refused range is loopback.
    [Fact]
    public void An_oversized_range_is_refused_with_InvalidAddress_before_any_probe()
    {
        DeviceServer device = _subnet.Start(5);

        ShellResult result = _shell.Run($"Find-Gasleser -Subnet 127.88.0.0/19, {_subnet.Cidr} -Port {_subnet.Port} -Method Sweep");

        Assert.Empty(result.Output);
        ErrorRecord error = Assert.Single(result.Errors);
        Assert.StartsWith("Gasleser.InvalidAddress", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains("8444 addresses", error.Exception.Message);
        Assert.Contains("-Force", error.ErrorDetails.RecommendedAction);
        Assert.IsType<GasleserInvalidAddressException>(error.Exception);
        Assert.Empty(device.Device.Requests);
    }

    [Fact]
    public void Force_sweeps_a_loopback_range_larger_than_4096_addresses()
    {
        // The /19 (8190 loopback addresses) that holds this test's own /24.
        int third = int.Parse(_subnet.Prefix.Split('.')[2]);
        string cidr = $"127.88.{third / 32 * 32}.0/19";
        DeviceServer device = _subnet.Start(80);

        ShellResult refused = _shell.Run($"Find-Gasleser -Subnet {cidr} -Port {_subnet.Port} -Method Sweep");
        ShellResult forced = _shell.Run($"Find-Gasleser -Subnet {cidr} -Port {_subnet.Port} -Method Sweep -Force");

        Assert.StartsWith("Gasleser.InvalidAddress", Assert.Single(refused.Errors).FullyQualifiedErrorId);
        Assert.Empty(forced.Errors);
        Assert.Equal(device.Address, Assert.Single(Devices(forced)).ComputerName + ":" + _subnet.Port);
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.9-10.0.0.1")]
    [InlineData("banana")]
    [InlineData("10.0.0.010-10.0.0.020")]
    public void A_bad_subnet_is_an_InvalidAddress_error_that_shows_the_accepted_forms(string subnet)
    {
        ShellResult result = _shell.Run("Find-Gasleser -Subnet $s -Method Sweep", new Dictionary<string, object?> { ["s"] = subnet });

        ErrorRecord error = Assert.Single(result.Errors);
        Assert.IsType<GasleserInvalidAddressException>(error.Exception);
        Assert.StartsWith("Gasleser.InvalidAddress", error.FullyQualifiedErrorId);
        Assert.Contains("192.168.2.0/24", error.Exception.Message);
        Assert.Contains("192.168.2.10-192.168.2.60", error.Exception.Message);
        Assert.Contains(subnet, error.Exception.Message);
        Assert.Empty(result.Output);
    }

    [Fact]
    public void A_sweep_asks_as_many_addresses_at_once_as_ThrottleLimit_allows_not_fewer()
    {
        // 100 hosts that never answer: with -ThrottleLimit 100 all are asked within the first probe timeout,
        // so a sweep of silent addresses takes about one timeout, not one per batch.
        List<DeviceServer> silent = Enumerable.Range(100, 100).Select(host => _subnet.Start(host, DeviceFault.Hang)).ToList();

        using PowerShell ps = _shell.Create($"Find-Gasleser -Subnet {_subnet.Prefix}100-{_subnet.Prefix}199 -Port {_subnet.Port} -Method Sweep -ThrottleLimit 100 -TimeoutMilliseconds 20000");
        IAsyncResult running = ps.BeginInvoke();
        bool allAsked = SpinWait.SpinUntil(() => silent.All(d => d.Device.Requests.Count > 0), TimeSpan.FromSeconds(10));
        int asked = silent.Count(d => d.Device.Requests.Count > 0);
        ps.Stop();

        Assert.True(allAsked, $"{asked} of 100 silent addresses were asked while the first probes were still waiting");
    }

    [Fact]
    public void CtrlC_stops_a_sweep_of_hanging_hosts_within_half_a_second()
    {
        DeviceServer hang = _subnet.Start(90, DeviceFault.Hang);
        _responder.Announce(new MdnsAnnouncement("GAS_1", hang.EndPoint.Address, hang.EndPoint.Port));
        ProcessWide.MdnsWindow = TimeSpan.FromSeconds(60);

        using PowerShell ps = _shell.Create($"Find-Gasleser -Subnet {_subnet.Cidr} -Port {_subnet.Port} -TimeoutMilliseconds 60000");
        IAsyncResult running = ps.BeginInvoke();
        Assert.True(SpinWait.SpinUntil(() => hang.Device.Requests.Count > 0, TimeSpan.FromSeconds(5)));

        CtrlC.StopsWithinHalfASecond(ps, running);
        Assert.Equal(2, _shell.Run("1 + 1").Output.Single().BaseObject);
    }

    [Fact]
    public void Found_devices_bind_into_Get_by_property_name_also_as_the_strings_a_CSV_file_gives_back()
    {
        DeviceServer device = _subnet.Start(100);

        ShellResult result = _shell.Run(
            "$d = " + Sweep() + "; " +
            "[pscustomobject]@{ ComputerName = [string]$d.ComputerName; Port = [string]$d.Port; DeviceId = $d.DeviceId } | Get-GasleserReading -MaxAge 00:01:00; " +
            "$d.PSObject.TypeNames[0]; $d.Port -is [int]; $d.Status -is [Gasleser.GasleserDeviceStatus]");

        Assert.Empty(result.Errors);
        Assert.Equal(device.Address, Assert.Single(result.Readings).ComputerName);
        Assert.Equal(new object[] { "Gasleser.GasleserDevice", true, true }, result.Output.Skip(1).Select(o => o.BaseObject));
    }
}
