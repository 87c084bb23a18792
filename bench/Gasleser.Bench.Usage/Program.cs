// One year of one-minute readings (525 600) through Measure-GasleserUsage -Per Day in the hosted PowerShell
// engine, beside the cost of only enumerating the same objects through the pipeline; then the same year with the
// single-factor bill and with a 12-row tariff (monthly Brennwert, two price changes, a standing charge), and the
// tariff's time as a multiple of the single factor's (goal: at most 1.2). Prints figures; asserts nothing.
using System.Collections;
using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Reflection;
using System.Runtime.Loader;
using Gasleser;
using Gasleser.Bench;
using Gasleser.Bench.Usage;

string moduleDir = typeof(ModuleDirectoryAttribute).Assembly.GetCustomAttribute<ModuleDirectoryAttribute>()!.Path;
AssemblyLoadContext.Default.Resolving += (context, name) =>
    name.Name == "Gasleser" ? context.LoadFromAssemblyPath(Path.Combine(moduleDir, "Gasleser.dll")) : null;

const int Minutes = 365 * 24 * 60;
// The year that ended at the start of today (UTC+1): readings more than a day ahead of this computer's clock are refused.
var start = new DateTimeOffset(DateTime.SpecifyKind(DateTime.UtcNow.Date.AddDays(-365), DateTimeKind.Unspecified), TimeSpan.FromHours(1));
var german = CultureInfo.GetCultureInfo("de-DE");

// Lazy sources: the readings are made as the pipeline asks for them, so what stays in memory is what the
// command keeps, not the input.
IEnumerable<GasleserReading> LiveReadings()
{
    for (int i = 0; i < Minutes; i++)
    {
        yield return new GasleserReading
        {
            ComputerName = "192.168.2.132",
            DeviceId = "GAS_2329790123",
            Timestamp = start.AddMinutes(i),
            TotalConsumption = Math.Round(10000 + i * 0.0125, 3),
            CurrentFlowRate = 0.75,
        };
    }
}

// As Import-Csv gives back a log that Export-Csv wrote in de-DE: strings only.
IEnumerable<PSObject> CsvRows()
{
    foreach (GasleserReading r in LiveReadings())
    {
        var row = new PSObject();
        row.Properties.Add(new PSNoteProperty("ComputerName", r.ComputerName));
        row.Properties.Add(new PSNoteProperty("DeviceId", r.DeviceId));
        row.Properties.Add(new PSNoteProperty("Timestamp", r.Timestamp.ToString(german)));
        row.Properties.Add(new PSNoteProperty("TotalConsumption", r.TotalConsumption.ToString(german)));
        yield return row;
    }
}

using Runspace runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
runspace.Open();
Invoke(runspace, $"Import-Module '{Path.Combine(moduleDir, "Gasleser.psd1")}' -ErrorAction Stop", null);

