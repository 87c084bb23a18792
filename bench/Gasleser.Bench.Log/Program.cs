// Import-GasleserLog against Import-Csv | ForEach-Object { [Gasleser.GasleserReading]$_ } on one year of one-minute
// rows (525 600), in one hosted PowerShell, with the managed heap's peak during each; then Export-GasleserLog
// appends per second from 1 and from 4 processes writing one file. Prints figures; asserts nothing.
//   dotnet run -c Release --project bench/Gasleser.Bench.Log
using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Reflection;
using System.Text;
using Gasleser.Bench;
using Gasleser.Bench.Log;

string moduleDir = typeof(ModuleDirectoryAttribute).Assembly.GetCustomAttribute<ModuleDirectoryAttribute>()!.Path;
string manifest = Path.Combine(moduleDir, "Gasleser.psd1");

if (args.Length == 3 && args[0] == "append")
{
    // A child process: appends args[2] readings to args[1], prints "start end" of the appending (UTC ticks).
    using Runspace child = Open(manifest);
    int count = int.Parse(args[2], CultureInfo.InvariantCulture);
    long startTicks = DateTime.UtcNow.Ticks;
    Invoke(child, "$now = [datetimeoffset]::Now; 1..$count | ForEach-Object { [Gasleser.GasleserReading]@{ ComputerName = '192.168.2.132'; DeviceId = 'GAS_2329790123'; Timestamp = $now.AddSeconds(-$_); TotalConsumption = 12345.8 + $_ / 1000 } } | Export-GasleserLog $path",
        new() { ["count"] = count, ["path"] = args[1] });
    Console.WriteLine($"{startTicks} {DateTime.UtcNow.Ticks}");
    return;
}

const int Minutes = 365 * 24 * 60;
string folder = Directory.CreateTempSubdirectory("gasleser-bench-log-").FullName;
try
{
    string log = Path.Combine(folder, "year.csv");
    WriteYear(log);
    Console.WriteLine($"Log benchmark: {Minutes:N0} one-minute rows ({new FileInfo(log).Length / 1048576.0:N0} MiB, as Export-GasleserLog writes them), " +
                      $"hosted PowerShell {typeof(PSObject).Assembly.GetName().Version}, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
    Console.WriteLine();
    Console.WriteLine($"{"pipeline",-82} {"seconds",8} {"rows/s",10} {"peak heap",10}");
    using (Runspace runspace = Open(manifest))
    {
        // The same sink for both: Measure-Object counts without keeping the objects.
        Read(runspace, "Import-GasleserLog $log | Measure-Object", log);
        Read(runspace, "Import-Csv $log | ForEach-Object { [Gasleser.GasleserReading]$_ } | Measure-Object", log);
        Read(runspace, "Import-GasleserLog $log | Measure-Object", log);
        Read(runspace, "Import-Csv $log | ForEach-Object { [Gasleser.GasleserReading]$_ } | Measure-Object", log);
    }

    Console.WriteLine();
    const int Appends = 1000;
    foreach (int processes in new[] { 1, 4 })
    {
        string shared = Path.Combine(folder, $"appends-{processes}.csv");
        var children = Enumerable.Range(0, processes).Select(_ => Process.Start(new ProcessStartInfo("dotnet")
        {
            ArgumentList = { typeof(ModuleDirectoryAttribute).Assembly.Location, "append", shared, Appends.ToString(CultureInfo.InvariantCulture) },
            RedirectStandardOutput = true,
        })!).ToList();
        var spans = children.Select(c => c.StandardOutput.ReadToEnd().Trim().Split(' ').Select(long.Parse).ToArray()).ToList();
        children.ForEach(c => c.WaitForExit());
        double seconds = TimeSpan.FromTicks(spans.Max(s => s[1]) - spans.Min(s => s[0])).TotalSeconds;
        int rows = File.ReadAllLines(shared).Length - 1;
        Console.WriteLine($"Export-GasleserLog, {processes} process(es) x {Appends} readings into one file: {rows} rows in {seconds:N2} s = {rows / seconds:N0} appends/s");
    }

    Console.WriteLine();
    Console.WriteLine("peak heap = highest managed heap seen during the run (sampled every 5 ms, garbage included) minus the heap before it.");
    Console.WriteLine("Each import runs twice; the second run of each is warm.");
}
finally
{
    Directory.Delete(folder, recursive: true);
}

static void WriteYear(string path)
{
    var start = DateTimeOffset.Now.AddMinutes(-Minutes - 60);
    using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
    writer.WriteLine("\"ComputerName\",\"DeviceId\",\"Timestamp\",\"TotalConsumption\",\"CurrentFlowRate\",\"ConsumptionDelta\",\"AverageFlowRate\",\"PulseCount\",\"SignalStrength\",\"Rssi\",\"FromCache\"");
    for (int i = 0; i < Minutes; i++)
    {
        string time = start.AddMinutes(i).ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);
        string total = Math.Round(10000 + i * 0.0125, 3).ToString("R", CultureInfo.InvariantCulture);
        writer.WriteLine($"\"192.168.2.132\",\"GAS_2329790123\",\"{time}\",\"{total}\",\"0.75\",\"0.0125\",\"0.75\",\"{1000000 + i}\",\"84\",\"-51\",\"False\"");
    }
}

void Read(Runspace runspace, string script, string log)
{
    using var heap = new HeapPeak();
    var watch = Stopwatch.StartNew();
    Collection<PSObject> output = Invoke(runspace, script, new() { ["log"] = log });
    watch.Stop();
    double peakMiB = heap.StopMiB();
    int count = (int)output[0].Properties["Count"].Value;
    if (count != Minutes)
    {
        throw new InvalidOperationException($"{script}: {count} readings, {Minutes} expected");
    }

    Console.WriteLine($"{script,-82} {watch.Elapsed.TotalSeconds,8:N2} {Minutes / watch.Elapsed.TotalSeconds,10:N0} {peakMiB,6:N1} MiB");
}

static Runspace Open(string manifest)
{
    Runspace runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
    runspace.Open();
    Invoke(runspace, "Import-Module $manifest -ErrorAction Stop", new() { ["manifest"] = manifest });
    return runspace;
}

static Collection<PSObject> Invoke(Runspace runspace, string script, Dictionary<string, object> variables)
{
    using PowerShell ps = PowerShell.Create();
    ps.Runspace = runspace;
    foreach (var (name, value) in variables)
    {
        runspace.SessionStateProxy.SetVariable(name, value);
    }

    ps.AddScript(script);
    Collection<PSObject> output = ps.Invoke();
    if (ps.Streams.Error.Count > 0)
    {
        throw new InvalidOperationException(ps.Streams.Error[0].ToString());
    }

    return output;
}

namespace Gasleser.Bench.Log
{
    /// <summary>The staged module folder (out/Gasleser/), written into this assembly at build time.</summary>
    [AttributeUsage(AttributeTargets.Assembly)]
    public sealed class ModuleDirectoryAttribute(string path) : Attribute
    {
        public string Path { get; } = path;
    }
}
