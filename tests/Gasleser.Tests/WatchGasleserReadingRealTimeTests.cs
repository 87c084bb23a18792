using System.Diagnostics;
using System.Management.Automation;
using Gasleser.Simulator;
using Xunit;

namespace Gasleser.Tests;

/// <summary>Watch-GasleserReading on the wall clock: what the virtual clock shows holds in real time too.</summary>
public sealed class WatchGasleserReadingRealTimeTests : IDisposable
{
    private readonly SimulatedDevices _devices = new(realTime: true);
    private readonly ModuleShell _shell = new();

    public void Dispose()
    {
        _shell.Dispose();
        _devices.Dispose();
    }

    [Fact]
    public void The_first_poll_of_each_device_is_not_called_late()
    {
        DeviceServer first = _devices.Start(), second = _devices.Start();

        ShellResult result = _shell.Run($"Watch-GasleserReading {first.Address}, {second.Address} -Count 1 -Verbose");

        Assert.Equal(2, result.Readings.Count());
        Assert.DoesNotContain(result.Verbose, v => v.Contains(" late") || v.Contains("the previous one ended"));
    }

    [Fact]
    public void A_watch_of_two_readings_polls_one_default_interval_apart_in_real_time()
    {
        DeviceServer device = _devices.Start();
        var stopwatch = Stopwatch.StartNew();

        ShellResult result = _shell.Run($"Watch-GasleserReading {device.Address} -Count 2");

        stopwatch.Stop();
        Assert.Empty(result.Errors);
        List<GasleserReading> readings = result.Readings.ToList();
        Assert.Equal(2, readings.Count);
        Assert.Null(readings[0].ConsumptionDelta);
        Assert.NotNull(readings[1].ConsumptionDelta);
        var seen = device.Device.Requests;
        Assert.Equal(new[] { 200, 200 }, seen.Select(r => r.Status));
        Assert.InRange((seen[1].Arrival - seen[0].Arrival).TotalSeconds, 11.95, 12.5);
        Assert.InRange(stopwatch.Elapsed.TotalSeconds, 11.95, 14.0);
    }

    [Fact]
    public void CtrlC_while_a_watch_waits_for_its_next_poll_returns_within_half_a_second()
    {
        DeviceServer device = _devices.Start();

        using PowerShell ps = _shell.Create($"Watch-GasleserReading {device.Address}");
        var output = new PSDataCollection<PSObject>();
        IAsyncResult running = ps.BeginInvoke<PSObject, PSObject>(null, output);
        Assert.True(SpinWait.SpinUntil(() => output.Count == 1, TimeSpan.FromSeconds(5)), "the first reading did not come");
        Thread.Sleep(300); // well inside the 12 s wait for the next poll

        CtrlC.StopsWithinHalfASecond(ps, running);
        Assert.Single(device.Device.Requests);
    }
}
