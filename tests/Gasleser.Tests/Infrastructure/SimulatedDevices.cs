using System.Net;
using Gasleser.Sessions;
using Gasleser.Simulator;
using Gasleser.Hosting;

namespace Gasleser.Tests;

/// <summary>
/// A test's simulated devices, each on a loopback address of its own (127.77.x.y), all on one clock:
/// a <see cref="VirtualClock"/> installed as the sessions' clock, or the wall clock for real-time tests.
/// Disposing stops the devices and restores the wall clock.
/// </summary>
internal sealed class SimulatedDevices : IDisposable
{
    private static int _nextAddress = 1;
    private static int _nextDeviceId = -1;
    private readonly List<DeviceServer> _servers = new();

    /// <summary>What the tests' module takes for this machine's subnets (see ProcessWide.PinnedSubnets).</summary>
    public const string PinnedSubnet = "127.77.255.252/30";

    /// <summary>This test process's folder for machine-wide slot files, apart from the user's real one.</summary>
    public static readonly string SlotDirectory = Path.Combine(Path.GetTempPath(), "gasleser-tests-" + Environment.ProcessId);

    static SimulatedDevices()
    {
        // Nothing in this test process may search this machine's real networks: "this machine's subnets" are a
        // loopback block where nothing listens, and mDNS goes to a loopback port (a test's responder sets its own).
        ProcessWide.PinnedSubnets = new[] { PinnedSubnet };
        ProcessWide.MdnsTarget = new IPEndPoint(IPAddress.Loopback, 9);

        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(SlotDirectory, recursive: true);
            }
            catch (IOException)
            {
                // Already gone, or never made.
            }
        };
    }

    public SimulatedDevices(bool realTime = false)
    {
        ProcessWide.PrivateFolder = SlotDirectory;
        if (!realTime)
        {
            Clock = new VirtualClock();
            ProcessWide.Clock = Clock;
        }
        else
        {
            ProcessWide.Clock = SystemClock.Instance;
        }
    }

    /// <summary>The virtual clock, or null in a real-time test.</summary>
    public VirtualClock? Clock { get; }

    /// <summary>What the time really is: the devices' clocks, which a step of the host's wall clock does not move.</summary>
    public DateTimeOffset Now => Clock?.TrueNow ?? DateTimeOffset.UtcNow;

    /// <summary>A loopback address no other test uses, so each test starts with fresh sessions.</summary>
    public static IPAddress NextLoopbackAddress()
    {
        int n = Interlocked.Increment(ref _nextAddress);
        return new IPAddress(new byte[] { 127, 77, (byte)(n / 250), (byte)(1 + n % 250) });
    }

    public DeviceServer Start(DeviceFault fault = DeviceFault.None, string? deviceId = null, double initialTotal = 12345.8)
    {
        // Device ids are unique across the test run: endpoints that answer with one id share that device's turn.
        deviceId ??= "GAS_" + (4224559000L + Interlocked.Increment(ref _nextDeviceId));
        var device = new SimulatedDevice(deviceId, initialTotal, () => Now) { Fault = fault };
        var server = new DeviceServer(device, NextLoopbackAddress());
        _servers.Add(server);
        return server;
    }

    public void Dispose()
    {
        foreach (DeviceServer server in _servers)
        {
            server.Dispose();
        }

        ProcessWide.Clock = SystemClock.Instance;
        Clock?.Dispose();
    }
}
