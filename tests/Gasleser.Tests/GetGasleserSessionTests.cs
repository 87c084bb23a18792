using System.Management.Automation;
using Gasleser.Sessions;
using Gasleser.Simulator;
using Xunit;

namespace Gasleser.Tests;

/// <summary>Get-GasleserSession: "why is it waiting?", answered from the sessions, on the virtual clock.</summary>
public sealed class GetGasleserSessionTests : IDisposable
{
    private readonly SimulatedDevices _devices = new();
    private readonly ModuleShell _shell = new();

    public GetGasleserSessionTests() => SessionRegistry.Clear();

    public void Dispose()
    {
        _shell.Dispose();
        _devices.Dispose();
    }

    private VirtualClock Clock => _devices.Clock!;

    private IReadOnlyList<GasleserSession> Sessions(string command) =>
        _shell.Run(command).Output.Select(o => o.BaseObject).OfType<GasleserSession>().ToList();

    [Fact]
    public void A_session_shows_the_last_request_the_next_slot_the_last_reading_its_age_and_the_counts()
    {
        DeviceServer device = _devices.Start(deviceId: "GAS_2329790123");
        DateTimeOffset asked = Clock.UtcNow;
        _shell.Run($"Get-GasleserReading {device.Address}");
        Clock.Advance(TimeSpan.FromSeconds(4));

        GasleserSession session = Assert.Single(Sessions("Get-GasleserSession"));

        Assert.Equal(device.Address, session.ComputerName);
        Assert.Equal("GAS_2329790123", session.DeviceId);
        Assert.Equal(asked, session.LastRequest);
        Assert.Equal(TimeZoneInfo.Local.GetUtcOffset(asked.UtcDateTime), session.LastRequest!.Value.Offset);
        Assert.Equal(asked + DeviceTurn.Spacing, session.NextAllowed);
        Assert.Equal(TimeSpan.FromSeconds(4), session.LastReadingAge);
        Assert.Equal(12345.8, session.LastReading!.TotalConsumption, 3);
        Assert.Equal(1, session.Requests);
        Assert.Equal(0, session.RateLimitedAnswers);
        Assert.Equal("Gasleser.GasleserSession", _shell.Run("(Get-GasleserSession)[0].PSObject.TypeNames[0]").Output.Single().BaseObject);
    }

    [Fact]
    public void The_429s_another_client_caused_are_counted()
    {
        DeviceServer device = _devices.Start();
        device.Device.OtherClientPolls();
        _shell.Run($"Get-GasleserReading {device.Address}");

        GasleserSession session = Assert.Single(Sessions("Get-GasleserSession"));

        Assert.Equal(2, session.Requests);
        Assert.Equal(1, session.RateLimitedAnswers);
        Assert.NotNull(session.LastReading);
    }

    [Fact]
    public void A_device_that_never_answered_has_a_session_without_a_reading_and_an_address_never_asked_has_none()
    {
        DeviceServer old = _devices.Start(DeviceFault.OldFirmware);
        _shell.Run($"Get-GasleserReading {old.Address}; Get-GasleserReading banana!");
        SessionRegistry.Get(DeviceEndpoint.Parse("10.9.9.9")); // a session that never sent a request

        GasleserSession session = Assert.Single(Sessions("Get-GasleserSession"));

        Assert.Equal(old.Address, session.ComputerName);
        Assert.Null(session.DeviceId);
        Assert.Null(session.LastReading);
        Assert.Null(session.LastReadingAge);
        Assert.Equal(1, session.Requests);
    }

    [Fact]
    public void Names_select_sessions_by_wildcard_or_by_address_in_any_accepted_form()
    {
        DeviceServer a = _devices.Start(), b = _devices.Start();
        _shell.Run($"Get-GasleserReading {a.Address}, {b.Address}");

        Assert.Equal(new[] { a.Address, b.Address }.OrderBy(x => x), Sessions("Get-GasleserSession 127.77.*").Select(s => s.ComputerName));
        Assert.Equal(new[] { a.Address }, Sessions($"Get-GasleserSession http://{a.Address}/").Select(s => s.ComputerName));
        Assert.Equal(new[] { b.Address }, Sessions($"'{b.Address}' | Get-GasleserSession").Select(s => s.ComputerName));
        Assert.Empty(Sessions("Get-GasleserSession 10.*"));
    }

    [Fact]
    public void A_name_without_wildcards_that_no_session_has_is_a_non_terminating_not_found_error()
    {
        DeviceServer a = _devices.Start();
        _shell.Run($"Get-GasleserReading {a.Address}");

        ShellResult result = _shell.Run($"Get-GasleserSession 10.9.9.9, {a.Address}");

        Assert.Single(result.Output);
        ErrorRecord error = Assert.Single(result.Errors);
        Assert.Equal("Gasleser.SessionNotFound", error.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal("10.9.9.9", error.TargetObject);
    }
}