Console.WriteLine($"Measure-GasleserUsage benchmark: {Minutes:N0} one-minute readings (one year, one device), hosted PowerShell {typeof(PSObject).Assembly.GetName().Version}, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
Console.WriteLine();
Console.WriteLine($"{"input",-28} {"pipeline",-56} {"seconds",8} {"rows/s",12} {"out",5} {"peak heap",10}");

// --bill: only the single-factor vs tariff comparison.
bool billOnly = args.Contains("--bill");
foreach (var (label, source) in billOnly ? [] : new (string, Func<object>)[] { ("live GasleserReading", () => LiveReadings()), ("CSV rows (de-DE strings)", () => CsvRows()) })
{
    Run(label, "$readings | ForEach-Object { }", source);
    // Not "| Out-Null": the engine turns that into a discard without enumerating. A compiled filter reading one property instead.
    Run(label, "$readings | Where-Object DeviceId -eq ''", source);
    Run(label, "$readings | Measure-GasleserUsage -Per Day -TimeZone Europe/Berlin", source);
}

// The bill: one set of factors for the year, against a tariff of 12 rows that changes the Brennwert every month
// (and the price twice, and carries the standing charge), so a day's usage is split wherever a value changes.
// Five rounds, alternating, so a burst of load on a shared machine does not fall on one side only; wall time and
// this process's CPU time (less disturbed by other processes on a shared machine) both compared.
var tariff = new List<Hashtable>();
for (int month = 0; month < 12; month++)
{
    var row = new Hashtable { ["ValidFrom"] = start.AddMonths(month).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["CalorificValue"] = 11.0 + 0.03 * month };
    if (month == 0)
    {
        row["ConversionFactor"] = 0.9537;
        row["PricePerKWh"] = 0.1089;
        row["StandingChargePerDay"] = 0.4521;
    }
    else if (month == 4 || month == 9)
    {
        row["PricePerKWh"] = 0.1089 + 0.005 * month;
    }

    tariff.Add(row);
}

runspace.SessionStateProxy.SetVariable("tariff", tariff.ToArray());
const string Single = "$readings | Measure-GasleserUsage -Per Day -TimeZone Europe/Berlin -CalorificValue 11.2 -ConversionFactor 0.9537 -PricePerKWh 0.1089 -StandingChargePerDay 0.4521";
const string Tariffed = "$readings | Measure-GasleserUsage -Per Day -TimeZone Europe/Berlin -Tariff $tariff";
Console.WriteLine();
var singleTimes = new List<(double Wall, double Cpu)>();
var tariffTimes = new List<(double Wall, double Cpu)>();
for (int round = 0; round < 5; round++)
{
    singleTimes.Add(RunWithCpu(Single, "… -CalorificValue … -StandingChargePerDay (single)"));
    tariffTimes.Add(RunWithCpu(Tariffed, "… -Tariff (12 rows)"));
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.OrderBy(v => v).ToList();
    return sorted[sorted.Count / 2];
}

double singleBest = singleTimes.Min(t => t.Wall), tariffBest = tariffTimes.Min(t => t.Wall);
double singleCpu = Median(singleTimes.Select(t => t.Cpu)), tariffCpu = Median(tariffTimes.Select(t => t.Cpu));
Console.WriteLine();
Console.WriteLine($"-Tariff (12 rows) vs single factors, best of 5 wall: {tariffBest:N2} s vs {singleBest:N2} s = {tariffBest / singleBest:N2}x the time (goal: at most 1.20x); " +
    $"{Minutes / tariffBest:N0} vs {Minutes / singleBest:N0} readings/s");
Console.WriteLine($"                                  median of 5 CPU: {tariffCpu:N2} s vs {singleCpu:N2} s = {tariffCpu / singleCpu:N2}x");

(double, double) RunWithCpu(string script, string shown)
{
    TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    double wall = Run("live GasleserReading", script, () => LiveReadings(), shown);
    return (wall, (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds);
}

Console.WriteLine();
Console.WriteLine($"process peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:N0} MiB");
Console.WriteLine("peak heap = highest managed heap seen during the run (sampled every 5 ms, garbage included) minus the heap before it;");
Console.WriteLine("the input is made lazily, so a command that kept every reading would show the year's readings here (>50 MiB).");

double Run(string label, string script, Func<object> source, string? shown = null)
{
    using var heap = new HeapPeak();
    var watch = Stopwatch.StartNew();
    int output = Invoke(runspace, script, source());
    watch.Stop();
    double peakMiB = heap.StopMiB();
    Console.WriteLine($"{label,-28} {shown ?? script.Replace(" -TimeZone Europe/Berlin", ""),-56} {watch.Elapsed.TotalSeconds,8:N2} {Minutes / watch.Elapsed.TotalSeconds,12:N0} {output,5} {peakMiB,7:N1} MiB");
    return watch.Elapsed.TotalSeconds;
}

static int Invoke(Runspace runspace, string script, object? readings)
{
    using PowerShell ps = PowerShell.Create();
    ps.Runspace = runspace;
    runspace.SessionStateProxy.SetVariable("readings", readings);
    ps.AddScript(script);
    var output = ps.Invoke();
    if (ps.Streams.Error.Count > 0)
    {
        throw new InvalidOperationException(ps.Streams.Error[0].ToString());
    }

    runspace.SessionStateProxy.SetVariable("readings", null);
    return output.Count;
}

namespace Gasleser.Bench.Usage
{
    /// <summary>The staged module folder (out/Gasleser/), written into this assembly at build time.</summary>
    [AttributeUsage(AttributeTargets.Assembly)]
    public sealed class ModuleDirectoryAttribute(string path) : Attribute
    {
        public string Path { get; } = path;
    }
}
