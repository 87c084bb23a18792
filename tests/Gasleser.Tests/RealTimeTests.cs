using System.Diagnostics;
using Gasleser.Simulator;
using Xunit;

namespace Gasleser.Tests;

/// <summary>
/// A few tests on the wall clock, to prove that what the virtual clock shows holds in real time too.
/// Each waits out one real 10 s window.
/// </summary>
public sealed class RealTimeTests : IDisposable
{
    private readonly SimulatedDevices _devices = new(realTime: true);
    private readonly ModuleShell _shell = new();

    public void Dispose()
    {
        _shell.Dispose();
        _devices.Dispose();
    }

    [Fact]
    public void Two_reads_in_a_row_are_spaced_by_the_device_limit_and_its_margin_in_real_time()
    {
        DeviceServer device = _devices.Start();
        var stopwatch = Stopwatch.StartNew();

        ShellResult result = _shell.Run($"Get-GasleserReading {device.Address}; Get-GasleserReading {device.Address}");

        stopwatch.Stop();
        Assert.Empty(result.Errors);
        Assert.Equal(2, result.Readings.Count());
        var seen = device.Device.Requests;
        Assert.Equal(new[] { 200, 200 }, seen.Select(r => r.Status));
        TimeSpan gap = seen[1].Arrival - seen[0].Arrival;
        Assert.InRange(gap.TotalSeconds, 10.5, 12.0);
        Assert.InRange(stopwatch.Elapsed.TotalSeconds, 10.5, 13.0);
    }

    [Fact]
    public void A_429_from_another_client_is_waited_out_in_real_time()
    {
        DeviceServer device = _devices.Start();
        device.Device.OtherClientPolls();

        ShellResult result = _shell.Run($"Get-GasleserReading {device.Address}");

        Assert.Empty(result.Errors);
        Assert.Single(result.Readings);
        var seen = device.Device.Requests;
        Assert.Equal(new[] { 429, 200 }, seen.Select(r => r.Status));
        Assert.InRange((seen[1].Arrival - seen[0].Arrival).TotalSeconds, 10.0, 12.0);
    }
}
