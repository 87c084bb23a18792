using System;
using System.Collections.Generic;
using System.Net;
using System.Threading;
using Gasleser.Simulator;

// Gasleser device simulator: serves one or many simulated devices on loopback until Ctrl+C.
//   dotnet run --project src/Gasleser.Simulator -- 127.0.0.1:8080 127.0.0.2:8080=OldFirmware
// Each argument is ADDRESS:PORT, optionally =FAULT (see DeviceFault: None, OldFirmware, Slow, Hang,
// MalformedJson, Html, Oversized, Redirect, DropConnection, Busy, Unavailable, ServerError, Unauthorized,
// ClockNotSet, HostileId, ByteOrderMark, BareLineFeeds, Continue). A device's id comes from its address and port
// (127.0.0.11:8080 is GAS_00000001108080): the same every run, never one for two devices.

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("usage: Gasleser.Simulator ADDRESS:PORT[=FAULT] ...");
    Console.WriteLine("  e.g. Gasleser.Simulator 127.0.0.1:8080 127.0.0.2:8080=OldFirmware");
    Console.WriteLine("  faults: " + string.Join(", ", Enum.GetNames<DeviceFault>()));
    Console.WriteLine("  Only loopback addresses (127.x.y.z, ::1) are served.");
    return args.Length == 0 ? 2 : 0;
}

var servers = new List<DeviceServer>();
foreach (string arg in args)
{
    string[] spec = arg.Split('=', 2);
    DeviceFault fault = DeviceFault.None;
    if (!IPEndPoint.TryParse(spec[0], out IPEndPoint? endPoint) || endPoint.Port == 0 || !IPAddress.IsLoopback(endPoint.Address)
        || (spec.Length == 2 && !Enum.TryParse(spec[1], ignoreCase: true, out fault)))
    {
        Console.Error.WriteLine($"'{arg}' is not LOOPBACK-ADDRESS:PORT[=FAULT]; faults: {string.Join(", ", Enum.GetNames<DeviceFault>())}");
        return 2;
    }

    // Ids are made from the address and port, so two simulators (127.0.0.1:8080 and 127.0.0.11:8080) never share one.
    var device = new SimulatedDevice(SimulatedDevice.IdFor(endPoint)) { Fault = fault };
    var server = new DeviceServer(device, endPoint.Address, endPoint.Port);
    server.RequestServed += r => Console.WriteLine($"{r.Arrival.ToLocalTime():HH:mm:ss.fff} {server.Address} {device.DeviceId} {r.Method} {r.Path} -> {r.Status}");
    servers.Add(server);
    Console.WriteLine($"{device.DeviceId} on http://{server.Address}/v1/data ({fault})");
}

using var stop = new ManualResetEventSlim();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Set(); };
Console.WriteLine("Ctrl+C stops.");
stop.Wait();
foreach (DeviceServer server in servers)
{
    await server.DisposeAsync();
}

return 0;
