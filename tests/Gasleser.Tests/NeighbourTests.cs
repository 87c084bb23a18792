using System.Management.Automation;
using Gasleser.Sessions;
using Gasleser.Simulator;
using Xunit;

namespace Gasleser.Tests;

/// <summary>
/// A good neighbour on a shared device: another client (Home Assistant polling every 10 s) uses the device
/// too. The simulated device runs that client itself, on the test's clock, and logs who sent each request.
/// </summary>
public sealed class NeighbourTests : IDisposable
{
    private static readonly TimeSpan Ten = TimeSpan.FromSeconds(10);
    private readonly SimulatedDevices _devices = new();
    private readonly ModuleShell _shell = new();

    public void Dispose()
    {
        _shell.Dispose();
        _devices.Dispose();
    }

    private VirtualClock Clock => _devices.Clock!;

    private DeviceServer StartShared(TimeSpan neighbourPeriod, TimeSpan neighbourPhase, bool rejectsRestartWindow, bool sendsRetryAfter = false)
    {
        DeviceServer device = _devices.Start();
        device.Device.RejectsRestartWindow = rejectsRestartWindow;
        device.Device.SendsRetryAfter = sendsRetryAfter;
        device.Device.StartNeighbour(neighbourPeriod, neighbourPhase);
        return device;
    }

    private static IReadOnlyList<DeviceRequest> Ours(DeviceServer device) => device.Device.RequestsFrom(SimulatedDevice.ModuleClient);

    private static IReadOnlyList<DeviceRequest> Neighbours(DeviceServer device) => device.Device.RequestsFrom(SimulatedDevice.NeighbourClient);

    // --- the simulator ---

    [Theory]
    [InlineData(false, new[] { 200, 429, 200, 200 })]
    [InlineData(true, new[] { 200, 429, 429, 200 })]
    public void The_simulated_neighbour_polls_on_the_test_clock_and_a_device_of_the_second_kind_restarts_its_window_on_a_rejected_request(bool rejectsRestartWindow, int[] statuses)
    {
        var device = new SimulatedDevice("GAS_1", now: () => _devices.Now) { RejectsRestartWindow = rejectsRestartWindow, SendsRetryAfter = true };
        device.StartNeighbour(Ten, TimeSpan.Zero);

        Clock.Advance(TimeSpan.FromSeconds(5));
        (int status, _, _, _) = device.Answer("GET", "/v1/data", "script");
        int? retryAfter = device.RetryAfterNow();
        Clock.Advance(TimeSpan.FromSeconds(20));

        Assert.Equal(429, status);
        Assert.Equal(rejectsRestartWindow ? 10 : 5, retryAfter);
        Assert.Equal(new[] { "neighbour", "script", "neighbour", "neighbour" }, device.Requests.Select(r => r.Client));
        Assert.Equal(new[] { 0.0, 5, 10, 20 }, device.Requests.Select(r => (r.Arrival - device.Requests[0].Arrival).TotalSeconds));
        Assert.Equal(statuses, device.Requests.Select(r => r.Status));
    }

    [Fact]
    public void The_device_logs_the_module_s_requests_by_its_user_agent()
    {
        DeviceServer device = StartShared(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(30), rejectsRestartWindow: false);

        _shell.Run($"Get-GasleserReading {device.Address}");

        Assert.Equal("Gasleser-PowerShell", Assert.Single(device.Device.Requests).Client);
    }

    // --- a saturated device: the neighbour polls every 10 s ---

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void On_a_device_a_10_s_client_keeps_busy_a_Get_sends_two_requests_and_the_next_Get_fails_at_once_sending_none(bool rejectsRestartWindow, bool sendsRetryAfter)
    {
        DeviceServer device = StartShared(Ten, TimeSpan.Zero, rejectsRestartWindow, sendsRetryAfter);

        ShellResult first = _shell.Run($"Get-GasleserReading {device.Address}");

        Assert.Equal(new[] { "Gasleser.RateLimited" }, first.ErrorIds);
        Assert.Equal(new[] { 429, 429 }, Ours(device).Select(r => r.Status));
        var error = (GasleserRateLimitedException)first.Errors[0].Exception;
        Assert.Contains("another client, not this module", error.Message);
        Assert.Contains("about every 10 s", error.Message);
        Assert.Equal(Ten, error.OtherClientInterval);
        Assert.Contains("Home Assistant: the Gasleser integration's scan interval", first.Errors[0].ErrorDetails.RecommendedAction);
        Assert.Contains("-MaxAge", first.Errors[0].ErrorDetails.RecommendedAction);

        DateTimeOffset before = _devices.Now;
        ShellResult second = _shell.Run($"Get-GasleserReading {device.Address}");

        Assert.Equal(new[] { "Gasleser.RateLimited" }, second.ErrorIds);
        Assert.Equal(2, Ours(device).Count);
        Assert.True(_devices.Now - before < TimeSpan.FromSeconds(1), "it did not wait");
        Assert.Contains("kept busy by another client", second.Errors[0].Exception.Message);
        Assert.Contains("about every 10 s", second.Errors[0].Exception.Message);
        Assert.Contains("-Force", second.Errors[0].Exception.Message);

        ShellResult forced = _shell.Run($"Get-GasleserReading {device.Address} -Force");

        Assert.Equal(new[] { "Gasleser.RateLimited" }, forced.ErrorIds);
        Assert.Equal(4, Ours(device).Count);
    }

