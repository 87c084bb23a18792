using System.Diagnostics;
using System.Management.Automation;
using Gasleser.Simulator;
using Xunit;
using Xunit.Abstractions;

namespace Gasleser.Tests;

/// <summary>
/// A watch left running for a whole day, as a scheduled task would, against a device that goes through
/// everything a real one can do to it: every fault mode, an outage, a reboot whose clock comes back wrong,
/// and a counter reset. 24 hours of the virtual clock, one poll a minute.
/// </summary>
/// <remarks>
/// Time: the watch, the session and the device run on the <see cref="VirtualClock"/>, which moves only
/// while something waits on it — so a request in flight takes no virtual time and every poll reaches the
/// device exactly on its minute. -TimeoutSec, though, is real time: the exchange is real socket I/O on
/// loopback. So the Hang and Slow windows are kept to three polls each at -TimeoutSec 1 (each costs one
/// real second), and Slow answers after 1.5 real seconds (the device's default Delay): put on the
/// virtual clock instead, a slow answer would come back within real milliseconds, late only in virtual
/// time, and the module's real timeout would never fire — that case is a late poll, tested in
/// WatchGasleserReadingTests, not a timeout.
/// </remarks>
public sealed class SimulatedDayTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private const int Polls = 24 * 60;
    private const long MemoryBound = 5 * 1024 * 1024;

    /// <summary>The script: from poll First on, Polls polls meet Fault, and each gives ErrorId.</summary>
    private static readonly (int First, int Polls, DeviceFault Fault, string ErrorId)[] FaultWindows =
    {
        (60, 3, DeviceFault.Hang, "Gasleser.Timeout"),
        (120, 10, DeviceFault.OldFirmware, "Gasleser.FirmwareUnsupported"),
        (180, 10, DeviceFault.MalformedJson, "Gasleser.InvalidResponse"),
        (240, 10, DeviceFault.Html, "Gasleser.InvalidResponse"),
        (300, 5, DeviceFault.Oversized, "Gasleser.InvalidResponse"),
        (360, 10, DeviceFault.Redirect, "Gasleser.InvalidResponse"),
        (420, 10, DeviceFault.DropConnection, "Gasleser.Unreachable"),
        (480, 5, DeviceFault.Busy, "Gasleser.RateLimited"),
        (540, 3, DeviceFault.Slow, "Gasleser.Timeout"),
    };

    /// <summary>The device is off the network (connection refused) for these polls: an outage, and the reboot.</summary>
    private static readonly (int First, int Polls)[] AwayWindows = { (600, 20), (700, 2) };

    private const int RebootBack = 702;                          // back from the reboot with its clock an hour behind...
    private static readonly TimeSpan RebootClockJump = TimeSpan.FromHours(-1);
    private const int ClockResync = 800;                         // ...until it synchronises it again
    private const int CounterReset = 905;                        // the total is set to 2.5 m³ before this poll, while the burner runs
    private const double TotalAfterReset = 2.5;

    private readonly SimulatedDevices _devices = new();
    private readonly ModuleShell _shell = new();

    public void Dispose()
    {
        _shell.Dispose();
        _devices.Dispose();
    }

    private VirtualClock Clock => _devices.Clock!;

    /// <summary>What poll k gives: "reading" or the error id, from the script alone.</summary>
    private static string Expected(int k)
    {
        foreach (var w in FaultWindows)
        {
            if (k >= w.First && k < w.First + w.Polls)
            {
                return w.ErrorId;
            }
        }

        return IsAway(k) ? "Gasleser.Unreachable" : "reading";
    }

    private static bool IsAway(int k) => AwayWindows.Any(w => k >= w.First && k < w.First + w.Polls);

    private static bool IsBusy(int k) => Expected(k) == "Gasleser.RateLimited";

    /// <summary>m³ the simulated burner uses from the device's start to <paramref name="elapsed"/>: 1.5 m³/h for the first 10 minutes of every 30.</summary>
    private static double Burnt(TimeSpan elapsed) =>
        1.5 / 60 * (Math.Floor(elapsed.TotalMinutes / 30) * 10 + Math.Min(elapsed.TotalMinutes % 30, 10));

    /// <summary>Runs <paramref name="action"/> half a minute before poll <paramref name="poll"/> is due: between two polls, never racing one.</summary>
    private void Before(int poll, Action action) => Clock.Schedule(poll * Interval - TimeSpan.FromSeconds(30), action);

    [Fact]
    public void A_day_long_watch_through_every_fault_an_outage_a_reboot_and_a_counter_reset_gives_exactly_the_expected_readings_errors_and_deltas_with_flat_memory()
    {
        // Warm-up on a device of its own, through each kind of answer once (Slow is a timeout like Hang),
        // so that the memory figures compare like with like: first-use caches are filled before "before".
        DeviceServer warm = _devices.Start();
        foreach (DeviceFault fault in FaultWindows.Select(w => w.Fault).Where(f => f != DeviceFault.Slow).Append(DeviceFault.None))
        {
            warm.Device.Fault = fault;
            _shell.Run($"Watch-GasleserReading {warm.Address} -Interval 00:01:00 -Count 2 -TimeoutSec 1 2>&1");
        }

        _shell.Run("$Error.Clear()"); // PowerShell keeps the last 256 errors in $Error: its memory, not the module's
        long memoryBefore = GC.GetTotalMemory(forceFullCollection: true);

        DateTimeOffset start = Clock.UtcNow;
        DeviceServer device = _devices.Start();                  // starts now: its burner and total count from here
        SimulatedDevice gasleser = device.Device;
        gasleser.SlowDelay = TimeSpan.FromSeconds(1.5);
        foreach (var w in FaultWindows)
        {
            Before(w.First, () => gasleser.Fault = w.Fault);
            Before(w.First + w.Polls, () => gasleser.Fault = DeviceFault.None);
        }

        foreach (var w in AwayWindows)
        {
            Before(w.First, device.GoAway);
        }

        Before(AwayWindows[0].First + AwayWindows[0].Polls, device.ComeBack);
        Before(RebootBack, () =>
        {
            gasleser.ClockOffset = RebootClockJump;
            device.ComeBack();
        });
        Before(ClockResync, () => gasleser.ClockOffset = TimeSpan.Zero);
        Before(CounterReset, () => gasleser.SetTotal(TotalAfterReset));

        var stopwatch = Stopwatch.StartNew();
        ShellResult result = _shell.Run($"Watch-GasleserReading {device.Address} -Interval 00:01:00 -Duration 1.00:00:00 -TimeoutSec 1 2>&1");
        TimeSpan realTime = stopwatch.Elapsed;

        string[] outcomes = result.Output.Select(o => o.BaseObject switch
        {
            GasleserReading => "reading",
            ErrorRecord error => error.FullyQualifiedErrorId.Split(',')[0],
            var other => other.ToString()!,
        }).ToArray();
        List<GasleserReading> readings = result.Output.Select(o => o.BaseObject).OfType<GasleserReading>().ToList();
        var errorsById = outcomes.Where(o => o != "reading").GroupBy(o => o).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count());
        IReadOnlyList<DeviceRequest> seen = gasleser.Requests;
        TimeSpan minGap = seen.Zip(seen.Skip(1), (a, b) => b.Arrival - a.Arrival).Min();
        IReadOnlyList<string> warnings = result.Warnings;
        result = null!; // what the day produced is measured below only as the readings and outcomes kept above
        _shell.Run("$Error.Clear()");
        long memoryAfter = GC.GetTotalMemory(forceFullCollection: true);

        output.WriteLine($"polls: {outcomes.Length}, readings: {readings.Count}, requests the device saw: {seen.Count}, 429s: {gasleser.RateLimitedCount}, smallest gap: {minGap.TotalSeconds:0.000} s");
        output.WriteLine("errors by id: " + string.Join(", ", errorsById.Select(e => $"{e.Key} {e.Value}")));
        output.WriteLine($"managed memory: {memoryBefore / 1024.0 / 1024:0.00} MB before, {memoryAfter / 1024.0 / 1024:0.00} MB after (readings held), growth {(memoryAfter - memoryBefore) / 1024.0:0} KiB");
        output.WriteLine($"virtual time: {Clock.UtcNow - start}, real seconds: {realTime.TotalSeconds:0.0}");

        // Every poll of the day, in order, gave exactly what the script says.
        string[] expected = Enumerable.Range(0, Polls).Select(Expected).ToArray();
        Assert.Equal(expected, outcomes);
        Assert.Equal(start + TimeSpan.FromDays(1), Clock.UtcNow);

        // What the device saw: every poll on its minute (the busy ones retried twice, 10.5 s apart), none while away.
        DateTimeOffset[] expectedArrivals = Enumerable.Range(0, Polls).Where(k => !IsAway(k))
            .SelectMany(k => (IsBusy(k) ? new[] { 0, 10.5, 21 } : new[] { 0.0 }).Select(s => start + k * Interval + TimeSpan.FromSeconds(s)))
            .ToArray();
        Assert.Equal(expectedArrivals, seen.Select(r => r.Arrival));
        Assert.True(minGap >= TimeSpan.FromSeconds(10), $"smallest gap the device saw: {minGap}");
        Assert.All(seen.Where(r => r.Status == 429), r => Assert.True(IsBusy((int)((r.Arrival - start) / Interval)), $"429 outside the busy window at {r.Arrival}"));
        Assert.Equal(FaultWindows.Where(w => w.Fault == DeviceFault.Busy).Sum(w => w.Polls) * 3, gasleser.RateLimitedCount);

        // Each reading: the device's own timestamp (an hour behind between the reboot and the resync).
        int[] readingPolls = Enumerable.Range(0, Polls).Where(k => expected[k] == "reading").ToArray();
        Assert.Equal(
            readingPolls.Select(k => start + k * Interval + (k >= RebootBack && k < ClockResync ? RebootClockJump : TimeSpan.Zero)),
            readings.Select(r => r.Timestamp));

        // Deltas: never negative; empty only on the first reading and the one after the reset, which warns.
        // The reading after the reboot, an hour behind, warns that the device's time went back.
        Assert.All(readings, r => Assert.True(!(r.ConsumptionDelta < 0), $"negative delta {r.ConsumptionDelta} at {r.Timestamp}"));
        int resetIndex = Array.IndexOf(readingPolls, CounterReset);
        Assert.Equal(new[] { 0, resetIndex }, readings.Select((r, i) => (r, i)).Where(x => x.r.ConsumptionDelta == null).Select(x => x.i));
        Assert.Equal(2, warnings.Count);
        Assert.Contains("the device's time went back", warnings[0]);
        string warning = warnings[1];
        Assert.Contains("went down", warning);
        double totalAtReset = TotalAfterReset + Burnt(CounterReset * Interval) - Burnt(CounterReset * Interval - TimeSpan.FromSeconds(30));
        Assert.Contains(FormattableString.Invariant($"to {totalAtReset:0.###} m³"), warning);

        // The sum of the deltas is what the burner really used over the day, less the one reset gap
        // (the polls either side of the reset), and nothing is lost across the failed polls.
        int beforeReset = readingPolls[resetIndex - 1];
        double trueUsage = Burnt(readingPolls[^1] * Interval) - Burnt(readingPolls[0] * Interval)
            - (Burnt(CounterReset * Interval) - Burnt(beforeReset * Interval));
        double sumOfDeltas = readings.Sum(r => r.ConsumptionDelta ?? 0);
        output.WriteLine($"sum of ConsumptionDelta: {sumOfDeltas:0.000} m³, true usage outside the reset gap: {trueUsage:0.000} m³");
        Assert.Equal(trueUsage, sumOfDeltas, 0.003);

        // The reading after the reboot counts what was used while the device was away; its timestamp went
        // back an hour, so it has no mean flow. The one after the resync (61 device minutes later) has one again.
        GasleserReading afterReboot = readings[Array.IndexOf(readingPolls, RebootBack)];
        Assert.Equal(Burnt(RebootBack * Interval) - Burnt((AwayWindows[1].First - 1) * Interval), afterReboot.ConsumptionDelta!.Value, 0.002);
        Assert.Null(afterReboot.AverageFlowRate);
        Assert.NotNull(readings[Array.IndexOf(readingPolls, ClockResync)].AverageFlowRate);

        Assert.True(memoryAfter - memoryBefore < MemoryBound, $"managed memory grew by {(memoryAfter - memoryBefore) / 1024} KiB over the day");
        readings = null!;
        outcomes = null!;
        seen = null!;
        output.WriteLine($"managed memory with the day's readings released: {GC.GetTotalMemory(forceFullCollection: true) / 1024.0 / 1024:0.00} MB");
    }
}
