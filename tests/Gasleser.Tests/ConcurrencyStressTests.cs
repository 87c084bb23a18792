using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using Gasleser.Discovery;
using Gasleser.Simulator;
using Xunit;
using Xunit.Abstractions;

namespace Gasleser.Tests;

/// <summary>
/// Six runspaces at once — Get loops, two watches, Find sweeps and Find | Get — against five simulated
/// devices for half a simulated hour: what a user's scheduled tasks, dashboards and an interactive shell
/// do to one household's devices, all in one process.
/// </summary>
public sealed class ConcurrencyStressTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Span = TimeSpan.FromMinutes(30);
    private static readonly string Duration = Span.ToString("c", CultureInfo.InvariantCulture);

    /// <summary>No single command line may take longer than this in real time; the whole run, <see cref="RunBound"/>.</summary>
    private static readonly TimeSpan InvocationBound = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan RunBound = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(0.5);

    private readonly SimulatedDevices _clock = new();
    private readonly List<DeviceServer> _servers = new();
    private readonly List<ModuleShell> _shells = new();

    public void Dispose()
    {
        _shells.ForEach(s => s.Dispose());
        _servers.ForEach(s => s.Dispose());
        _clock.Dispose();
    }

    private VirtualClock Clock => _clock.Clock!;

    /// <summary>A /29 of loopback addresses of this test's own: devices on .1 to .5, all on one port; .6 is free.</summary>
    private (string Prefix, int Port) OwnSubnet()
    {
        string prefix = $"127.66.{Random.Shared.Next(0, 250)}.";
        using var probe = new TcpListener(IPAddress.Parse(prefix + "6"), 0);
        probe.Start();
        return (prefix, ((IPEndPoint)probe.LocalEndpoint).Port);
    }

    private DeviceServer StartDevice(string prefix, int host, int port, DeviceFault fault = DeviceFault.None)
    {
        var device = new SimulatedDevice("GAS_66" + host.ToString("00000000", CultureInfo.InvariantCulture), 1000 + host, () => _clock.Now) { Fault = fault };
        var server = new DeviceServer(device, IPAddress.Parse(prefix + host), port);
        _servers.Add(server);
        return server;
    }

    [Fact]
    public void Six_runspaces_running_Get_Watch_and_Find_for_half_a_simulated_hour_cause_no_429_no_deadlock_no_unobserved_exception_and_still_stop_promptly()
    {
        // Leftovers of earlier tests are finalised before this test starts listening.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var unobserved = new ConcurrentQueue<Exception>();
        EventHandler<UnobservedTaskExceptionEventArgs> onUnobserved = (_, e) => unobserved.Enqueue(e.Exception);
        TaskScheduler.UnobservedTaskException += onUnobserved;
        try
        {
            Run(unobserved);
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= onUnobserved;
        }
    }

    private void Run(ConcurrentQueue<Exception> unobserved)
    {
        (string prefix, int port) = OwnSubnet();
        DeviceServer[] devices = Enumerable.Range(1, 5).Select(host => StartDevice(prefix, host, port)).ToArray();
        string[] address = devices.Select(d => d.Address).ToArray();
        string all = string.Join(", ", address);
        string sweep = $"Find-Gasleser -Subnet {prefix}0/29 -Port {port} -Method Sweep";
        for (int i = 0; i < 6; i++)
        {
            _shells.Add(new ModuleShell());
        }

        var results = new ConcurrentBag<ShellResult>();
        var invocationTimes = new ConcurrentBag<(string Line, TimeSpan Took)>();
        DateTimeOffset start = Clock.UtcNow, end = start + Span;

        void RunLine(ModuleShell shell, string line)
        {
            var took = Stopwatch.StartNew();
            results.Add(shell.Run(line));
            invocationTimes.Add((line, took.Elapsed));
        }

        // A caller pausing between commands, in the simulated world's time.
        void Pause(double seconds) => Clock.Delay(TimeSpan.FromSeconds(seconds), CancellationToken.None).Wait();

        var workers = new (string Name, Action Work)[]
        {
            ("Get all five, again and again", () =>
            {
                for (int i = 0; Clock.UtcNow < end; i++)
                {
                    RunLine(_shells[0], $"Get-GasleserReading {all}");
                    Pause(i % 4);
                }
            }),
            ("Get one or two, some from the cache, some twice at once", () =>
            {
                for (int i = 0; Clock.UtcNow < end; i++)
                {
                    RunLine(_shells[1], i % 3 == 0
                        ? $"Get-GasleserReading {address[(i * 3) % 5]} -MaxAge 00:00:20"
                        : $"Get-GasleserReading {address[(i * 3) % 5]}, {address[(i * 3) % 5]}, {address[(i + 1) % 5]}"); // the same device twice in one line, too
                    Pause(1 + i % 3);
                }
            }),
            ("Watch all five at the default interval", () => RunLine(_shells[2], $"Watch-GasleserReading {all} -Duration {Duration}")),
            ("Watch three at the shortest interval allowed", () =>
                RunLine(_shells[3], $"Watch-GasleserReading {address[0]}, {address[2]}, {address[4]} -Interval 00:00:10 -Duration {Duration} -WarningAction SilentlyContinue")),
            ("Find by sweep", () =>
            {
                while (Clock.UtcNow < end)
                {
                    RunLine(_shells[4], sweep);
                    Pause(20);
                }
            }),
            ("Find piped into Get", () =>
            {
                for (int i = 0; Clock.UtcNow < end; i++)
                {
                    RunLine(_shells[5], $"{sweep} | Get-GasleserReading" + (i % 2 == 0 ? " -MaxAge 00:00:15" : ""));
                    Pause(30);
                }
            }),
        };

        var stopwatch = Stopwatch.StartNew();
        Task[] running = workers.Select(w => Task.Factory.StartNew(w.Work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        bool finished = Task.WaitAll(running, RunBound);
        TimeSpan stressTime = stopwatch.Elapsed;
        string stillRunning = string.Join("; ", workers.Where((_, i) => !running[i].IsCompleted).Select(w => w.Name));
        Assert.True(finished, $"deadlock? after {RunBound.TotalSeconds} s real these still run: {stillRunning} (virtual time {Clock.UtcNow - start})");
        Assert.All(running, t => Assert.Null(t.Exception));

        // Everything stops promptly when asked: one of each, caught waiting or working.
        Clock.AutoAdvance = false;
        Assert.Equal(0, Clock.Waiters); // nothing of the stress run is left waiting
        Clock.Advance(TimeSpan.FromSeconds(11));
        Assert.Single(_shells[0].Run($"Get-GasleserReading {address[0]}").Readings);
        DeviceServer hanging = StartDevice(prefix, 6, port, DeviceFault.Hang);

        using PowerShell get = _shells[0].Create($"Get-GasleserReading {address[0]}");
        IAsyncResult getRunning = get.BeginInvoke();
        Assert.True(SpinWait.SpinUntil(() => Clock.Waiters == 1, TimeSpan.FromSeconds(5)), "the Get did not start waiting for its slot");

        int watchedBefore = devices[1].Device.Requests.Count;
        using PowerShell watch = _shells[2].Create($"Watch-GasleserReading {address[1]}");
        IAsyncResult watchRunning = watch.BeginInvoke();
        Assert.True(SpinWait.SpinUntil(() => devices[1].Device.Requests.Count == watchedBefore + 1 && Clock.Waiters == 2, TimeSpan.FromSeconds(5)),
            "the watch did not poll and start waiting for its next poll");

        using PowerShell find = _shells[4].Create(sweep + " -TimeoutMilliseconds 60000");
        IAsyncResult findRunning = find.BeginInvoke();
        Assert.True(SpinWait.SpinUntil(() => hanging.Device.Requests.Count == 1, TimeSpan.FromSeconds(5)), "the sweep did not reach the hanging host");

        var stopTimes = new List<(string Name, TimeSpan Took)>();
        foreach ((string name, PowerShell ps, IAsyncResult invocation) in new[] { ("Get", get, getRunning), ("Watch", watch, watchRunning), ("Find", find, findRunning) })
        {
            var took = Stopwatch.StartNew();
            ps.Stop();
            stopTimes.Add((name, took.Elapsed));
            Assert.True(invocation.IsCompleted, name + " did not complete when stopped");
            Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
        }

        Assert.Equal(0, Clock.Waiters);
        _servers.ForEach(s => s.Dispose());
        _servers.Clear();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        // The figures.
        List<ShellResult> lines = results.ToList();
        int readings = lines.Sum(r => r.Readings.Count());
        int found = lines.Sum(r => r.Output.Count(o => o.BaseObject is GasleserDevice));
        var gaps = devices.SelectMany(d => d.Device.Requests.Zip(d.Device.Requests.Skip(1), (a, b) => b.Arrival - a.Arrival)).ToList();
        TimeSpan minGap = gaps.Min();
        int rateLimited = devices.Sum(d => d.Device.RateLimitedCount);
        (string Line, TimeSpan Took) slowest = invocationTimes.MaxBy(t => t.Took);
        output.WriteLine($"simulated span: {Clock.UtcNow - start}, command lines run: {lines.Count}, real seconds: {stressTime.TotalSeconds:0.0} (stress) + stop checks");
        output.WriteLine("requests per device: " + string.Join(", ", devices.Select(d => $"{d.Device.DeviceId} {d.Device.Requests.Count}")));
        output.WriteLine($"readings: {readings}, devices found: {found}, 429s: {rateLimited}, smallest gap a device saw: {minGap.TotalSeconds:0.000} s");
        output.WriteLine($"slowest command line: {slowest.Took.TotalSeconds:0.000} s real ({slowest.Line})");
        output.WriteLine("stopped after: " + string.Join(", ", stopTimes.Select(s => $"{s.Name} {s.Took.TotalMilliseconds:0} ms")));
        output.WriteLine($"unobserved task exceptions: {unobserved.Count}");

        Assert.Empty(unobserved);
        Assert.All(lines, r => Assert.Null(r.Terminating));
        Assert.Empty(lines.SelectMany(r => r.Errors));
        Assert.Equal(0, rateLimited);
        Assert.True(minGap >= TimeSpan.FromSeconds(10), $"smallest gap a device saw: {minGap}");
        Assert.True(slowest.Took < InvocationBound, $"'{slowest.Line}' took {slowest.Took} real time");
        Assert.All(stopTimes, s => Assert.True(s.Took < Prompt, $"{s.Name} stopped after {s.Took}"));
        Assert.True(Clock.UtcNow - start >= Span, "the run did not cover its simulated span");
        // Liveness, not cadence: every device is asked through the half hour. Two watches, Gets and sweeps contend for
        // one turn per device, so a watch's poll is now and then skipped; one request per 15 s on average is the floor.
        Assert.All(devices, d => Assert.True(d.Device.Requests.Count >= Span / TimeSpan.FromSeconds(15), $"{d.Device.DeviceId} was asked only {d.Device.Requests.Count} times"));
        Assert.True(found >= 5, "the sweeps found no devices");
    }
}
