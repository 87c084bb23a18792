using System.Globalization;
using System.Net;
using Gasleser.Sessions;
using Gasleser.Simulator;
using Xunit;

namespace Gasleser.Tests;

/// <summary>
/// A turn belongs to the device, not to how it was named; every wait runs on elapsed time; a device's
/// "come back later" is honoured only up to a bounded wait.
/// </summary>
public sealed class DeviceTurnTests : IDisposable
{
    private readonly SimulatedDevices _devices = new();
    private readonly ModuleShell _shell = new();
    private readonly List<DeviceServer> _ownServers = new();

    public void Dispose()
    {
        _shell.Dispose();
        _ownServers.ForEach(s => s.Dispose());
        _devices.Dispose();
    }

    private VirtualClock Clock => _devices.Clock!;

    /// <summary>A device on 127.0.0.1 itself, so that "localhost" reaches it.</summary>
    private DeviceServer StartOnLocalhost()
    {
        var server = new DeviceServer(new SimulatedDevice("GAS_77" + Random.Shared.Next(10_000_000, 99_999_999), 100, () => _devices.Now), IPAddress.Loopback);
        _ownServers.Add(server);
        return server;
    }

    private static void AssertNo429AndSpaced(DeviceServer device)
    {
        var seen = device.Device.Requests;
        Assert.All(seen, r => Assert.Equal(200, r.Status));
        for (int i = 1; i < seen.Count; i++)
        {
            Assert.True(seen[i].Arrival - seen[i - 1].Arrival >= TimeSpan.FromSeconds(10), $"requests {i - 1} and {i} {(seen[i].Arrival - seen[i - 1].Arrival).TotalSeconds} s apart");
        }
    }

    [Fact]
    public void Localhost_its_address_and_its_URL_share_one_turn_and_each_reading_keeps_the_name_it_was_asked_by()
    {
        DeviceServer device = StartOnLocalhost();
        int port = device.EndPoint.Port;

        ShellResult result = _shell.Run($"Get-GasleserReading 'localhost:{port}', '127.0.0.1:{port}', 'http://LOCALHOST:{port}/'");

        Assert.Empty(result.Errors);
        Assert.Equal(new[] { $"localhost:{port}", $"127.0.0.1:{port}", $"localhost:{port}" }.OrderBy(n => n), result.Readings.Select(r => r.ComputerName).OrderBy(n => n));
        Assert.Equal(3, device.Device.Requests.Count);
        AssertNo429AndSpaced(device);
    }

    [Fact]
    public void A_watch_of_two_names_of_one_device_provokes_no_429()
    {
        DeviceServer device = StartOnLocalhost();
        int port = device.EndPoint.Port;

        ShellResult result = _shell.Run($"Watch-GasleserReading 'localhost:{port}', '127.0.0.1:{port}' -Count 3");

        Assert.Empty(result.Errors);
        Assert.Equal(6, result.Readings.Count());
        AssertNo429AndSpaced(device);
    }

    [Fact]
    public void Get_GasleserSession_shows_the_names_that_share_a_turn()
    {
        DeviceServer device = StartOnLocalhost();
        int port = device.EndPoint.Port;
        _shell.Run($"Get-GasleserReading 'localhost:{port}', '127.0.0.1:{port}'");

        GasleserSession session = (GasleserSession)_shell.Run($"Get-GasleserSession '127.0.0.1:{port}'").Output.Single().BaseObject;

        Assert.Equal(new[] { $"127.0.0.1:{port}", $"localhost:{port}" }, session.SharesTurnWith.OrderBy(n => n));
    }

