using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Reflection;
using Gasleser.Discovery;
using Gasleser.Simulator;
using Xunit;

namespace Gasleser.Tests;

/// <summary>
/// Find-Gasleser says what it did and what it found: -Subnet alone sweeps, -Verbose ends with a summary,
/// an empty result comes with the likely causes, -WhatIf sends nothing, a device another process is polling
/// is reported Busy, and devices sharing one id are all reported with a warning.
/// </summary>
public sealed class FindExplainsItselfTests : IDisposable
{
    private readonly SimulatedDevices _devices = new();
    private readonly LoopbackSubnet _subnet;
    private readonly CapturingHost _host = new(columns: 200);
    private readonly ModuleShell _shell;
    private readonly MdnsResponder _responder;

    public FindExplainsItselfTests()
    {
        _subnet = new LoopbackSubnet(_devices);
        _shell = new ModuleShell(_host);
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

    private static List<GasleserDevice> Devices(ShellResult result) => result.Output.Select(o => o.BaseObject).OfType<GasleserDevice>().ToList();

    private string Small => _subnet.Prefix + "0/29";

    [Fact]
    public void Subnet_alone_means_a_sweep_and_sends_no_mDNS_query()
    {
        DeviceServer device = _subnet.Start(3);
        _responder.Announce(new MdnsAnnouncement("GAS_4224559403", device.EndPoint.Address, device.EndPoint.Port));

        ShellResult result = _shell.Run($"Find-Gasleser -Subnet {Small} -Port {_subnet.Port}");

        Assert.Equal(GasleserDiscoveryMethod.Sweep, Assert.Single(Devices(result)).DiscoveredBy);
        Assert.Equal(0, _responder.Queries);
    }

    [Fact]
    public void Verbose_ends_with_one_line_saying_how_many_addresses_on_which_port_and_who_answered_how()
    {
        _subnet.Start(1);
        _subnet.Start(2, DeviceFault.Busy);
        _subnet.Start(3, DeviceFault.OldFirmware);

        ShellResult result = _shell.Run($"Find-Gasleser -Subnet {Small} -Port {_subnet.Port} -Verbose");

        Assert.Equal(
            $"Find-Gasleser swept 6 address(es) on port {_subnet.Port} ({Small}): 2 Gasleser(s) answered: 1 Online, 1 RateLimited; 2 by sweep; 1 other host(s) answered HTTP but are not a Gasleser.",
            result.Verbose[^1]);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void When_nothing_is_found_a_warning_names_the_likely_causes_another_port_and_busy_devices()
    {
        DeviceServer device = _subnet.Start(1);
        int otherPort = _subnet.Port == 65535 ? 1 : _subnet.Port + 1;

        ShellResult result = _shell.Run($"Find-Gasleser -Subnet {Small} -Port {otherPort} -Verbose");

        Assert.Empty(Devices(result));
        Assert.Empty(result.Errors);
        Assert.Contains($"swept 6 address(es) on port {otherPort}", result.Verbose[^1]);
        Assert.Contains("no Gasleser answered", result.Verbose[^1]);
        string warning = Assert.Single(result.Warnings);
        Assert.Contains("-Port", warning);
        Assert.Contains("busy", warning);
        Assert.Empty(device.Device.Requests);
    }

    [Fact]
    public void WhatIf_says_what_would_be_probed_and_sends_nothing()
    {
        DeviceServer device = _subnet.Start(1);
        _responder.Announce(new MdnsAnnouncement("GAS_4224559401", device.EndPoint.Address, device.EndPoint.Port));

        ShellResult result = _shell.Run($"Find-Gasleser -Subnet {Small}, {_subnet.Prefix}9 -Port {_subnet.Port} -Method All -WhatIf");

        Assert.Null(result.Terminating);
        Assert.Empty(Devices(result));
        Assert.Contains(
            $"What if: Find-Gasleser would sweep 7 address(es) ({Small}, {_subnet.Prefix}9) with GET /v1/data on port {_subnet.Port} and browse mDNS for _gasleser._tcp.local on every multicast interface.",
            _host.Text);
        Assert.Empty(device.Device.Requests);
        Assert.Equal(0, _responder.Queries);
    }

    [Fact]
    public void A_real_sweep_says_in_Verbose_that_it_is_sweeping_not_that_it_would()
    {
        _subnet.Start(1);

        ShellResult result = _shell.Run($"Find-Gasleser -Subnet {Small} -Port {_subnet.Port} -Verbose");

        Assert.Single(Devices(result));
        Assert.Contains($"Find-Gasleser is sweeping 6 address(es) ({Small}) with GET /v1/data on port {_subnet.Port}.", result.Verbose);
        Assert.DoesNotContain(result.Verbose, v => v.Contains("would"));
    }

    [Fact]
    public void A_device_another_process_holds_is_reported_Busy_with_when_it_may_next_be_asked_and_is_not_probed()
    {
        DeviceServer device = _subnet.Start(1, deviceId: "GAS_4224559401");
        DateTimeOffset busyUntil = _devices.Now.AddSeconds(7);
        Directory.CreateDirectory(SimulatedDevices.SlotDirectory);
        File.WriteAllText(
            Path.Combine(SimulatedDevices.SlotDirectory, $"gasleser-{device.EndPoint.Address}-{device.EndPoint.Port}.slot"),
            busyUntil.UtcDateTime.ToString("o", CultureInfo.InvariantCulture));

        ShellResult result = _shell.Run($"Find-Gasleser -Subnet {Small} -Port {_subnet.Port} -Verbose");

        GasleserDevice found = Assert.Single(Devices(result));
        Assert.Equal(GasleserDeviceStatus.Busy, found.Status);
        Assert.Equal(busyUntil, found.NextAllowed);
        Assert.Equal(device.EndPoint.Address.ToString(), found.ComputerName);
        Assert.Empty(device.Device.Requests);
        Assert.Contains("1 Busy", result.Verbose[^1]);
    }

    [Fact]
    public void Devices_answering_with_one_id_at_different_addresses_are_all_reported_with_one_warning_naming_the_id()
    {
        foreach (int host in new[] { 1, 2, 3 })
        {
            _subnet.Start(host, deviceId: "GAS_000000");
        }

        _subnet.Start(4, deviceId: "GAS_4224559404");

        ShellResult result = _shell.Run($"Find-Gasleser -Subnet {Small} -Port {_subnet.Port}");

        Assert.Equal(
            new[] { "1", "2", "3", "4" }.Select(h => _subnet.Prefix + h),
            Devices(result).Select(d => d.ComputerName).Order());
        string warning = Assert.Single(result.Warnings);
        Assert.Contains("GAS_000000", warning);
        Assert.Contains($"{_subnet.Prefix}1:{_subnet.Port}, {_subnet.Prefix}2:{_subnet.Port}, {_subnet.Prefix}3:{_subnet.Port}", warning);
    }

    [Fact]
    public async Task A_device_that_another_PowerShell_process_is_watching_is_reported_Busy_in_real_time()
    {
        using var realTime = new SimulatedDevices(realTime: true);
        using var subnet = new LoopbackSubnet(realTime);
        DeviceServer device = subnet.Start(1, deviceId: "GAS_4224559401");
        string slots = SimulatedDevices.SlotDirectory;
        Task<string> watch = RunHostAsync(
            $"[Gasleser.InternalHooks]::SetTestHook('PrivateFolder', '{slots}'); Watch-GasleserReading {device.Address} -Count 2");
        var waited = Stopwatch.StartNew();
        while (device.Device.Requests.Count == 0 && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(50);
        }

        ShellResult result = _shell.Run($"Find-Gasleser -Subnet {subnet.Prefix}0/29 -Port {subnet.Port}");
        string watched = await watch.WaitAsync(TimeSpan.FromSeconds(60));

        GasleserDevice found = Assert.Single(Devices(result));
        Assert.Equal(GasleserDeviceStatus.Busy, found.Status);
        Assert.NotNull(found.NextAllowed);
        Assert.DoesNotContain("error:", watched);
        Assert.Equal(new[] { 200, 200 }, device.Device.Requests.Select(r => r.Status)); // the probe sent nothing
    }

    private static async Task<string> RunHostAsync(string commandLine)
    {
        string host = typeof(FindExplainsItselfTests).Assembly.GetCustomAttribute<TestHostAttribute>()!.Path;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(host);
        start.ArgumentList.Add(StagedModule.Manifest);
        start.ArgumentList.Add(commandLine);
        using Process process = Process.Start(start)!;
        string output = await process.StandardOutput.ReadToEndAsync();
        string errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output + errors;
    }
}
