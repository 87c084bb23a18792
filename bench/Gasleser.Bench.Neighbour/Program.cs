// Sharing a device with another client (the vendor's Home Assistant integration): a simulated device that a
// built-in neighbour polls every 10, 30 or 60 s, and this module beside it, for ten minutes of the virtual
// clock per run. Prints one row per device kind (window restarted by rejected requests or not) x Retry-After
// sent or not x neighbour period x this module's use:
//   watch  Watch-GasleserReading -Interval 60 (10 polls)
//   task   Get-GasleserReading from a new process every 60 s, as a scheduled task (10 runs). A new process is
//          modelled in this one: the module's process-wide state (sessions, turns) is forgotten before each
//          run (SessionRegistry.Clear()); the per-user folder (slot file, sightings) is kept, as on disk.
// Each row sums four runs, the neighbour's first poll at 1/8, 3/8, 5/8 and 7/8 of its period after this
// module's first request (it was already polling before). Asserts nothing; loopback only.
//   dotnet run -c Release --project bench/Gasleser.Bench.Neighbour
//   dotnet run -c Release --project bench/Gasleser.Bench.Neighbour -- --issue-cases    # the cases issue 22 was filed with
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Net;
using System.Reflection;
using System.Runtime.Loader;
using Gasleser;
using Gasleser.Bench.Neighbour;
using Gasleser.Hosting;
using Gasleser.Sessions;
using Gasleser.Simulator;
using Gasleser.Tests;

string moduleDir = StagedModule.Directory;

TimeSpan span = TimeSpan.FromMinutes(10);
TimeSpan every = TimeSpan.FromSeconds(60);
int[] periods = { 10, 30, 60 };
const int Phases = 4;
var caseOutcome = new Outcome();

using Runspace runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
runspace.Open();
using (PowerShell import = Invoke(runspace, $"Import-Module '{Path.Combine(moduleDir, "Gasleser.psd1")}' -ErrorAction Stop"))
{
    import.Invoke();
}

if (args.Contains("--issue-cases"))
{
    // The cases issue 22 was filed with, against a neighbour polling every 10.05 s as Home Assistant does (and one with
    // spare capacity), each once: what this module got, what the neighbour kept, the requests and 429s the device saw.
    Console.WriteLine($"| {"case",-88} | {"ours",-10} | {"neighbour kept",-14} | {"requests (both)",15} | {"429s (both)",11} |");
    Console.WriteLine($"|{new string('-', 90)}|{new string('-', 12)}|{new string('-', 16)}|{new string('-', 17)}|{new string('-', 13)}|");
    await CaseAsync("rejects restart the window; neighbour 10.05 s; Watch -Interval 60 -Count 3", true, 10.05, 3,
        (clock, address) => Task.FromResult(Invoke(runspace, $"Watch-GasleserReading {address} -Interval 60 -Count 3")), 1000);
    await CaseAsync("rejects restart the window; neighbour 10.05 s; Get-GasleserReading every 5 s for 80 s", true, 10.05, 17,
        async (clock, address) =>
        {
            TimeSpan begin = clock.Elapsed;
            for (int k = 0; k < 16; k++)
            {
                await clock.DelayUntilAsync(begin + TimeSpan.FromSeconds(5 * k), CancellationToken.None);
                Collect(caseOutcome, Invoke(runspace, $"Get-GasleserReading {address}"));
            }

            await clock.DelayUntilAsync(begin + TimeSpan.FromSeconds(80), CancellationToken.None);
            return Invoke(runspace, $"Get-GasleserReading {address}");
        }, 1001);
    await CaseAsync("only served requests restart the window; neighbour 10.05 s; Watch -Interval 60 -Count 3", false, 10.05, 3,
        (clock, address) => Task.FromResult(Invoke(runspace, $"Watch-GasleserReading {address} -Interval 60 -Count 3")), 1002);
    await CaseAsync("rejects restart the window; neighbour 30 s, 15 s after ours; Watch -Interval 30 -Count 20", true, 30, 20,
        (clock, address) => Task.FromResult(Invoke(runspace, $"Watch-GasleserReading {address} -Interval 30 -Count 20")), 1003, phase: 15);
    await CaseAsync("rejects restart the window; neighbour 30 s, 27 s after ours; Watch -Interval 30 -Count 20", true, 30, 20,
        (clock, address) => Task.FromResult(Invoke(runspace, $"Watch-GasleserReading {address} -Interval 30 -Count 20")), 1004, phase: 27);
    await CaseAsync("rejects restart the window; neighbour 30 s, 3 s after ours; Watch -Interval 30 -Count 20", true, 30, 20,
        (clock, address) => Task.FromResult(Invoke(runspace, $"Watch-GasleserReading {address} -Interval 30 -Count 20")), 1005, phase: 3);
    return;
}

