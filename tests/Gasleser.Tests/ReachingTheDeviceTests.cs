using System.Net;
using System.Net.Sockets;
using Gasleser.Sessions;
using Gasleser.Simulator;
using Xunit;

namespace Gasleser.Tests;

/// <summary>
/// What it takes to reach a device, and what a try that never reached it costs: nothing. Only a request whose
/// bytes were sent spends the device's turn; an IPv4-mapped IPv6 address is the IPv4 address it holds.
/// </summary>
public sealed class ReachingTheDeviceTests : IDisposable
{
    private readonly SimulatedDevices _devices = new();
    private readonly ModuleShell _shell = new();

    public void Dispose()
    {
        _shell.Dispose();
        _devices.Dispose();
    }

    [Fact]
    public void A_refused_connection_spends_no_turn_in_this_process_nor_in_another()
    {
        DeviceServer device = _devices.Start();
        device.GoAway();

        ShellResult refused = _shell.Run($"Get-GasleserReading {device.Address}");
        Assert.Equal(new[] { "Gasleser.Unreachable" }, refused.ErrorIds);
        Assert.Contains("connection refused", refused.Errors[0].Exception.Message);
        device.ComeBack();

        // This process: the next try goes at once (-NoWait would refuse to wait for a turn).
        ShellResult again = _shell.Run($"Get-GasleserReading {device.Address} -NoWait -Verbose");
        Assert.Empty(again.Errors);
        Assert.Single(again.Readings);
        Assert.DoesNotContain(again.Verbose, v => v.Contains("waiting"));

        // Another process meets the turn in the slot file: a refused try there left no claim on the device either.
        device.GoAway();
        _devices.Clock!.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(new[] { "Gasleser.Unreachable" }, _shell.Run($"Get-GasleserReading {device.Address}").ErrorIds);
        device.ComeBack();
        SessionRegistry.Clear(); // what another process starts with: no sessions, the same slot files
        ShellResult other = _shell.Run($"Get-GasleserReading {device.Address} -NoWait");
        Assert.Empty(other.Errors);
        Assert.Single(other.Readings);

        Assert.Equal(2, device.Device.Requests.Count);
        Assert.All(device.Device.Requests, r => Assert.Equal(200, r.Status));
    }

    [Fact]
    public void No_answer_to_the_connection_attempt_spends_no_turn()
    {
        // A listener that accepts nothing, its queue full: the next connection attempt goes unanswered.
        IPAddress address = SimulatedDevices.NextLoopbackAddress();
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        silent.Bind(new IPEndPoint(address, 0));
        silent.Listen(0);
        var endPoint = (IPEndPoint)silent.LocalEndPoint!;
        var queued = new List<Socket>();
        try
        {
            for (int i = 0; i < 2; i++)
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
                try { s.Connect(endPoint); } catch (SocketException) { }
                queued.Add(s);
            }

            ShellResult first = _shell.Run($"Get-GasleserReading {address}:{endPoint.Port} -TimeoutSec 1");
            var timeout = Assert.IsType<GasleserTimeoutException>(Assert.Single(first.Errors).Exception);
            Assert.Equal(ExchangePhase.Connect, timeout.Phase);

            ShellResult second = _shell.Run($"Get-GasleserReading {address}:{endPoint.Port} -TimeoutSec 1 -NoWait");
            var again = Assert.IsType<GasleserTimeoutException>(Assert.Single(second.Errors).Exception); // it tried again, at once
            Assert.Equal(ExchangePhase.Connect, again.Phase);
        }
        finally
        {
            queued.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public void A_request_that_was_sent_spends_the_turn_even_when_the_answer_broke()
    {
        DeviceServer device = _devices.Start(DeviceFault.DropConnection);

        Assert.Single(_shell.Run($"Get-GasleserReading {device.Address}").Errors);
        ShellResult again = _shell.Run($"Get-GasleserReading {device.Address} -NoWait");

        Assert.Equal(new[] { "Gasleser.RateLimited" }, again.ErrorIds);
        Assert.Single(device.Device.Requests);
    }

    [Fact]
    public void An_IPv4_mapped_address_is_read_as_the_IPv4_address_it_holds_and_shares_its_turn()
    {
        DeviceServer device = _devices.Start();
        string mapped = $"[::ffff:{device.EndPoint.Address}]:{device.EndPoint.Port}";

        ShellResult result = _shell.Run($"Get-GasleserReading '{mapped}' -TimeoutSec 2");
        ShellResult plain = _shell.Run($"Get-GasleserReading {device.Address} -NoWait");

        Assert.Empty(result.Errors);
        GasleserReading reading = Assert.Single(result.Readings);
        Assert.Equal(device.Device.DeviceId, reading.DeviceId);
        Assert.Equal(new[] { "Gasleser.RateLimited" }, plain.ErrorIds); // one device, one turn
        Assert.Single(device.Device.Requests);
    }

    [Fact]
    public void Simulated_devices_get_ids_unique_per_address_and_port()
    {
        string a = SimulatedDevice.IdFor(new IPEndPoint(IPAddress.Parse("127.0.0.1"), 8080));
        string b = SimulatedDevice.IdFor(new IPEndPoint(IPAddress.Parse("127.0.0.11"), 8080));
        string c = SimulatedDevice.IdFor(new IPEndPoint(IPAddress.Parse("127.0.0.1"), 8081));
        string v6 = SimulatedDevice.IdFor(new IPEndPoint(IPAddress.IPv6Loopback, 8080));

        Assert.Equal(4, new[] { a, b, c, v6 }.Distinct().Count());
        Assert.All(new[] { a, b, c, v6 }, id => Assert.Matches(@"^GAS_\d+$", id));
        Assert.Equal(a, SimulatedDevice.IdFor(new IPEndPoint(IPAddress.Parse("127.0.0.1"), 8080))); // the same on every run
        var many = from x in new[] { 0, 1, 11, 111, 255 } from y in new[] { 0, 1, 11, 255 } from port in new[] { 1, 80, 808, 8080, 65535 }
                   select SimulatedDevice.IdFor(new IPEndPoint(new IPAddress(new byte[] { 127, (byte)y, 1, (byte)x }), port));
        Assert.Equal(5 * 4 * 5, many.Distinct().Count());
    }
}
