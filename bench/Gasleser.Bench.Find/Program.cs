using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using Gasleser.Simulator;

// Find-Gasleser sweep benchmark, loopback only. Each scenario gets a fresh 127.99.x.0/24 (or /22) with K
// simulated devices; every other address either holds a listener that accepts and never answers
// ("silent": each probe costs a full timeout) or has nothing listening ("refused": answered at once).
//   dotnet run -c Release --project bench/Gasleser.Bench.Find [-- --timeout-ms 250 --devices 3 --no-sequential]

int timeoutMs = ArgValue("--timeout-ms", 250);
int devices = ArgValue("--devices", 3);
bool sequential = !args.Contains("--no-sequential");

string moduleDir = typeof(Program).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ModuleDirectory").Value!;
using Runspace runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
runspace.Open();
// The benchmark's slot files and known devices stay in a folder of its own: only a user's own commands write into theirs.
string benchFolder = Path.Combine(Path.GetTempPath(), "gasleser-bench-" + Environment.ProcessId);
Run($"Import-Module '{Path.Combine(moduleDir, "Gasleser.psd1")}' -ErrorAction Stop; [Gasleser.InternalHooks]::SetTestHook('PrivateFolder', '{benchFolder}')");
Run("1"); // warm the engine

Console.WriteLine($"Find-Gasleser sweep benchmark (loopback), -TimeoutMilliseconds {timeoutMs}, {devices} live devices per range, {Environment.ProcessorCount} cores");
Console.WriteLine($"{"scenario",-44} {"addrs",6} {"throttle",8} {"wall s",8} {"x timeout",9} {"addr/s",8} {"found",7} {"CPU s",7} {"peak MiB",9}");

int third = 0;
Scenario("/24, others silent, default throttle", 24, silent: true, throttle: null);
Scenario("/24, others silent, -ThrottleLimit 32", 24, silent: true, throttle: 32);
Scenario("/22, others silent, default throttle", 22, silent: true, throttle: null);
Scenario("/22, others refused, default throttle", 22, silent: false, throttle: null);
if (sequential)
{
    Scenario("/24, others silent, -ThrottleLimit 1 (sequential)", 24, silent: true, throttle: 1);
}

return 0;

void Scenario(string name, int prefix, bool silent, int? throttle)
{
    third = (third / 4 + 1) * 4; // a fresh, /22-aligned block of 127.99.x.0 each time: fresh sessions, fresh devices
    string baseAddress = $"127.99.{third}.";
    int hosts = (1 << (32 - prefix)) - 2;
    var addresses = Enumerable.Range(1, hosts).Select(i => IPAddress.Parse($"127.99.{third + i / 256}.{i % 256}")).ToList();
    using var portProbe = new TcpListener(addresses[^1], 0);
    portProbe.Start();
    int port = ((IPEndPoint)portProbe.LocalEndpoint).Port;
    portProbe.Stop();

    var servers = new List<DeviceServer>();
    var listeners = new List<TcpListener>();
    var live = new HashSet<IPAddress>(Enumerable.Range(0, devices).Select(k => addresses[(k + 1) * hosts / (devices + 1)]));
    foreach (IPAddress address in addresses)
    {
        if (live.Contains(address))
        {
            servers.Add(new DeviceServer(new SimulatedDevice("GAS_" + (4224559000 + servers.Count)), address, port));
        }
        else if (silent)
        {
            var listener = new TcpListener(address, port); // never accepts: the connection completes, no answer ever comes
            listener.Start(4);
            listeners.Add(listener);
        }
    }

    string cidr = $"{baseAddress}0/{prefix}";
    string command = $"Find-Gasleser -Subnet {cidr} -Port {port} -Method Sweep -TimeoutMilliseconds {timeoutMs}" + (throttle.HasValue ? $" -ThrottleLimit {throttle}" : "");
    using var process = Process.GetCurrentProcess();
    TimeSpan cpuBefore = process.TotalProcessorTime;
    var stopwatch = Stopwatch.StartNew();
    int found = Run(command).Count(o => o.BaseObject.GetType().Name == "GasleserDevice");
    stopwatch.Stop();
    process.Refresh();
    TimeSpan cpu = process.TotalProcessorTime - cpuBefore;

    double wall = stopwatch.Elapsed.TotalSeconds;
    Console.WriteLine(string.Format(CultureInfo.InvariantCulture,
        "{0,-44} {1,6} {2,8} {3,8:0.00} {4,9:0.0} {5,8:0} {6,7} {7,7:0.00} {8,9:0}",
        name, hosts, throttle?.ToString(CultureInfo.InvariantCulture) ?? "256", wall, wall * 1000 / timeoutMs, hosts / wall,
        $"{found}/{servers.Count}", cpu.TotalSeconds, process.PeakWorkingSet64 / 1048576.0));

    servers.ForEach(s => s.Dispose());
    listeners.ForEach(l => l.Stop());
}

List<PSObject> Run(string script)
{
    using PowerShell ps = PowerShell.Create();
    ps.Runspace = runspace;
    ps.AddScript(script);
    List<PSObject> output = ps.Invoke().ToList();
    foreach (ErrorRecord error in ps.Streams.Error)
    {
        Console.Error.WriteLine("error: " + error);
    }

    return output;
}

int ArgValue(string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
