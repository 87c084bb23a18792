using System.Diagnostics;
using System.Management.Automation;
using Gasleser.Simulator;
using Xunit;

namespace Gasleser.Tests;

/// <summary>Get-GasleserReading, driven through the PowerShell engine against simulated devices on a virtual clock.</summary>
public sealed class GetGasleserReadingTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private readonly SimulatedDevices _devices = new();
    private readonly ModuleShell _shell = new();

    public void Dispose()
    {
        _shell.Dispose();
        _devices.Dispose();
    }

    private VirtualClock Clock => _devices.Clock!;

    [Fact]
    public void A_reading_carries_the_devices_values_with_their_types()
    {
        DeviceServer device = _devices.Start(deviceId: "GAS_2329790123", initialTotal: 12345.8);

        ShellResult result = _shell.Run($"Get-GasleserReading {device.Address}");

        Assert.Empty(result.Errors);
        GasleserReading reading = Assert.Single(result.Readings);
        Assert.Equal(device.Address, reading.ComputerName);
        Assert.Equal("GAS_2329790123", reading.DeviceId);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(Clock.UtcNow.ToUnixTimeSeconds()), reading.Timestamp);
        Assert.Equal(12345.8, reading.TotalConsumption, 3);
        Assert.Equal(1.5, reading.CurrentFlowRate);
        Assert.Equal(1234580, reading.PulseCount);
        Assert.Equal(84, reading.SignalStrength);
        Assert.Equal(-51, reading.Rssi);
        Assert.False(reading.FromCache);
        Assert.Null(reading.ConsumptionDelta);

        ShellResult types = _shell.Run(
            $"$r = Get-GasleserReading {device.Address} -MaxAge 00:01:00; " +
            "$r.PSObject.TypeNames[0]; $r.Timestamp -is [datetimeoffset]; $r.TotalConsumption -is [double]; $r.Rssi -is [int]");
        Assert.Equal(new object[] { "Gasleser.GasleserReading", true, true, true }, types.Output.Select(o => o.BaseObject));
    }

    [Fact]
    public void A_device_that_sends_only_the_documented_fields_leaves_the_optional_ones_empty()
    {
        DeviceServer device = _devices.Start();
        device.Device.ExtraFields = false;

        GasleserReading reading = Assert.Single(_shell.Run($"Get-GasleserReading {device.Address}").Readings);

        Assert.Null(reading.PulseCount);
        Assert.Null(reading.SignalStrength);
        Assert.Null(reading.Rssi);
        Assert.NotNull(reading.CurrentFlowRate);
    }

    [Fact]
    public void A_second_read_within_10_s_waits_says_why_and_the_device_sees_requests_at_least_10_s_apart()
    {
        DeviceServer device = _devices.Start();

        ShellResult first = _shell.Run($"Get-GasleserReading {device.Address}");
        ShellResult second = _shell.Run($"Get-GasleserReading {device.Address} -Verbose");

        Assert.Single(first.Readings);
        Assert.Single(second.Readings);
        Assert.Contains(second.Verbose, v => v.Contains("waiting") && v.Contains("10 s"));
        IReadOnlyList<DeviceRequest> seen = device.Device.Requests;
        Assert.Equal(2, seen.Count);
        Assert.All(seen, r => Assert.Equal(200, r.Status));
        Assert.True(seen[1].Arrival - seen[0].Arrival >= TimeSpan.FromSeconds(10.5), $"gap {seen[1].Arrival - seen[0].Arrival}");
    }

    [Fact]
    public void NoWait_fails_at_once_with_RateLimited_saying_when_the_next_request_is_allowed()
    {
        DeviceServer device = _devices.Start();
        _shell.Run($"Get-GasleserReading {device.Address}");

        ShellResult result = _shell.Run($"Get-GasleserReading {device.Address} -NoWait");

        Assert.Empty(result.Readings);
        Assert.Equal(new[] { "Gasleser.RateLimited" }, result.ErrorIds);
        ErrorRecord error = result.Errors[0];
        Assert.Equal(ErrorCategory.ResourceBusy, error.CategoryInfo.Category);
        Assert.Equal(device.Address, error.TargetObject);
        Assert.Contains("may next be asked", error.Exception.Message);
        Assert.NotNull(((GasleserRateLimitedException)error.Exception).NextAllowed);
        // The wait is this module's own spacing, not another client's polling: the advice says so.
        string advice = ((GasleserException)error.Exception).RecommendedAction;
        Assert.Contains("without -NoWait", advice);
        Assert.DoesNotContain("Home Assistant", advice);
        Assert.Single(device.Device.Requests);
    }

    [Fact]
    public void Many_runspaces_asking_one_device_at_once_never_make_it_see_two_requests_within_10_s()
    {
        DeviceServer device = _devices.Start();
        const int runspaces = 4, readsEach = 3;
        var shells = Enumerable.Range(0, runspaces).Select(_ => new ModuleShell()).ToList();
        try
        {
            var results = shells.AsParallel().WithDegreeOfParallelism(runspaces)
                .Select(shell => shell.Run($"1..{readsEach} | ForEach-Object {{ Get-GasleserReading {device.Address} }}"))
                .ToList();

            Assert.All(results, r => Assert.Empty(r.Errors));
            Assert.Equal(runspaces * readsEach, results.Sum(r => r.Readings.Count()));
            IReadOnlyList<DeviceRequest> seen = device.Device.Requests;
            Assert.Equal(runspaces * readsEach, seen.Count);
            Assert.Equal(0, device.Device.RateLimitedCount);
            var gaps = seen.Zip(seen.Skip(1), (a, b) => b.Arrival - a.Arrival).ToList();
            output.WriteLine("gaps the device saw (s): " + string.Join(" ", gaps.Select(g => g.TotalSeconds.ToString("0.000"))));
            TimeSpan smallestGap = gaps.Min();
            Assert.True(smallestGap >= TimeSpan.FromSeconds(10), $"smallest gap the device saw: {smallestGap}");
        }
        finally
        {
            shells.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public void A_429_from_another_client_is_waited_out_and_the_read_succeeds()
    {
        DeviceServer device = _devices.Start();
        device.Device.OtherClientPolls();

        ShellResult result = _shell.Run($"Get-GasleserReading {device.Address} -Verbose");

        Assert.Empty(result.Errors);
        Assert.Single(result.Readings);
        Assert.Contains(result.Verbose, v => v.Contains("429"));
        Assert.Equal(new[] { 429, 200 }, device.Device.Requests.Select(r => r.Status));
        Assert.True(device.Device.Requests[1].Arrival - device.Device.Requests[0].Arrival >= TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void A_device_that_stays_busy_gives_RateLimited_after_one_retry_spaced_10_s_apart()
    {
        DeviceServer device = _devices.Start(DeviceFault.Busy);

        ShellResult result = _shell.Run($"Get-GasleserReading {device.Address}");

        Assert.Equal(new[] { "Gasleser.RateLimited" }, result.ErrorIds);
        IReadOnlyList<DeviceRequest> seen = device.Device.Requests;
        Assert.Equal(2, seen.Count);
        Assert.All(seen.Zip(seen.Skip(1)), p => Assert.True(p.Second.Arrival - p.First.Arrival >= TimeSpan.FromSeconds(10)));
    }

    [Theory]
    [InlineData(DeviceFault.OldFirmware, "Gasleser.FirmwareUnsupported", "1.0.21")]
    [InlineData(DeviceFault.Hang, "Gasleser.Timeout", "did not answer within 1 s")]
    [InlineData(DeviceFault.Slow, "Gasleser.Timeout", "did not answer within 1 s")]
    [InlineData(DeviceFault.MalformedJson, "Gasleser.InvalidResponse", "JSON breaks off")]
    [InlineData(DeviceFault.Html, "Gasleser.InvalidResponse", "<!DOCTYPE html>")]
    [InlineData(DeviceFault.Oversized, "Gasleser.InvalidResponse", "larger than 64 KiB")]
    [InlineData(DeviceFault.Redirect, "Gasleser.InvalidResponse", "redirect")]
    [InlineData(DeviceFault.DropConnection, "Gasleser.Unreachable", "reset")]
    public void Each_fault_gives_its_error_id_after_exactly_one_request_and_the_shell_keeps_working(DeviceFault fault, string errorId, string messagePart)
    {
        DeviceServer device = _devices.Start(fault);

        ShellResult result = _shell.Run($"Get-GasleserReading {device.Address} -TimeoutSec 1");

        Assert.Null(result.Terminating);
        Assert.Empty(result.Readings);
        Assert.Equal(new[] { errorId }, result.ErrorIds);
        ErrorRecord error = result.Errors[0];
        Assert.Contains(messagePart, error.Exception.Message);
        Assert.Equal(device.Address, error.TargetObject);
        Assert.False(string.IsNullOrEmpty(error.ErrorDetails.RecommendedAction));
        Assert.IsAssignableFrom<GasleserException>(error.Exception);
        Thread.Sleep(50); // let a late re-send, if there were one, arrive
        Assert.Single(device.Device.Requests);
        Assert.Equal(2, _shell.Run("1 + 1").Output.Single().BaseObject);
    }

    [Fact]
    public void Nothing_listening_is_Unreachable_with_the_reason()
    {
        string address = SimulatedDevices.NextLoopbackAddress() + ":9";

        ShellResult result = _shell.Run($"Get-GasleserReading {address}");

        Assert.Equal(new[] { "Gasleser.Unreachable" }, result.ErrorIds);
        Assert.Contains("refused", result.Errors[0].Exception.Message);
    }

    [Fact]
    public void One_failing_device_does_not_stop_the_others_and_fast_ones_are_not_held_up_by_slow_ones()
    {
        DeviceServer slow = _devices.Start(DeviceFault.Slow);
        slow.Device.SlowDelay = TimeSpan.FromSeconds(1);
        DeviceServer old = _devices.Start(DeviceFault.OldFirmware);
        DeviceServer good = _devices.Start();

        ShellResult result = _shell.Run(
            $"Get-GasleserReading {slow.Address}, {old.Address}, {good.Address}; 'after'");

        Assert.Equal(new[] { "Gasleser.FirmwareUnsupported" }, result.ErrorIds);
        Assert.Equal(new[] { good.Address, slow.Address }, result.Readings.Select(r => r.ComputerName));
        Assert.Equal("after", result.Output.Last().BaseObject);
    }

    [Fact]
    public void ErrorAction_Stop_makes_a_device_error_terminating_and_catchable_by_its_type()
    {
        DeviceServer old = _devices.Start(DeviceFault.OldFirmware);

        ShellResult result = _shell.Run(
            $"try {{ Get-GasleserReading {old.Address} -ErrorAction Stop }} catch [Gasleser.GasleserFirmwareUnsupportedException] {{ 'caught ' + $_.FullyQualifiedErrorId }}");

        Assert.StartsWith("caught Gasleser.FirmwareUnsupported", (string)result.Output.Single().BaseObject);
    }

    [Theory]
    [InlineData("banana!")]
    [InlineData("192.168.2")]
    [InlineData("192.168.2.300")]
    [InlineData("192.168.2.132:0")]
    [InlineData("192.168.2.132:99999")]
    [InlineData("https://192.168.2.132/")]
    [InlineData("http://192.168.2.132/admin")]
    [InlineData("fe80::1:80:")]
    [InlineData("[fe80::1")]
    public void A_bad_address_is_InvalidAddress_naming_the_accepted_forms_and_sends_nothing(string address)
    {
        ShellResult result = _shell.Run("Get-GasleserReading -ComputerName $a", new Dictionary<string, object?> { ["a"] = address });

        Assert.Equal(new[] { "Gasleser.InvalidAddress" }, result.ErrorIds);
        Assert.Equal(address, result.Errors[0].TargetObject);
        Assert.Contains("192.168.2.132:8080", result.Errors[0].Exception.Message);
        Assert.Equal(ErrorCategory.InvalidArgument, result.Errors[0].CategoryInfo.Category);
    }

    [Fact]
    public void Addresses_bind_from_the_pipeline_by_value_and_by_property_name_with_every_alias()
    {
        DeviceServer a = _devices.Start(), b = _devices.Start(), c = _devices.Start(), d = _devices.Start();
        string[] hostPort(DeviceServer s) => new[] { s.EndPoint.Address.ToString(), s.EndPoint.Port.ToString() };

        ShellResult result = _shell.Run(
            "$a | Get-GasleserReading; " +
            "[pscustomobject]@{ IPAddress = $b } | Get-GasleserReading; " +
            "[pscustomobject]@{ HostName = $c } | Get-GasleserReading; " +
            "[pscustomobject]@{ ComputerName = $d[0]; Port = [int]$d[1] } | Get-GasleserReading",
            new Dictionary<string, object?> { ["a"] = a.Address, ["b"] = b.Address, ["c"] = c.Address, ["d"] = hostPort(d) });

        Assert.Empty(result.Errors);
        Assert.Equal(new[] { a.Address, b.Address, c.Address, d.Address }, result.Readings.Select(r => r.ComputerName));
    }

    [Fact]
    public void MaxAge_answers_from_the_session_without_a_request_and_says_it_is_cached()
    {
        DeviceServer device = _devices.Start();
        _shell.Run($"Get-GasleserReading {device.Address}");
        Clock.Advance(TimeSpan.FromSeconds(3));

        GasleserReading cached = Assert.Single(_shell.Run($"Get-GasleserReading {device.Address} -MaxAge 00:00:05").Readings);
        Assert.True(cached.FromCache);
        Assert.Single(device.Device.Requests);

        Clock.Advance(TimeSpan.FromSeconds(10));
        GasleserReading fresh = Assert.Single(_shell.Run($"Get-GasleserReading {device.Address} -MaxAge 00:00:05").Readings);
        Assert.False(fresh.FromCache);
        Assert.Equal(2, device.Device.Requests.Count);
    }

    [Fact]
    public void CtrlC_while_waiting_for_the_slot_stops_within_half_a_second()
    {
        DeviceServer device = _devices.Start();
        _shell.Run($"Get-GasleserReading {device.Address}");
        Clock.AutoAdvance = false;

        using PowerShell ps = _shell.Create($"Get-GasleserReading {device.Address}");
        IAsyncResult running = ps.BeginInvoke();
        Assert.True(SpinWait.SpinUntil(() => Clock.Waiters > 0, TimeSpan.FromSeconds(5)));
        Assert.Equal(1, Clock.Waiters);

        CtrlC.StopsWithinHalfASecond(ps, running);
        Assert.Equal(0, Clock.Waiters);
        Assert.Single(device.Device.Requests);
    }

    [Fact]
    public void CtrlC_during_a_request_that_hangs_stops_within_half_a_second()
    {
        DeviceServer device = _devices.Start(DeviceFault.Hang);

        using PowerShell ps = _shell.Create($"Get-GasleserReading {device.Address} -TimeoutSec 60");
        IAsyncResult running = ps.BeginInvoke();
        Assert.True(SpinWait.SpinUntil(() => device.Device.Requests.Count > 0, TimeSpan.FromSeconds(5)));

        CtrlC.StopsWithinHalfASecond(ps, running);
    }
}
