using System.Diagnostics;
using System.Management.Automation;
using Gasleser.Simulator;
using Gasleser.Watching;
using Xunit;

namespace Gasleser.Tests;

/// <summary>Watch-GasleserReading, driven through the PowerShell engine against simulated devices on a virtual clock.</summary>
public sealed class WatchGasleserReadingTests : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(12); // the default

    private readonly SimulatedDevices _devices = new();
    private readonly ModuleShell _shell = new();

    public void Dispose()
    {
        _shell.Dispose();
        _devices.Dispose();
    }

    private VirtualClock Clock => _devices.Clock!;

    private static DateTimeOffset[] Schedule(DateTimeOffset start, params int[] polls) =>
        polls.Select(k => start + k * Interval).ToArray();

    private static DateTimeOffset[] Arrivals(DeviceServer device) => device.Device.Requests.Select(r => r.Arrival).ToArray();

    /// <summary>The devices of a watch are staggered by this much (fewer than interval / step devices).</summary>
    private static readonly TimeSpan Step = WatchSchedule.PhaseStep;

    /// <summary>
    /// For a watch of several devices, with -Count <paramref name="polls"/> (null: a -Duration watch, whose
    /// devices all wait for its end): the clock moves on only once every device is done or waiting on it
    /// (for its next poll, its session, a slow answer or the end). The devices are staggered, so while one
    /// poll is on its way to its device others always wait for theirs; on a busy machine the clock could
    /// otherwise jump past a poll that had not reached its device yet.
    /// </summary>
    private void SettleOn(IReadOnlyCollection<DeviceServer> devices, int? polls) =>
        Clock.Settled = () => Clock.Waiters >= (polls is int count ? devices.Count(d => d.Device.Requests.Count < count) : devices.Count);

    /// <summary>Readings and error ids in the order the watch wrote them (run with 2>&amp;1).</summary>
    private static string[] Sequence(ShellResult result) => result.Output.Select(o => o.BaseObject switch
    {
        GasleserReading => "reading",
        ErrorRecord error => error.FullyQualifiedErrorId.Split(',')[0],
        var other => other.ToString()!,
    }).ToArray();

    [Fact]
    public void A_thousand_polls_keep_the_exact_schedule_with_nothing_skipped_or_doubled()
    {
        DeviceServer device = _devices.Start();
        DateTimeOffset start = Clock.UtcNow;

        ShellResult result = _shell.Run($"Watch-GasleserReading {device.Address} -Count 1000");

        Assert.Null(result.Terminating);
        Assert.Empty(result.Errors);
        Assert.Empty(result.Warnings);
        Assert.Equal(Schedule(start, Enumerable.Range(0, 1000).ToArray()), Arrivals(device));
        Assert.All(device.Device.Requests, r => Assert.Equal(200, r.Status));
        List<GasleserReading> readings = result.Readings.ToList();
        Assert.Equal(1000, readings.Count);
        Assert.Equal(Schedule(start, Enumerable.Range(0, 1000).ToArray()), readings.Select(r => r.Timestamp));
        Assert.Null(readings[0].ConsumptionDelta);
        Assert.All(readings.Skip(1), r => Assert.True(r.ConsumptionDelta >= 0 && r.AverageFlowRate >= 0));
        Assert.Equal(readings[^1].TotalConsumption - readings[0].TotalConsumption, readings.Sum(r => r.ConsumptionDelta ?? 0), 6);
        Assert.Equal(start + 999 * Interval, Clock.UtcNow);
    }

    [Fact]
    public void Each_reading_reaches_the_pipeline_as_it_arrives_while_the_watch_goes_on()
    {
        DeviceServer device = _devices.Start();
        Clock.AutoAdvance = false;

        using PowerShell ps = _shell.Create($"Watch-GasleserReading {device.Address} -Count 3");
        var output = new PSDataCollection<PSObject>();
        IAsyncResult running = ps.BeginInvoke<PSObject, PSObject>(null, output);
        for (int k = 1; k <= 3; k++)
        {
            Assert.True(SpinWait.SpinUntil(() => output.Count == k, TimeSpan.FromSeconds(5)), $"reading {k} did not come");
            Assert.Equal(k, device.Device.Requests.Count);
            if (k < 3)
            {
                Assert.False(running.IsCompleted);
                Assert.True(SpinWait.SpinUntil(() => Clock.Waiters == 1, TimeSpan.FromSeconds(5)));
                Clock.Advance(Interval);
            }
        }

        ps.EndInvoke(running);
        Assert.Equal(3, output.Count);
    }

    [Fact]
    public void A_device_that_hangs_then_404s_then_answers_then_goes_away_and_comes_back_gives_each_poll_its_reading_or_error_in_order()
    {
        DeviceServer device = _devices.Start(DeviceFault.Hang);
        DateTimeOffset start = Clock.UtcNow;
        device.RequestServed += _ =>
        {
            switch (device.Device.Requests.Count)
            {
                case 1: device.Device.Fault = DeviceFault.OldFirmware; break;
                case 2: device.Device.Fault = DeviceFault.None; break;
                case 3:
                    // Served the poll due at 24 s; away for the polls due at 36, 48 and 60 s; back at 66 s.
                    device.GoAway();
                    Clock.Schedule(TimeSpan.FromSeconds(42), device.ComeBack);
                    break;
            }
        };

        ShellResult result = _shell.Run($"Watch-GasleserReading {device.Address} -Count 8 -TimeoutSec 1 2>&1");

        Assert.Null(result.Terminating);
        Assert.Equal(
            new[] { "Gasleser.Timeout", "Gasleser.FirmwareUnsupported", "reading", "Gasleser.Unreachable", "Gasleser.Unreachable", "Gasleser.Unreachable", "reading", "reading" },
            Sequence(result));
        Assert.Equal(Schedule(start, 0, 1, 2, 6, 7), Arrivals(device));
        Assert.Equal(new[] { 200, 404, 200, 200, 200 }, device.Device.Requests.Select(r => r.Status)); // the hang was "served" but never answered
        Assert.All(result.Output.Select(o => o.BaseObject).OfType<ErrorRecord>(), e => Assert.Equal(device.Address, e.TargetObject));

        // The first reading after the outage counts everything used while the device was away (48 s of a 1.5 m³/h burner).
        List<GasleserReading> readings = result.Output.Select(o => o.BaseObject).OfType<GasleserReading>().ToList();
        Assert.Null(readings[0].ConsumptionDelta);
        Assert.Equal(1.5 * 48 / 3600, readings[1].ConsumptionDelta!.Value, 3);
        Assert.Equal(1.5, readings[1].AverageFlowRate!.Value, 1);
        Assert.Equal(1.5, readings[2].AverageFlowRate!.Value, 1);
    }

    [Fact]
    public void Two_devices_one_slow_keep_independent_cadences_and_the_slow_one_skips_rather_than_doubles()
    {
        DeviceServer fast = _devices.Start();
        DeviceServer slow = _devices.Start(DeviceFault.Slow);
        slow.Device.Delay = Clock.Delay;                    // 20 s of the test's clock for each answer
        slow.Device.SlowDelay = TimeSpan.FromSeconds(20);
        SettleOn(new[] { fast, slow }, 4);
        DateTimeOffset start = Clock.UtcNow;

        ShellResult result = _shell.Run($"Watch-GasleserReading {fast.Address}, {slow.Address} -Count 4 -TimeoutSec 60");

        Assert.Null(result.Terminating);
        Assert.Empty(result.Errors);
        Assert.Equal(Schedule(start, 0, 1, 2, 3), Arrivals(fast));
        Assert.Equal(4, result.Readings.Count(r => r.ComputerName == fast.Address));
        Assert.Equal(4, result.Readings.Count(r => r.ComputerName == slow.Address));

        // The slow device (the second named, so on its own phase one step after the first): first poll on time;
        // each later one no sooner than its session allows (20 s answer + 10.5 s), never two in one of its slots,
        // and the slots that passed during an answer are skipped with a warning.
        DateTimeOffset[] slowSeen = Arrivals(slow);
        Assert.Equal(4, slowSeen.Length);
        Assert.Equal(start + Step, slowSeen[0]);
        Assert.All(slowSeen.Zip(slowSeen.Skip(1)), p => Assert.True(p.Second - p.First >= TimeSpan.FromSeconds(30.5), $"gap {p.Second - p.First}"));
        Assert.Equal(slowSeen.Length, slowSeen.Select(t => (t - (start + Step)).Ticks / Interval.Ticks).Distinct().Count());
        Assert.Contains(result.Warnings, w => w.Contains(slow.Address) && w.Contains("skipped"));
        Assert.DoesNotContain(result.Warnings, w => w.Contains(fast.Address));
        Assert.Equal(0, slow.Device.RateLimitedCount + fast.Device.RateLimitedCount);
    }

    [Fact]
    public void Count_ends_the_watch_after_that_many_readings_per_device()
    {
        DeviceServer a = _devices.Start(), b = _devices.Start();
        SettleOn(new[] { a, b }, 3);
        DateTimeOffset start = Clock.UtcNow;

        ShellResult result = _shell.Run($"Watch-GasleserReading {a.Address}, {b.Address} -Count 3");

        Assert.Empty(result.Errors);
        Assert.Equal(3, result.Readings.Count(r => r.ComputerName == a.Address));
        Assert.Equal(3, result.Readings.Count(r => r.ComputerName == b.Address));
        Assert.Equal(Schedule(start, 0, 1, 2), Arrivals(a));
        Assert.Equal(Schedule(start + Step, 0, 1, 2), Arrivals(b));      // b on its own phase, one step after a
        Assert.Equal(start + Step + 2 * Interval, Clock.UtcNow); // ends with its last reading, not an interval later
    }

    [Fact]
    public void Duration_ends_the_watch_after_that_span_with_every_poll_inside_it()
    {
        DeviceServer device = _devices.Start();
        DateTimeOffset start = Clock.UtcNow;

        ShellResult result = _shell.Run($"Watch-GasleserReading {device.Address} -Duration 00:01:00");

        Assert.Empty(result.Errors);
        Assert.Equal(5, result.Readings.Count());
        Assert.Equal(Schedule(start, 0, 1, 2, 3, 4), Arrivals(device));
        Assert.Equal(start + TimeSpan.FromMinutes(1), Clock.UtcNow);
    }

    [Fact]
    public void A_watch_of_200_devices_staggers_them_so_a_round_does_not_reach_them_all_at_one_instant_and_each_keeps_its_fixed_rate()
    {
        const int N = 200, Polls = 3;
        DeviceServer[] devices = Enumerable.Range(0, N).Select(_ => _devices.Start()).ToArray();
        SettleOn(devices, Polls);
        DateTimeOffset start = Clock.UtcNow;

        ShellResult result = _shell.Run($"Watch-GasleserReading $a -Count {Polls}", new Dictionary<string, object?> { ["a"] = devices.Select(d => d.Address).ToArray() });

        Assert.Null(result.Terminating);
        Assert.Empty(result.Errors);
        Assert.Empty(result.Warnings);
        Assert.Equal(N * Polls, result.Readings.Count());
        Assert.Equal(0, devices.Sum(d => d.Device.RateLimitedCount));

        // Each device: on its own phase (the i-th named, i steps after the first), then exactly one interval apart.
        Assert.All(Enumerable.Range(0, N), i => Assert.Equal(Schedule(start + i * Step, 0, 1, 2), Arrivals(devices[i])));

        // Each round: begins when it did without the stagger, reaches no two devices at one instant (at most
        // one request leaves per step), and is over after 199 steps (5 s), well inside the 12 s interval.
        for (int k = 0; k < Polls; k++)
        {
            DateTimeOffset[] round = devices.Select(d => Arrivals(d)[k]).OrderBy(t => t).ToArray();
            Assert.Equal(start + k * Interval, round[0]);
            Assert.All(round.Zip(round.Skip(1)), p => Assert.True(p.Second - p.First >= Step, $"two polls {(p.Second - p.First).TotalMilliseconds} ms apart"));
            Assert.Equal((N - 1) * Step, round[^1] - round[0]);
        }

        Assert.Equal(start + (N - 1) * Step + 2 * Interval, Clock.UtcNow);
    }

    [Fact]
    public void A_watch_of_three_devices_with_Count_1_gives_all_three_readings_within_a_tenth_of_a_second()
    {
        DeviceServer[] devices = { _devices.Start(), _devices.Start(), _devices.Start() };
        SettleOn(devices, 1);
        DateTimeOffset start = Clock.UtcNow;

        ShellResult result = _shell.Run($"Watch-GasleserReading {string.Join(", ", devices.Select(d => d.Address))} -Count 1");

        Assert.Empty(result.Errors);
        Assert.Equal(devices.Select(d => d.Address).OrderBy(a => a), result.Readings.Select(r => r.ComputerName).OrderBy(a => a));
        Assert.Equal(new[] { start, start + Step, start + 2 * Step }, devices.Select(d => Arrivals(d).Single()));
        Assert.True(Clock.UtcNow - start < TimeSpan.FromSeconds(0.1), $"the watch took {(Clock.UtcNow - start).TotalSeconds} s");
    }

    [Fact]
    public void Verbose_states_each_device_s_own_first_due_time()
    {
        DeviceServer[] devices = { _devices.Start(), _devices.Start(), _devices.Start() };
        SettleOn(devices, 1);
        DateTimeOffset start = Clock.UtcNow;

        ShellResult result = _shell.Run($"Watch-GasleserReading {string.Join(", ", devices.Select(d => d.Address))} -Count 1 -Verbose");

        Assert.Empty(result.Errors);
        for (int i = 0; i < devices.Length; i++)
        {
            string from = (start + i * Step).ToLocalTime().ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture);
            Assert.Contains($"{devices[i].Address}: polling http://{devices[i].Address}/v1/data every 12 s from {from}.", result.Verbose);
        }
    }

    [Fact]
    public void Duration_ends_a_staggered_watch_at_start_plus_the_span_and_a_device_whose_poll_falls_at_or_after_the_end_does_not_make_it()
    {
        // Phases 0, 25 and 50 ms: the fifth polls are due at 48, 48.025 and 48.05 s; the watch ends at 48.03 s.
        DeviceServer[] devices = { _devices.Start(), _devices.Start(), _devices.Start() };
        SettleOn(devices, polls: null);
        DateTimeOffset start = Clock.UtcNow;

        ShellResult result = _shell.Run($"Watch-GasleserReading {string.Join(", ", devices.Select(d => d.Address))} -Duration 00:00:48.030");

        Assert.Empty(result.Errors);
        Assert.Equal(Schedule(start, 0, 1, 2, 3, 4), Arrivals(devices[0]));
        Assert.Equal(Schedule(start + Step, 0, 1, 2, 3, 4), Arrivals(devices[1]));
        Assert.Equal(Schedule(start + 2 * Step, 0, 1, 2, 3), Arrivals(devices[2]));
        Assert.Equal(14, result.Readings.Count());
        Assert.Equal(start + TimeSpan.FromSeconds(48.03), Clock.UtcNow);
    }

    [Fact]
    public void Deltas_restart_with_a_warning_when_the_total_goes_down_or_the_device_id_changes_and_are_never_negative()
    {
        DeviceServer device = _devices.Start(deviceId: "GAS_2329790123", initialTotal: 12345.8);
        device.RequestServed += _ =>
        {
            switch (device.Device.Requests.Count)
            {
                case 2: device.Device.SetTotal(100); break;                  // the counter is reset before the 3rd reading
                case 4: device.Device.DeviceId = "GAS_PULSE_77"; break;       // another device at this address for the 5th
            }
        };

        ShellResult result = _shell.Run($"Watch-GasleserReading {device.Address} -Count 6");

        Assert.Empty(result.Errors);
        List<GasleserReading> readings = result.Readings.ToList();
        Assert.Equal(6, readings.Count);
        Assert.Equal(new double?[] { null, 0.005, null, 0.005, null, 0.005 }, readings.Select(r => r.ConsumptionDelta is double d ? Math.Round(d, 6) : (double?)null));
        Assert.Equal(new double?[] { null, 1.5, null, 1.5, null, 1.5 }, readings.Select(r => r.AverageFlowRate is double f ? Math.Round(f, 6) : (double?)null));
        Assert.Equal(2, result.Warnings.Count);
        Assert.Contains("went down from 12345.805 to 100.005 m³", result.Warnings[0]);
        Assert.Contains("device id changed from GAS_2329790123 to GAS_PULSE_77", result.Warnings[1]);
        Assert.All(result.Warnings, w => Assert.StartsWith(device.Address, w));
    }

    [Fact]
    public void A_reading_whose_device_timestamp_did_not_move_is_still_emitted_with_its_delta_and_no_flow()
    {
        DeviceServer device = _devices.Start();
        device.Device.StuckTimestamp = Clock.UtcNow;

        ShellResult result = _shell.Run($"Watch-GasleserReading {device.Address} -Count 3");

        Assert.Empty(result.Errors);
        List<GasleserReading> readings = result.Readings.ToList();
        Assert.Equal(3, readings.Count);
        Assert.Single(readings.Select(r => r.Timestamp).Distinct());
        Assert.All(readings.Skip(1), r => Assert.Equal(0.005, r.ConsumptionDelta!.Value, 6));
        Assert.All(readings, r => Assert.Null(r.AverageFlowRate));
    }

    [Fact]
    public void A_device_time_that_goes_backwards_gives_a_warning_the_delta_and_no_mean_flow()
    {
        DeviceServer device = _devices.Start();
        device.RequestServed += _ =>
        {
            if (device.Device.Requests.Count == 2)
            {
                device.Device.ClockOffset = TimeSpan.FromMinutes(-1); // the device's clock is set back before the 3rd reading
            }
        };

        ShellResult result = _shell.Run($"Watch-GasleserReading {device.Address} -Count 4");

        Assert.Empty(result.Errors);
        List<GasleserReading> readings = result.Readings.ToList();
        Assert.Equal(new double?[] { null, 1.5, null, 1.5 }, readings.Select(r => r.AverageFlowRate is double f ? Math.Round(f, 6) : (double?)null));
        Assert.Equal(0.005, readings[2].ConsumptionDelta!.Value, 6);
        string warning = Assert.Single(result.Warnings);
        Assert.StartsWith(device.Address, warning);
        Assert.Contains("the device's time went back 48 s", warning);
        Assert.Contains("AverageFlowRate is empty", warning);
    }

    [Fact]
    public void Interval_10_the_documented_minimum_warns_of_nothing_and_keeps_every_poll_on_its_time()
    {
        DeviceServer device = _devices.Start();
        DateTimeOffset start = Clock.UtcNow;

        ShellResult result = _shell.Run($"Watch-GasleserReading {device.Address} -Interval 10 -Count 30 -Verbose");

        Assert.Empty(result.Errors);
        Assert.Empty(result.Warnings);
        Assert.Equal(30, result.Readings.Count());
        Assert.DoesNotContain(result.Verbose, v => v.Contains(" late"));
        Assert.Contains(result.Verbose, v => v.Contains("-Interval 10 s") && v.Contains("every 11 s"));
        Assert.Equal(Enumerable.Range(0, 30).Select(k => start.AddSeconds(11 * k)), Arrivals(device));
        Assert.Equal(0, device.Device.RateLimitedCount);
    }

    [Fact]
    public void A_Get_in_another_runspace_during_a_watch_provokes_no_429_makes_polls_late_and_they_return_to_their_slots()
    {
        DeviceServer device = _devices.Start();
        DateTimeOffset start = Clock.UtcNow;
        Clock.AutoAdvance = false;
        using var other = new ModuleShell();

        using PowerShell ps = _shell.Create($"Watch-GasleserReading {device.Address} -Count 10");
        IAsyncResult running = ps.BeginInvoke();
        Assert.True(SpinWait.SpinUntil(() => device.Device.Requests.Count == 1 && Clock.Waiters == 1, TimeSpan.FromSeconds(5)));
        Clock.Advance(TimeSpan.FromSeconds(11));
        Assert.Single(other.Run($"Get-GasleserReading {device.Address}").Readings); // at 11 s: the session allows it (10.5 s)
        Clock.AutoAdvance = true;
        ShellResult result = ModuleShell.Collect(ps, () => new System.Collections.ObjectModel.Collection<PSObject>(ps.EndInvoke(running).ToList()));

        Assert.Empty(result.Errors);
        Assert.Empty(result.Warnings); // late, but nothing skipped
        Assert.Equal(10, result.Readings.Count());
        Assert.Equal(0, device.Device.RateLimitedCount);
        // Each late poll waits 10.5 s after the one before; they gain 1.5 s a poll until they are back on schedule.
        double[] seconds = Arrivals(device).Select(t => (t - start).TotalSeconds).ToArray();
        Assert.Equal(new[] { 0, 11, 21.5, 32, 42.5, 53, 63.5, 74, 84.5, 96, 108 }, seconds);
    }

    [Fact]
    public void An_interval_below_10_s_is_a_parameter_error_naming_the_device_limit()
    {
        DeviceServer device = _devices.Start();

        ShellResult result = _shell.Run($"Watch-GasleserReading {device.Address} -Interval 00:00:05");

        Assert.Empty(result.Readings);
        ErrorRecord record = Assert.Single(result.Errors);
        Assert.StartsWith("ParameterArgumentTransformationError", record.FullyQualifiedErrorId);
        ParameterBindingException error = Assert.IsAssignableFrom<ParameterBindingException>(record.Exception);
        Assert.Equal("Interval", error.ParameterName);
        Assert.Contains("'00:00:05' (5 s) is shorter than 10 s", error.Message);
        Assert.Contains("one request every 10 s", error.Message);
        Assert.Empty(device.Device.Requests);
    }

    [Fact]
    public void ErrorAction_Stop_ends_the_watch_at_the_first_failure_leaving_nothing_running()
    {
        DeviceServer device = _devices.Start(DeviceFault.OldFirmware);

        ShellResult result = _shell.Run(
            $"try {{ Watch-GasleserReading {device.Address} -ErrorAction Stop }} catch [Gasleser.GasleserFirmwareUnsupportedException] {{ 'caught ' + $_.FullyQualifiedErrorId }}");

        Assert.StartsWith("caught Gasleser.FirmwareUnsupported", (string)result.Output.Single().BaseObject);
        Thread.Sleep(200); // a loop left running would be waited for by the auto-advancing clock and poll again
        Assert.Equal(0, Clock.Waiters);
        Assert.Single(device.Device.Requests);
    }

    [Fact]
    public void CtrlC_while_waiting_for_the_next_poll_stops_within_half_a_second_leaving_nothing_waiting()
    {
        DeviceServer device = _devices.Start();
        Clock.AutoAdvance = false;

        using PowerShell ps = _shell.Create($"Watch-GasleserReading {device.Address}, {_devices.Start().Address}");
        IAsyncResult running = ps.BeginInvoke();
        Assert.True(SpinWait.SpinUntil(() => Clock.Waiters == 2, TimeSpan.FromSeconds(5)));

        CtrlC.StopsWithinHalfASecond(ps, running);
        Assert.Equal(0, Clock.Waiters);
        Assert.Single(device.Device.Requests);
    }

    [Fact]
    public void CtrlC_during_a_poll_that_hangs_stops_within_half_a_second()
    {
        DeviceServer device = _devices.Start(DeviceFault.Hang);

        using PowerShell ps = _shell.Create($"Watch-GasleserReading {device.Address} -TimeoutSec 60");
        IAsyncResult running = ps.BeginInvoke();
        Assert.True(SpinWait.SpinUntil(() => device.Device.Requests.Count > 0, TimeSpan.FromSeconds(5)));

        CtrlC.StopsWithinHalfASecond(ps, running);
        Assert.Equal(0, Clock.Waiters);
    }

    [Fact]
    public void A_watch_reading_has_the_properties_of_a_Get_reading_in_the_same_order_so_one_CSV_log_takes_both()
    {
        DeviceServer device = _devices.Start();

        ShellResult result = _shell.Run(
            "(Get-GasleserReading $a).PSObject.Properties.Name -join ','; " +
            "Watch-GasleserReading $a -Count 2 | ForEach-Object { $_.PSObject.BaseObject.GetType().FullName + ':' + ($_.PSObject.Properties.Name -join ',') }",
            new Dictionary<string, object?> { ["a"] = device.Address });

        Assert.Empty(result.Errors);
        string[] lines = result.Output.Select(o => (string)o.BaseObject).ToArray();
        Assert.Equal("ComputerName,DeviceId,Timestamp,TotalConsumption,CurrentFlowRate,ConsumptionDelta,AverageFlowRate,PulseCount,SignalStrength,Rssi,FromCache", lines[0]);
        Assert.Equal(new[] { "Gasleser.GasleserReading:" + lines[0], "Gasleser.GasleserReading:" + lines[0] }, lines.Skip(1));
    }

    [Fact]
    public void A_watch_reading_is_marked_for_the_view_with_the_delta_columns()
    {
        DeviceServer device = _devices.Start();

        ShellResult result = _shell.Run($"Watch-GasleserReading {device.Address} -Count 1 | ForEach-Object {{ $_.PSObject.TypeNames[0..1] }}");

        Assert.Equal(new object[] { "Gasleser.GasleserReading#Watch", "Gasleser.GasleserReading" }, result.Output.Select(o => o.BaseObject));
    }
}