Console.WriteLine($"Ten minutes of virtual time per run, {Phases} neighbour phases per row; this module reads every {every.TotalSeconds:0} s.");
Console.WriteLine("ours: readings this module got of those it asked for; kept: the neighbour's polls served of those it made;");
Console.WriteLine("requests/429s: this module's; max/call: most requests one call sent; RL named: RateLimited errors that name the other client and its interval.");
Console.WriteLine();
Console.WriteLine($"| {"device window",-22} | {"Retry-After",-11} | {"neighbour",-9} | {"use",-5} | {"ours",-12} | {"kept",-13} | {"requests",8} | {"429s",5} | {"max/call",8} | {"RL named",8} | {"worst kept",10} |");
Console.WriteLine($"|{new string('-', 24)}|{new string('-', 13)}|{new string('-', 11)}|{new string('-', 7)}|{new string('-', 14)}|{new string('-', 15)}|{new string('-', 10)}|{new string('-', 7)}|{new string('-', 10)}|{new string('-', 10)}|{new string('-', 12)}|");

int address = 0;
foreach (bool rejectsRestart in new[] { false, true })
{
    foreach (bool retryAfter in new[] { false, true })
    {
        foreach (int period in periods)
        {
            foreach (string use in new[] { "watch", "task" })
            {
                var total = new Outcome();
                double worstKept = 1;
                for (int phase = 0; phase < Phases; phase++)
                {
                    TimeSpan offset = TimeSpan.FromSeconds(period * (2 * phase + 1) / (2.0 * Phases));
                    Outcome run = await RunAsync(runspace, rejectsRestart, retryAfter, TimeSpan.FromSeconds(period), offset, use, ++address);
                    total.Add(run);
                    worstKept = Math.Min(worstKept, run.NeighbourKept / (double)run.NeighbourPolls);
                }

                Console.WriteLine($"| {(rejectsRestart ? "served or rejected" : "served only"),-22} | {(retryAfter ? "sent" : "not sent"),-11} | {period + " s",-9} | {use,-5} | {Share(total.Readings, total.Asked),-12} | {Share(total.NeighbourKept, total.NeighbourPolls),-13} | {total.Requests,8} | {total.RateLimited,5} | {total.MostPerCall,8} | {total.Named + "/" + total.RateLimitedErrors,8} | {worstKept,10:P0} |");
            }
        }
    }
}

return;

async Task CaseAsync(string title, bool rejectsRestart, double neighbourPeriod, int asked, Func<VirtualClock, string, Task<PowerShell>> use, int n, double phase = 3)
{
    string folder = Directory.CreateTempSubdirectory("gasleser-bench-neighbour-").FullName;
    using var clock = new VirtualClock();
    ProcessWide.Clock = clock;
    ProcessWide.PrivateFolder = folder;
    SessionRegistry.Clear();
    var device = new SimulatedDevice("GAS_" + (3100000000L + n).ToString(CultureInfo.InvariantCulture), now: () => clock.TrueNow) { RejectsRestartWindow = rejectsRestart };
    var server = new DeviceServer(device, new IPAddress(new byte[] { 127, 91, (byte)(n / 250), (byte)(1 + n % 250) }));
    try
    {
        TimeSpan period = TimeSpan.FromSeconds(neighbourPeriod);
        device.StartNeighbour(period, TimeSpan.FromSeconds(phase));
        clock.Advance(period);
        DateTimeOffset start = clock.TrueNow;
        caseOutcome = new Outcome { Asked = asked };
        Collect(caseOutcome, await use(clock, server.Address));
        DateTimeOffset end = clock.TrueNow + TimeSpan.FromSeconds(1);
        List<DeviceRequest> seen = device.Requests.Where(r => r.Arrival >= start && r.Arrival < end).ToList();
        List<DeviceRequest> theirs = seen.Where(r => r.Client == SimulatedDevice.NeighbourClient).ToList();
        Console.WriteLine($"| {title,-88} | {caseOutcome.Readings + " of " + asked,-10} | {theirs.Count(r => r.Status == 200) + " of " + theirs.Count,-14} | {seen.Count,15} | {seen.Count(r => r.Status == 429),11} |");
    }
    finally
    {
        await server.DisposeAsync();
        ProcessWide.Clock = SystemClock.Instance;
        Directory.Delete(folder, recursive: true);
    }
}

static string Share(int part, int whole) => $"{part}/{whole} {(whole == 0 ? 1 : part / (double)whole),4:P0}";