    [Fact]
    public void A_new_process_knows_from_the_per_user_folder_that_the_device_is_kept_busy_and_does_not_ask()
    {
        DeviceServer device = StartShared(Ten, TimeSpan.Zero, rejectsRestartWindow: true);
        _shell.Run($"Get-GasleserReading {device.Address}");
        SessionRegistry.Clear(); // a new process: no sessions, no turns; the per-user folder stays

        using var newProcess = new ModuleShell();
        ShellResult result = newProcess.Run($"Get-GasleserReading {device.Address}");

        Assert.Equal(new[] { "Gasleser.RateLimited" }, result.ErrorIds);
        Assert.Contains("kept busy by another client", result.Errors[0].Exception.Message);
        Assert.Equal(2, Ours(device).Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_watch_on_a_saturated_device_asks_once_a_poll_and_costs_the_neighbour_at_most_one_poll_a_request(bool rejectsRestartWindow)
    {
        DeviceServer device = StartShared(Ten, TimeSpan.Zero, rejectsRestartWindow);

        ShellResult result = _shell.Run($"Watch-GasleserReading {device.Address} -Interval 60 -Count 10");

        Assert.Equal(Enumerable.Repeat("Gasleser.RateLimited", 10), result.ErrorIds);
        Assert.All(result.Errors, e => Assert.Contains("about every 10 s", e.Exception.Message));
        DateTimeOffset start = Ours(device)[0].Arrival;
        int[] perPoll = Enumerable.Range(0, 10).Select(k => Ours(device).Count(r => (int)((r.Arrival - start).TotalSeconds / 60) == k)).ToArray();
        Assert.Equal(new[] { 2, 1, 1, 1, 1, 1, 1, 1, 1, 1 }, perPoll);
        IReadOnlyList<DeviceRequest> neighbour = Neighbours(device).Where(r => r.Arrival >= start && r.Arrival < start + TimeSpan.FromMinutes(10)).ToList();
        int lost = neighbour.Count(r => r.Status == 429);
        Assert.True(lost <= Ours(device).Count, $"the neighbour lost {lost} of {neighbour.Count} polls to {Ours(device).Count} requests");
        Assert.True(neighbour.Count(r => r.Status == 200) >= 0.8 * neighbour.Count, $"the neighbour kept {neighbour.Count(r => r.Status == 200)} of {neighbour.Count}");
    }

    // --- spare capacity: the neighbour polls every 30 s ---

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void A_neighbour_polling_every_30_s_costs_a_60_s_watch_no_reading_and_keeps_all_its_own(bool rejectsRestartWindow, bool sendsRetryAfter)
    {
        // The neighbour polls 5 s before each of the watch's polls: every poll meets a 429 and asks again.
        DeviceServer device = StartShared(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(25), rejectsRestartWindow, sendsRetryAfter);

        ShellResult result = _shell.Run($"Watch-GasleserReading {device.Address} -Interval 60 -Count 10");

        Assert.Empty(result.Errors);
        Assert.Equal(10, result.Readings.Count());
        IReadOnlyList<DeviceRequest> neighbour = Neighbours(device);
        Assert.All(neighbour, r => Assert.Equal(200, r.Status));
        Assert.True(neighbour.Count >= 18);

        GasleserSession session = (GasleserSession)_shell.Run($"Get-GasleserSession {device.Address}").Output.Single().BaseObject;
        Assert.True(session.Shared);
        Assert.False(session.Saturated);
        Assert.True(session.OtherClientInterval >= TimeSpan.FromSeconds(20), $"estimated {session.OtherClientInterval}");
    }

    [Fact]
    public void Get_GasleserSession_shows_a_saturated_device_as_shared_with_a_client_polling_every_10_s()
    {
        DeviceServer device = StartShared(Ten, TimeSpan.Zero, rejectsRestartWindow: false);
        _shell.Run($"Get-GasleserReading {device.Address}");

        GasleserSession session = (GasleserSession)_shell.Run($"Get-GasleserSession {device.Address}").Output.Single().BaseObject;

        Assert.True(session.Shared);
        Assert.True(session.Saturated);
        Assert.Equal(Ten, session.OtherClientInterval);
        Assert.Equal(100, session.OtherClientLoad);
    }

    [Fact]
    public void A_device_no_other_client_uses_is_not_shown_as_shared()
    {
        DeviceServer device = _devices.Start();
        _shell.Run($"Get-GasleserReading {device.Address}");

        GasleserSession session = (GasleserSession)_shell.Run($"Get-GasleserSession {device.Address}").Output.Single().BaseObject;

        Assert.False(session.Shared);
        Assert.Null(session.OtherClientInterval);
    }

    // --- the sightings file is a hint ---

    [Fact]
    public void A_sightings_file_that_is_garbage_or_a_link_is_not_trusted_and_never_written_through()
    {
        DeviceServer planted = _devices.Start(), linked = _devices.Start();
        Directory.CreateDirectory(SimulatedDevices.SlotDirectory);
        string Seen(DeviceServer device) => Path.Combine(SimulatedDevices.SlotDirectory, $"gasleser-{device.EndPoint.Address}-{device.EndPoint.Port}.seen");
        DateTimeOffset now = Clock.UtcNow;
        File.WriteAllText(Seen(planted), "not a sighting\n" + string.Concat(Enumerable.Range(0, 5).Select(k => $"{now.AddSeconds(-k).UtcDateTime:o} 429 first 99999999\n")) + "\u001b[31m\n");
        string victim = Path.Combine(SimulatedDevices.SlotDirectory, "precious-" + Guid.NewGuid().ToString("N") + ".txt");
        File.WriteAllText(victim, "the user's own file");
        File.CreateSymbolicLink(Seen(linked), victim);

        ShellResult result = _shell.Run($"Get-GasleserReading {planted.Address}, {linked.Address}");

        Assert.Empty(result.Errors);
        Assert.Equal(2, result.Readings.Count());
        Assert.Equal("the user's own file", File.ReadAllText(victim));
    }
}
