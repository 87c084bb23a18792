using Xunit;
using Xunit.Abstractions;
namespace Gasleser.Tests;
public sealed class ScratchTests(ITestOutputHelper output) : IDisposable
{
    private readonly SimulatedDevices _devices = new();
    private readonly ModuleShell _shell = new();
    public void Dispose() { _shell.Dispose(); _devices.Dispose(); }
    [Fact]
    public void Scratch()
    {
        var a = _devices.Start(); var b = _devices.Start();
        var r = _shell.Run($"Watch-GasleserReading {a.Address}, {b.Address} -Count 3 -Verbose");
        foreach (var v in r.Verbose) output.WriteLine(v);
        foreach (var q in a.Device.Requests) output.WriteLine("a " + q.Arrival.ToString("o") + " " + q.Status);
        foreach (var q in b.Device.Requests) output.WriteLine("b " + q.Arrival.ToString("o") + " " + q.Status);
    }
}
