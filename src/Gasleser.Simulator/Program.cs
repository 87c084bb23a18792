using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Threading;
using Gasleser.Simulator;

// Gasleser device simulator: serves one or many simulated devices on loopback until Ctrl+C.
//   dotnet run --project src/Gasleser.Simulator -- 127.0.0.1:8080 127.0.0.2:8080=OldFirmware
// Each argument is ADDRESS:PORT, optionally =FAULT (see DeviceFault: None, OldFirmware, Slow, Hang,
// MalformedJson, Html, Oversized, Redirect, DropConnection, Busy, Unavailable, ServerError, Unauthorized,
// ClockNotSet, HostileId, ByteOrderMark, BareLineFeeds, Continue). A device's id comes from its address and port
// (127.0.0.11:8080 is GAS_00000001108080): the same every run, never one for two devices. Options before the
// addresses apply to every device: --rejects-restart-window (a rejected request restarts the 10 s window too),
// --retry-after (a 429 says when the window ends), --neighbour PERIOD[@PHASE] (a second client inside the device
// polls it every PERIOD seconds, the first time PHASE seconds after the start, as Home Assistant does at 10 s).
// Every request is printed with who sent it (the module's User-Agent, or "neighbour").

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("usage: Gasleser.Simulator [--rejects-restart-window] [--retry-after] [--neighbour PERIOD[@PHASE]] ADDRESS:PORT[=FAULT] ...");
    Console.WriteLine("  e.g. Gasleser.Simulator 127.0.0.1:8080 127.0.0.2:8080=OldFirmware");
    Console.WriteLine("       Gasleser.Simulator --rejects-restart-window --neighbour 10.05@3 127.0.0.1:8080");
    Console.WriteLine("  faults: " + string.Join(", ", Enum.GetNames<DeviceFault>()));
    Console.WriteLine("  --rejects-restart-window  a rejected request restarts the device's 10 s window (default: only a served one)");
    Console.WriteLine("  --retry-after             a 429 carries Retry-After: the seconds until the window ends");
    Console.WriteLine("  --neighbour PERIOD[@PHASE] another client polls every PERIOD s, first at PHASE s (default 0)");
    Console.WriteLine("  Only loopback addresses (127.x.y.z, ::1) are served.");
    return args.Length == 0 ? 2 : 0;
}

var servers = new List<DeviceServer>();
bool rejectsRestartWindow = false, sendsRetryAfter = false;
(TimeSpan Period, TimeSpan Phase)? neighbour = null;
for (int i = 0; i < args.Length; i++)
{
    string arg = args[i];
    if (arg == "--rejects-restart-window")
    {
        rejectsRestartWindow = true;
        continue;
    }

    if (arg == "--retry-after")
    {
        sendsRetryAfter = true;
        continue;
    }

    if (arg == "--neighbour")
    {
        string[] when = i + 1 < args.Length ? args[++i].Split('@', 2) : new[] { "" };
        if (!double.TryParse(when[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double every) || every < 1
            || (when.Length == 2 && !double.TryParse(when[1], NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
        {
            Console.Error.WriteLine("--neighbour takes PERIOD[@PHASE] in seconds, e.g. 10.05 or 30@5 (a period of at least 1 s).");
            return 2;
        }

        double first = when.Length == 2 ? double.Parse(when[1], CultureInfo.InvariantCulture) : 0;
        neighbour = (TimeSpan.FromSeconds(every), TimeSpan.FromSeconds(first));
        continue;
    }

    string[] spec = arg.Split('=', 2);
    DeviceFault fault = DeviceFault.None;
    if (!IPEndPoint.TryParse(spec[0], out IPEndPoint? endPoint) || endPoint.Port == 0 || !IPAddress.IsLoopback(endPoint.Address)
        || (spec.Length == 2 && !Enum.TryParse(spec[1], ignoreCase: true, out fault)))
    {
        Console.Error.WriteLine($"'{arg}' is not LOOPBACK-ADDRESS:PORT[=FAULT]; faults: {string.Join(", ", Enum.GetNames<DeviceFault>())}");
        return 2;
    }

    // Ids are made from the address and port, so two simulators (127.0.0.1:8080 and 127.0.0.11:8080) never share one.
    var device = new SimulatedDevice(SimulatedDevice.IdFor(endPoint))
    {
        Fault = fault,
        RejectsRestartWindow = rejectsRestartWindow,
        SendsRetryAfter = sendsRetryAfter,
    };
    if (neighbour is var (period, phase))
    {
        device.StartNeighbour(period, phase);
    }

    var server = new DeviceServer(device, endPoint.Address, endPoint.Port);
    server.RequestServed += r => Print(server, r);
    servers.Add(server);
    Console.WriteLine($"{device.DeviceId} on http://{server.Address}/v1/data ({fault}"
        + (rejectsRestartWindow ? ", a rejected request restarts the window" : "")
        + (sendsRetryAfter ? ", 429 with Retry-After" : "")
        + (neighbour is var (p, _) ? $", a neighbour polls every {p.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s" : "") + ")");
}

using var stop = new ManualResetEventSlim();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Set(); };
Console.WriteLine("Ctrl+C stops.");

// Each HTTP request is printed as it is answered; the built-in neighbour's polls as they fall due.
var printed = new int[servers.Count];
while (!stop.Wait(100))
{
    for (int d = 0; d < servers.Count; d++)
    {
        IReadOnlyList<DeviceRequest> polls = servers[d].Device.RequestsFrom(SimulatedDevice.NeighbourClient);
        for (; printed[d] < polls.Count; printed[d]++)
        {
            Print(servers[d], polls[printed[d]]);
        }
    }
}

foreach (DeviceServer server in servers)
{
    await server.DisposeAsync();
}

return 0;

static void Print(DeviceServer server, DeviceRequest r) =>
    Console.WriteLine($"{r.Arrival.ToLocalTime():HH:mm:ss.fff} {server.Address} {server.Device.DeviceId} {r.Method} {r.Path} -> {r.Status} ({r.Client})");
