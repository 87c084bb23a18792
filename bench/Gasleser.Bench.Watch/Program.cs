using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Net;
using System.Reflection;
using Gasleser.Simulator;

// Watch-GasleserReading under load: N simulated devices on loopback (127.90.x.y, one device per address),
// watched through the module in a hosted PowerShell engine for a fixed span on the wall clock.
//   dotnet run -c Release --project bench/Gasleser.Bench.Watch                 # N = 10, 100, 500; 60 s each
//   dotnet run -c Release --project bench/Gasleser.Bench.Watch -- 10 50 --span 30
// Prints, per N: polls the devices saw vs the schedule's, p50/p99/max lateness of each poll against its
// due time (each device's own: the watch staggers them), CPU time, and peak memory. The devices run in
// this process too, so CPU and memory include them.

var c = CultureInfo.InvariantCulture;
TimeSpan interval = TimeSpan.FromSeconds(12); // the watch's default
TimeSpan span = TimeSpan.FromSeconds(60);
var sizes = new List<int>();
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--span" && i + 1 < args.Length)
    {
        span = TimeSpan.FromSeconds(double.Parse(args[++i], c));
    }
    else
    {
        sizes.Add(int.Parse(args[i], c));
    }
}

if (sizes.Count == 0)
{
    sizes.AddRange(new[] { 10, 100, 500 });
}

string manifest = typeof(Program).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ModuleManifest").Value!;
using Runspace runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
runspace.Open();
using (PowerShell import = PowerShell.Create())
{
    import.Runspace = runspace;
    // The benchmark's slot files and known devices stay in a folder of its own: only a user's own commands write into theirs.
    string benchFolder = Path.Combine(Path.GetTempPath(), "gasleser-bench-" + Environment.ProcessId);
    import.AddScript($"Import-Module '{manifest}' -ErrorAction Stop; [Gasleser.InternalHooks]::SetTestHook('PrivateFolder', '{benchFolder}')").Invoke();
}

Console.WriteLine($"Watch-GasleserReading -Interval {interval.TotalSeconds:0} s -Duration {span.TotalSeconds:0} s; {Environment.ProcessorCount} cores; .NET {Environment.Version}");
Console.WriteLine("CPU and memory are the whole process: the module, the PowerShell engine and the simulated devices.");
Console.WriteLine();
Console.WriteLine($"{"N",5} {"polls",7} {"expected",8} {"429s",5} {"errors",6} {"late p50",9} {"late p99",9} {"late min",9} {"late max",9} {"CPU s",7} {"CPU %",6} {"peak WS MB",10} {"peak GC MB",10}");