async Task<Outcome> RunAsync(Runspace shell, bool rejectsRestart, bool retryAfter, TimeSpan period, TimeSpan offset, string use, int n)
{
    string folder = Directory.CreateTempSubdirectory("gasleser-bench-neighbour-").FullName;
    using var clock = new VirtualClock();
    ProcessWide.Clock = clock;
    ProcessWide.PrivateFolder = folder;
    SessionRegistry.Clear();
    var device = new SimulatedDevice("GAS_" + (3100000000L + n).ToString(CultureInfo.InvariantCulture), now: () => clock.TrueNow)
    {
        RejectsRestartWindow = rejectsRestart,
        SendsRetryAfter = retryAfter,
    };
    var server = new DeviceServer(device, new IPAddress(new byte[] { 127, 91, (byte)(n / 250), (byte)(1 + n % 250) }));
    try
    {
        // The neighbour was polling before this module started: its first poll a period before our start, plus the offset.
        device.StartNeighbour(period, offset);
        clock.Advance(period);
        DateTimeOffset start = clock.TrueNow;
        var outcome = new Outcome { Asked = (int)(span / every) };
        var calls = new List<(DateTimeOffset From, DateTimeOffset To)>();
        if (use == "watch")
        {
            Collect(outcome, Invoke(shell, $"Watch-GasleserReading {server.Address} -Interval {every.TotalSeconds:0} -Count {outcome.Asked}"));
            DateTimeOffset[] due = Enumerable.Range(0, outcome.Asked + 1).Select(k => start + k * every).ToArray();
            calls.AddRange(due.Zip(due.Skip(1)));
        }
        else
        {
            for (int k = 0; k < outcome.Asked; k++)
            {
                await clock.DelayUntilAsync(clock.Elapsed + (start + k * every - clock.TrueNow), CancellationToken.None);
                SessionRegistry.Clear(); // a new process
                DateTimeOffset from = clock.TrueNow;
                Collect(outcome, Invoke(shell, $"Get-GasleserReading {server.Address}"));
                calls.Add((from, clock.TrueNow + TimeSpan.FromMilliseconds(1)));
            }
        }

        await clock.DelayUntilAsync(clock.Elapsed + (start + span - clock.TrueNow), CancellationToken.None);
        List<DeviceRequest> seen = device.Requests.Where(r => r.Arrival >= start && r.Arrival < start + span).ToList();
        List<DeviceRequest> ours = seen.Where(r => r.Client == SimulatedDevice.ModuleClient).ToList();
        List<DeviceRequest> theirs = seen.Where(r => r.Client == SimulatedDevice.NeighbourClient).ToList();
        outcome.Requests = ours.Count;
        outcome.RateLimited = ours.Count(r => r.Status == 429);
        outcome.NeighbourPolls = theirs.Count;
        outcome.NeighbourKept = theirs.Count(r => r.Status == 200);
        outcome.MostPerCall = calls.Count == 0 ? 0 : calls.Max(c => ours.Count(r => r.Arrival >= c.From && r.Arrival < c.To));
        return outcome;
    }
    finally
    {
        await server.DisposeAsync();
        ProcessWide.Clock = SystemClock.Instance;
        Directory.Delete(folder, recursive: true);
    }
}

static void Collect(Outcome outcome, PowerShell ps)
{
    using (ps)
    {
        outcome.Readings += ps.Invoke().Count(o => o?.BaseObject is GasleserReading);
        foreach (ErrorRecord error in ps.Streams.Error)
        {
            if (error.Exception is GasleserRateLimitedException limited)
            {
                outcome.RateLimitedErrors++;
                if (limited.OtherClientInterval != null && limited.Message.Contains("another client", StringComparison.Ordinal) && limited.Message.Contains("about every", StringComparison.Ordinal))
                {
                    outcome.Named++;
                }
            }
        }
    }
}

static PowerShell Invoke(Runspace shell, string script)
{
    PowerShell ps = PowerShell.Create();
    ps.Runspace = shell;
    ps.AddScript(script);
    return ps;
}

namespace Gasleser.Bench.Neighbour
{
    [AttributeUsage(AttributeTargets.Assembly)]
    public sealed class ModuleDirectoryAttribute(string path) : Attribute
    {
        public string Path { get; } = path;
    }

    /// <summary>The one Gasleser.dll in this process is the staged one, resolved before any code that names its types is compiled.</summary>
    internal static class StagedModule
    {
        public static string Directory { get; } = typeof(StagedModule).Assembly.GetCustomAttribute<ModuleDirectoryAttribute>()!.Path;

        [System.Runtime.CompilerServices.ModuleInitializer]
        internal static void LoadModuleTypesFromStagedFolder() =>
            AssemblyLoadContext.Default.Resolving += (context, name) =>
                name.Name == "Gasleser" ? context.LoadFromAssemblyPath(System.IO.Path.Combine(Directory, "Gasleser.dll")) : null;
    }

    internal sealed class Outcome
    {
        public int Asked { get; set; }

        public int Readings { get; set; }

        public int Requests { get; set; }

        public int RateLimited { get; set; }

        public int RateLimitedErrors { get; set; }

        public int Named { get; set; }

        public int NeighbourPolls { get; set; }

        public int NeighbourKept { get; set; }

        public int MostPerCall { get; set; }

        public void Add(Outcome run)
        {
            Asked += run.Asked;
            Readings += run.Readings;
            Requests += run.Requests;
            RateLimited += run.RateLimited;
            RateLimitedErrors += run.RateLimitedErrors;
            Named += run.Named;
            NeighbourPolls += run.NeighbourPolls;
            NeighbourKept += run.NeighbourKept;
            MostPerCall = Math.Max(MostPerCall, run.MostPerCall);
        }
    }
}