    [Fact]
    public void Two_endpoints_that_answered_with_one_device_id_share_that_device_s_turn()
    {
        DeviceServer overV4 = _devices.Start(deviceId: "GAS_SAME" + Guid.NewGuid().ToString("N")[..8]);
        DeviceServer overOtherAddress = _devices.Start(deviceId: overV4.Device.DeviceId);
        _shell.Run($"Get-GasleserReading {overV4.Address}; Get-GasleserReading {overOtherAddress.Address}");
        DateTimeOffset second = overOtherAddress.Device.Requests.Single().Arrival;

        ShellResult again = _shell.Run($"Get-GasleserReading {overV4.Address}, {overOtherAddress.Address}");

        Assert.Empty(again.Errors);
        DateTimeOffset[] arrivals = overV4.Device.Requests.Concat(overOtherAddress.Device.Requests).Select(r => r.Arrival).Where(a => a > second).OrderBy(a => a).ToArray();
        Assert.Equal(2, arrivals.Length);
        Assert.True(arrivals[0] - second >= DeviceTurn.Spacing);
        Assert.True(arrivals[1] - arrivals[0] >= DeviceTurn.Spacing);
    }

    [Fact]
    public void The_wall_clock_stepped_back_and_forward_an_hour_during_a_watch_changes_no_poll()
    {
        DeviceServer device = _devices.Start();
        DateTimeOffset start = _devices.Now;
        Clock.Schedule(TimeSpan.FromSeconds(30), () => Clock.StepWallClock(TimeSpan.FromHours(-1)));
        Clock.Schedule(TimeSpan.FromSeconds(54), () => Clock.StepWallClock(TimeSpan.FromHours(2)));

        ShellResult result = _shell.Run($"Watch-GasleserReading {device.Address} -Count 8");

        Assert.Empty(result.Errors);
        Assert.Empty(result.Warnings);
        Assert.Equal(Enumerable.Range(0, 8).Select(k => start + k * TimeSpan.FromSeconds(12)), device.Device.Requests.Select(r => r.Arrival));
    }

    [Fact]
    public void The_wall_clock_stepped_back_an_hour_while_a_read_waits_for_its_slot_does_not_move_the_wait()
    {
        DeviceServer device = _devices.Start();
        _shell.Run($"Get-GasleserReading {device.Address}");
        Clock.Schedule(TimeSpan.FromSeconds(3), () => Clock.StepWallClock(TimeSpan.FromHours(-1)));

        ShellResult result = _shell.Run($"Get-GasleserReading {device.Address}");

        Assert.Single(result.Readings);
        var seen = device.Device.Requests;
        Assert.Equal(DeviceTurn.Spacing, seen[1].Arrival - seen[0].Arrival);
    }

    [Fact]
    public void A_Retry_After_beyond_the_bounded_wait_is_RateLimited_at_once_saying_when_the_device_accepts_again()
    {
        DeviceServer device = _devices.Start(DeviceFault.Busy);
        device.Device.RetryAfter = TimeSpan.FromSeconds(300);
        DateTimeOffset start = _devices.Now;

        ShellResult result = _shell.Run($"Get-GasleserReading {device.Address} -TimeoutSec 2");

        Assert.Equal(new[] { "Gasleser.RateLimited" }, result.ErrorIds);
        string message = result.Errors[0].Exception.Message;
        Assert.Contains("in 300.0 s", message);
        Assert.Contains("60 s", message);
        Assert.Single(device.Device.Requests);
        Assert.True(_devices.Now - start < TimeSpan.FromSeconds(1), $"took {(_devices.Now - start).TotalSeconds} s");

        ShellResult next = _shell.Run($"Get-GasleserReading {device.Address}");
        Assert.Equal(new[] { "Gasleser.RateLimited" }, next.ErrorIds);
        Assert.Single(device.Device.Requests);
    }