int run = 0;
foreach (int n in sizes)
{
    run++;
    var servers = new List<DeviceServer>();
    for (int i = 0; i < n; i++)
    {
        var address = new IPAddress(new byte[] { 127, 90, (byte)(run * 4 + i / 250), (byte)(1 + i % 250) });
        servers.Add(new DeviceServer(new SimulatedDevice("GAS_" + (3000000000L + i).ToString(c)), address));
    }

    GC.Collect();
    GC.WaitForPendingFinalizers();
    using Process self = Process.GetCurrentProcess();
    TimeSpan cpuBefore = self.TotalProcessorTime;
    long peakWorkingSet = 0, peakGcHeap = 0;
    using var sampling = new CancellationTokenSource();
    Task sampler = Task.Run(async () =>
    {
        while (!sampling.IsCancellationRequested)
        {
            self.Refresh();
            peakWorkingSet = Math.Max(peakWorkingSet, self.WorkingSet64);
            peakGcHeap = Math.Max(peakGcHeap, GC.GetTotalMemory(false));
            try { await Task.Delay(100, sampling.Token); } catch (OperationCanceledException) { }
        }
    });

    var wall = Stopwatch.StartNew();
    using PowerShell ps = PowerShell.Create();
    ps.Runspace = runspace;
    runspace.SessionStateProxy.SetVariable("devices", servers.Select(s => s.Address).ToArray());
    runspace.SessionStateProxy.SetVariable("interval", interval);
    runspace.SessionStateProxy.SetVariable("span", span);
    ps.AddScript("Watch-GasleserReading -ComputerName $devices -Interval $interval -Duration $span -Verbose");
    int readings = ps.Invoke().Count;
    int errors = ps.Streams.Error.Count;
    wall.Stop();
    sampling.Cancel();
    await sampler;
    self.Refresh();
    TimeSpan cpu = self.TotalProcessorTime - cpuBefore;

    // Lateness: poll k of a device is due at its own start + k × interval: the watch staggers its devices,
    // and each states its first due time in its verbose "<address>: polling … from HH:mm:ss.fff." line
    // (local time, to the millisecond). Expected polls: those of each device due before the watch's end,
    // which is the first device's start (phase 0) + span.
    Dictionary<string, DateTimeOffset> starts = ps.Streams.Verbose.Select(v => v.Message)
        .Where(m => m.Contains(": polling ", StringComparison.Ordinal) && m.Contains(" from ", StringComparison.Ordinal))
        .ToDictionary(m => m.Substring(0, m.IndexOf(": polling ", StringComparison.Ordinal)), m => StatedTime(m.Substring(m.LastIndexOf(" from ", StringComparison.Ordinal) + 6).TrimEnd('.')));
    DateTimeOffset watchStart = starts.Values.Min();
    long expected = servers.Sum(s => PollsDue(starts[s.Address] - watchStart));
    double[] lateness = servers.SelectMany(s => s.Device.Requests.Select(r => r.Arrival - starts[s.Address]))
        // against the nearest due time: a timer can fire a fraction of a millisecond early (negative lateness)
        .Select(offset => (offset - TimeSpan.FromTicks((long)Math.Round((double)offset.Ticks / interval.Ticks) * interval.Ticks)).TotalMilliseconds)
        .OrderBy(ms => ms).ToArray();
    int polls = lateness.Length;
    int rateLimited = servers.Sum(s => s.Device.RateLimitedCount);
    double Percentile(double p) => lateness.Length == 0 ? double.NaN : lateness[Math.Min(lateness.Length - 1, (int)Math.Ceiling(p * lateness.Length) - 1)];

    Console.WriteLine($"{n,5} {polls,7} {expected,8} {rateLimited,5} {errors,6} {Percentile(0.50),7:0.0}ms {Percentile(0.99),7:0.0}ms {lateness.FirstOrDefault(),7:0.0}ms {lateness.LastOrDefault(),7:0.0}ms {cpu.TotalSeconds,7:0.00} {100 * cpu.TotalSeconds / wall.Elapsed.TotalSeconds / Environment.ProcessorCount,5:0.0}% {peakWorkingSet / 1048576.0,10:0.0} {peakGcHeap / 1048576.0,10:0.0}");
    if (readings != polls - errors)
    {
        Console.WriteLine($"      note: {readings} readings and {errors} errors for {polls} requests");
    }

    foreach (DeviceServer server in servers)
    {
        await server.DisposeAsync();
    }
}

Console.WriteLine();
using (Process self = Process.GetCurrentProcess())
{
    Console.WriteLine($"process peak working set (high-water mark over all runs): {self.PeakWorkingSet64 / 1048576.0:0.0} MB");
}

// Polls due before the end of the span for a device on this phase: those at phase + k × interval < span.
long PollsDue(TimeSpan phase) => phase >= span ? 0 : (span - phase - TimeSpan.FromTicks(1)).Ticks / interval.Ticks + 1;

// A verbose line's HH:mm:ss.fff (local time) as the moment it names: today, or yesterday if that is still ahead (the run began before midnight).
DateTimeOffset StatedTime(string text)
{
    DateTimeOffset at = new DateTimeOffset(DateTime.Today + TimeSpan.ParseExact(text, @"hh\:mm\:ss\.fff", c));
    return at > DateTimeOffset.Now ? at - TimeSpan.FromDays(1) : at;
}