    [Fact]
    public void Retry_After_waits_are_honoured_up_to_the_bound_and_the_error_names_the_real_wait()
    {
        DeviceServer device = _devices.Start(DeviceFault.Busy);
        device.Device.RetryAfter = TimeSpan.FromSeconds(30);
        DateTimeOffset start = _devices.Now;

        ShellResult result = _shell.Run($"Get-GasleserReading {device.Address} -Verbose");

        Assert.Equal(new[] { "Gasleser.RateLimited" }, result.ErrorIds);
        Assert.Contains("in 30.0 s", result.Errors[0].Exception.Message);
        Assert.DoesNotContain("Wait 10 s", result.Errors[0].Exception.Message);
        // The device asked for 30 s each time: nothing measured another client's rhythm, so none is claimed.
        Assert.DoesNotContain("about every 10 s", result.Errors[0].Exception.Message);
        Assert.Contains("asking to wait 30 s (Retry-After)", result.Errors[0].Exception.Message);
        Assert.DoesNotContain("about every 10 s", ((GasleserException)result.Errors[0].Exception).RecommendedAction);
        Assert.Equal(new[] { 0.0, 30.0 }, device.Device.Requests.Select(r => (r.Arrival - start).TotalSeconds));
        Assert.True(_devices.Now - start <= DeviceTurn.LongestWaitOut + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void The_wait_for_the_devices_turn_counts_toward_the_60_s_a_command_waits_in_all()
    {
        DeviceServer device = _devices.Start();
        _shell.Run($"Get-GasleserReading {device.Address}"); // its turn: the next request waits about 10.5 s
        device.Device.Fault = DeviceFault.Unavailable;
        device.Device.RetryAfterSeconds = 55;
        DateTimeOffset start = _devices.Now;

        ShellResult result = _shell.Run($"Get-GasleserReading {device.Address}");

        Assert.Equal(new[] { "Gasleser.RateLimited" }, result.ErrorIds);
        string message = result.Errors[0].Exception.Message;
        Assert.Contains("already waited 10.", message); // the turn's wait, named
        Assert.Contains("at most 60 s in all", message);
        Assert.True(_devices.Now - start <= DeviceTurn.LongestWaitOut, $"waited {(_devices.Now - start).TotalSeconds} s in all");
        Assert.Equal(2, device.Device.Requests.Count);
    }

    [Fact]
    public void A_device_starting_up_503_with_Retry_After_is_waited_out_and_comes_back_within_the_bound()
    {
        DeviceServer device = _devices.Start(DeviceFault.Unavailable);
        device.Device.RetryAfterSeconds = 20;
        DateTimeOffset start = _devices.Now;
        Clock.Schedule(TimeSpan.FromSeconds(30), () => device.Device.Fault = DeviceFault.None); // up again

        ShellResult result = _shell.Run($"Get-GasleserReading {device.Address} -Verbose");

        Assert.Empty(result.Errors);
        Assert.Single(result.Readings);
        Assert.Equal(new[] { (0.0, 503), (20.0, 503), (40.0, 200) }, device.Device.Requests.Select(r => ((r.Arrival - start).TotalSeconds, r.Status)));
        Assert.Contains(result.Verbose, v => v.Contains("503 Service Unavailable (it is starting up or busy); waiting its 20.0 s window"));
    }

    [Fact]
    public void A_503_asking_for_longer_than_the_bound_is_RateLimited_at_once_saying_when()
    {
        DeviceServer device = _devices.Start(DeviceFault.Unavailable);
        device.Device.RetryAfterSeconds = 120;
        DateTimeOffset start = _devices.Now;

        ShellResult result = _shell.Run($"Get-GasleserReading {device.Address}");

        Assert.Equal(new[] { "Gasleser.RateLimited" }, result.ErrorIds);
        Assert.Contains("503 Service Unavailable", result.Errors[0].Exception.Message);
        Assert.Contains("in 120.0 s", result.Errors[0].Exception.Message);
        // The advice fits a device that is starting up, not one shared with another client.
        string advice = ((GasleserException)result.Errors[0].Exception).RecommendedAction;
        Assert.Contains("temporarily unavailable", advice);
        Assert.DoesNotContain("Home Assistant", advice);
        Assert.Single(device.Device.Requests);
        Assert.True(_devices.Now - start < TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void Verbose_says_why_it_waits_before_what_it_asks()
    {
        DeviceServer device = _devices.Start();
        _shell.Run($"Get-GasleserReading {device.Address}");

        ShellResult result = _shell.Run($"Get-GasleserReading {device.Address} -Verbose");

        int waiting = result.Verbose.ToList().FindIndex(v => v.Contains("waiting"));
        int asking = result.Verbose.ToList().FindIndex(v => v.Contains("asking http://"));
        Assert.True(waiting >= 0 && asking > waiting, string.Join(" | ", result.Verbose));
    }
}
