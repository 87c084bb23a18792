using System.Diagnostics;
using System.Net;
using Gasleser.Discovery;
using Gasleser.Hosting;
using Gasleser.Sessions;
using Gasleser.Simulator;
using Xunit;
using Xunit.Abstractions;

namespace Gasleser.Tests;

/// <summary>
/// -DeviceId: a device followed by its id, not its address. Every device of these tests lives on a loopback /24 of
/// the test's own (127.121.n.0/24), every search is pinned there (the device was last seen there, or -Subnet says
/// so; mDNS goes to a loopback port), and a connection observer refuses anything that is not loopback.
/// One class, so that its tests (which share the process-wide connection observer) run one after the other.
/// </summary>
public sealed class DeviceIdTests : IDisposable
{
    private static int _nextId = Random.Shared.Next(0, 100_000);
    private readonly ITestOutputHelper _log;
    private readonly SimulatedDevices _devices = new();
    private readonly LoopbackSubnet _subnet;
    private readonly ModuleShell _shell = new();
    private readonly List<IPEndPoint> _connections = new();

    public DeviceIdTests(ITestOutputHelper log)
    {
        _log = log;
        _subnet = new LoopbackSubnet(_devices, secondOctet: 121);
        ProcessWide.ConnectObserver = endpoint =>
        {
            lock (_connections)
            {
                _connections.Add(endpoint);
            }

            if (!IPAddress.IsLoopback(endpoint.Address))
            {
                throw new InvalidOperationException($"A test tried to connect to {endpoint}, which is not loopback.");
            }
        };
    }

    public void Dispose()
    {
        ProcessWide.ConnectObserver = null;
        _shell.Dispose();
        _subnet.Dispose();
        _devices.Dispose();
    }

    private static string NewId() => "GAS_7121" + Interlocked.Increment(ref _nextId).ToString("000000");

    private string At(int host) => _subnet.Prefix + host + ":" + _subnet.Port;

    private DeviceServer Serve(SimulatedDevice device, int host)
    {
        var server = new DeviceServer(device, IPAddress.Parse(_subnet.Prefix + host), _subnet.Port);
        return server;
    }

    private int ConnectionsOtherThan(params int[] hosts)
    {
        lock (_connections)
        {
            return _connections.Count(c => c.ToString().StartsWith(_subnet.Prefix, StringComparison.Ordinal)
                && !hosts.Any(h => c.Address.Equals(IPAddress.Parse(_subnet.Prefix + h))));
        }
    }

    // A fresh process as far as the module can tell: no sessions, no turns; only the files in the private folder stay.
    private static void AsIfANewProcess()
    {
        SessionRegistry.Clear();
        KnownDevices.ForgetWrites();
    }

    [Fact]
    public void A_device_that_moved_is_read_at_its_new_address_with_one_warning_and_asked_there_from_then_on()
    {
        string id = NewId();
        DeviceServer first = _subnet.Start(10, deviceId: id);
        Assert.Single(_shell.Run($"Get-GasleserReading {At(10)}").Readings);

        // The router gives it another address; a new shell asks for it by id.
        first.GoAway();
        using DeviceServer moved = Serve(first.Device, 20);
        AsIfANewProcess();
        var took = Stopwatch.StartNew();
        ShellResult result = _shell.Run($"Get-GasleserReading -DeviceId {id} -Verbose");
        took.Stop();

        Assert.Empty(result.Errors);
        GasleserReading reading = Assert.Single(result.Readings);
        Assert.Equal(id, reading.DeviceId);
        Assert.Equal(At(20), reading.ComputerName);
        Assert.Equal(new[] { $"{id} moved from {At(10)} to {At(20)}." }, result.Warnings);
        Assert.Equal(At(20), KnownDevices.Read().First(e => e.DeviceId == id).ComputerName);
        _log.WriteLine($"moved within a loopback /24: failed address to reading at the new one in {took.Elapsed.TotalSeconds:0.00} s (mDNS window of {ProcessWide.MdnsWindow.TotalSeconds} s, then the sweep)");

        // The next command asks it at its new address, in its turn, and searches nothing.
        AsIfANewProcess();
        int before = ConnectionsOtherThan(10, 20);
        ShellResult again = _shell.Run($"Get-GasleserReading -DeviceId {id}");
        Assert.Equal(At(20), Assert.Single(again.Readings).ComputerName);
        Assert.Empty(again.Warnings);
        Assert.Equal(before, ConnectionsOtherThan(10, 20));
        IReadOnlyList<DeviceRequest> seen = first.Device.Requests;
        Assert.All(seen, r => Assert.Equal(200, r.Status));
        Assert.Equal(3, seen.Count);
        Assert.True(seen[2].Arrival - seen[1].Arrival >= TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Another_device_at_the_old_address_is_not_taken_for_it()
    {
        string id = NewId(), other = NewId();
        DeviceServer first = _subnet.Start(10, deviceId: id);
        Assert.Single(_shell.Run($"Get-GasleserReading {At(10)}").Readings);
        first.GoAway();
        using DeviceServer moved = Serve(first.Device, 30);
        DeviceServer newcomer = _subnet.Start(10, deviceId: other);
        AsIfANewProcess();

        ShellResult result = _shell.Run($"Get-GasleserReading -DeviceId {id}");

        GasleserReading reading = Assert.Single(result.Readings);
        Assert.Equal((id, At(30)), (reading.DeviceId, reading.ComputerName));
        Assert.Equal(new[] { $"{id} moved from {At(10)} to {At(30)}." }, result.Warnings);
        Assert.Single(newcomer.Device.Requests); // asked once at the old address, not probed again by the search
        Assert.Equal(other, KnownDevices.Read().First(e => e.ComputerName == At(10)).DeviceId);
    }

    [Fact]
    public void An_id_never_seen_is_found_by_the_search_and_Find_stops_at_it()
    {
        string id = NewId();
        _subnet.Start(40, deviceId: NewId());
        DeviceServer wanted = _subnet.Start(41, deviceId: id);

        ShellResult result = _shell.Run($"Get-GasleserReading -DeviceId {id} -Subnet {_subnet.Cidr} -Port {_subnet.Port}");

        Assert.Empty(result.Errors);
        Assert.Equal(At(41), Assert.Single(result.Readings).ComputerName);
        Assert.Empty(result.Warnings); // found, not moved: it was never seen elsewhere
        Assert.Single(wanted.Device.Requests); // the probe's reading is the reading

        string other = NewId();
        _subnet.Start(42, deviceId: other);
        _devices.Clock!.Advance(TimeSpan.FromSeconds(11)); // the first search probed every address: each has its turn
        ShellResult found = _shell.Run($"Find-Gasleser -DeviceId {other} -Subnet {_subnet.Cidr} -Port {_subnet.Port}");
        GasleserDevice device = Assert.Single(found.Output.Select(o => o.BaseObject).OfType<GasleserDevice>());
        Assert.Equal((other, _subnet.Prefix + "42"), (device.DeviceId, device.ComputerName));
    }

    [Fact]
    public void An_id_not_found_is_DeviceNotFound_within_the_sweeps_time_naming_what_was_searched()
    {
        string id = NewId();
        _subnet.Start(50, deviceId: NewId());
        var took = Stopwatch.StartNew();

        ShellResult result = _shell.Run($"Get-GasleserReading -DeviceId {id} -Subnet {_subnet.Cidr} -Port {_subnet.Port}");

        Assert.Empty(result.Readings);
        System.Management.Automation.ErrorRecord error = Assert.Single(result.Errors);
        Assert.Equal("Gasleser.DeviceNotFound,Gasleser.Commands.GetGasleserReadingCommand", error.FullyQualifiedErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal(id, error.TargetObject);
        Assert.Contains($"{id} has not answered on this machine before", error.Exception.Message);
        Assert.Contains($"Searched {_subnet.Cidr} on port {_subnet.Port} for ", error.Exception.Message);
        Assert.Contains("give -Subnet, or its address once", error.Exception.Message);
        Assert.True(took.Elapsed < TimeSpan.FromSeconds(3 * DeviceLocator.ProbeTimeout.TotalSeconds + 2), $"took {took.Elapsed}");

        ShellResult find = _shell.Run($"Find-Gasleser -DeviceId {id} -Subnet {_subnet.Cidr} -Port {_subnet.Port}");
        Assert.Equal(new[] { "Gasleser.DeviceNotFound" }, find.ErrorIds);
    }

    [Fact]
    public void A_device_switched_off_asked_every_15_s_for_2_minutes_is_searched_for_once()
    {
        string id = NewId();
        DeviceServer device = _subnet.Start(60, deviceId: id);
        Assert.Single(_shell.Run($"Get-GasleserReading {At(60)}").Readings);
        device.GoAway();

        var errors = new List<string>();
        for (int call = 0; call <= 8; call++)
        {
            _devices.Clock!.Advance(TimeSpan.FromSeconds(15));
            AsIfANewProcess(); // as a scheduled task would: a new process each time
            ShellResult result = _shell.Run($"Get-GasleserReading -DeviceId {id}");
            errors.Add(Assert.Single(result.Errors).Exception.Message);
            Assert.Equal("Gasleser.DeviceNotFound", Assert.Single(result.ErrorIds));
        }

        // One sweep of the /24 (253 other addresses), then only the last known address, once per call.
        Assert.Equal(253, ConnectionsOtherThan(60));
        Assert.Contains("Searched ", errors[0]);
        Assert.All(errors.Skip(1), e => Assert.Contains("so it is not searched for again until", e));

        // After the few minutes, the next call searches again.
        _devices.Clock!.Advance(SearchMemory.Span);
        AsIfANewProcess();
        ShellResult later = _shell.Run($"Get-GasleserReading -DeviceId {id}");
        Assert.Contains("Searched ", Assert.Single(later.Errors).Exception.Message);
        Assert.Equal(2 * 253, ConnectionsOtherThan(60));
    }

    [Fact]
    public void A_public_address_in_the_known_devices_file_is_never_contacted()
    {
        string id = NewId();
        DeviceServer device = _subnet.Start(70, deviceId: id);
        KnownDevices.Remember("203.0.113.7", id, DateTimeOffset.UtcNow.AddDays(1)); // planted, and "newest"
        Assert.Equal("203.0.113.7", KnownDevices.Read().First(e => e.DeviceId == id).ComputerName);

        ShellResult result = _shell.Run($"Get-GasleserReading -DeviceId {id} -Subnet {_subnet.Cidr} -Port {_subnet.Port} -Verbose");

        Assert.Equal(At(70), Assert.Single(result.Readings).ComputerName);
        Assert.Contains(result.Verbose, v => v.Contains("203.0.113.7") && v.Contains("not used"));
        lock (_connections)
        {
            Assert.DoesNotContain(_connections, c => c.Address.Equals(IPAddress.Parse("203.0.113.7")));
        }

        Assert.DoesNotContain(SessionRegistry.All, s => s.Endpoint.Host == "203.0.113.7");
    }

    [Fact]
    public void A_watch_by_id_follows_a_move_and_its_deltas_go_on()
    {
        string id = NewId();
        DeviceServer first = _subnet.Start(80, deviceId: id);
        Assert.Single(_shell.Run($"Get-GasleserReading {At(80)}").Readings);
        _devices.Clock!.Advance(TimeSpan.FromSeconds(11)); // the Get's turn is over: the watch's polls are on time
        DeviceServer? moved = null;
        _devices.Clock!.Schedule(TimeSpan.FromSeconds(18), () =>
        {
            first.GoAway();
            moved = Serve(first.Device, 81);
        });

        ShellResult result = _shell.Run($"Watch-GasleserReading -DeviceId {id} -Interval 12 -Count 5");
        using DeviceServer _ = moved!;

        Assert.Empty(result.Errors);
        List<GasleserReading> readings = result.Readings.ToList();
        Assert.Equal(5, readings.Count);
        Assert.Equal(new[] { At(80), At(80), At(81), At(81), At(81) }, readings.Select(r => r.ComputerName));
        Assert.Null(readings[0].ConsumptionDelta);
        Assert.All(readings.Skip(1), r => Assert.NotNull(r.ConsumptionDelta)); // across the move too: same device, same meter
        Assert.Equal(new[] { $"{id} moved from {At(80)} to {At(81)}." }, result.Warnings);
        Assert.Equal(0, first.Device.RateLimitedCount);
    }

    [Fact]
    public void Ids_bind_from_the_pipeline_and_complete_from_the_known_devices()
    {
        string id = NewId();
        _subnet.Start(90, deviceId: id);
        Assert.Single(_shell.Run($"Get-GasleserReading {At(90)}").Readings);
        _devices.Clock!.Advance(TimeSpan.FromSeconds(11));

        ShellResult piped = _shell.Run($"[pscustomobject]@{{ DeviceId = '{id}' }} | Get-GasleserReading");
        Assert.Equal(At(90), Assert.Single(piped.Readings).ComputerName);
        _devices.Clock!.Advance(TimeSpan.FromSeconds(11));
        ShellResult byValue = _shell.Run($"'{id}' | Get-GasleserReading");
        Assert.Equal(At(90), Assert.Single(byValue.Readings).ComputerName);

        string line = $"Get-GasleserReading -DeviceId {id[..8]}";
        ShellResult completed = _shell.Run("(TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText",
            new Dictionary<string, object?> { ["line"] = line });
        Assert.Contains(id, completed.Output.Select(o => o.ToString()));

        ShellResult bad = _shell.Run("Get-GasleserReading -DeviceId 'GAS 1;rm'");
        Assert.Equal(new[] { "Gasleser.InvalidParameter" }, bad.ErrorIds);
    }

    [Fact]
    public void A_log_row_or_a_found_device_piped_in_is_followed_by_its_id_not_its_address()
    {
        string id = NewId();
        DeviceServer first = _subnet.Start(100, deviceId: id);
        string log = Path.Combine(Directory.CreateTempSubdirectory("gasleser-follow-").FullName, "gas.csv");
        Assert.Empty(_shell.Run($"Get-GasleserReading {At(100)} | Export-GasleserLog '{log}'").Errors);
        Assert.Single(_shell.Run($"Find-Gasleser -Method Sweep -Subnet {_subnet.Prefix}100 -Port {_subnet.Port}").Output);

        // The router gives it another address; the rows and the found device still name the old one.
        first.GoAway();
        using DeviceServer moved = Serve(first.Device, 101);
        AsIfANewProcess();
        ShellResult fromLog = _shell.Run($"Import-GasleserLog '{log}' | Get-GasleserReading");

        Assert.Empty(fromLog.Errors);
        Assert.Equal((id, At(101)), (Assert.Single(fromLog.Readings).DeviceId, fromLog.Readings.Single().ComputerName));
        Assert.Equal(new[] { $"{id} moved from {At(100)} to {At(101)}." }, fromLog.Warnings);

        // A found device with the old address (Find's ComputerName and Port apart) is asked where it is now.
        _devices.Clock!.Advance(TimeSpan.FromSeconds(11));
        AsIfANewProcess();
        ShellResult found = _shell.Run($"[pscustomobject]@{{ ComputerName = '{_subnet.Prefix}100'; Port = {_subnet.Port}; DeviceId = '{id}' }} | Get-GasleserReading");
        Assert.Equal(At(101), Assert.Single(found.Readings).ComputerName);
        Assert.Empty(found.Warnings); // the known devices had learnt the move: it was asked there first
    }

    [Fact]
    public void A_row_of_a_device_never_seen_here_is_asked_at_its_address_and_searched_for_around_it()
    {
        string id = NewId(), other = NewId();
        DeviceServer device = _subnet.Start(110, deviceId: id);
        _subnet.Start(112, deviceId: other);

        // Another machine's log: this one has not seen the device, but the row says where it was.
        ShellResult there = _shell.Run($"[pscustomobject]@{{ ComputerName = '{At(110)}'; DeviceId = '{id}' }} | Get-GasleserReading");
        Assert.Equal(At(110), Assert.Single(there.Readings).ComputerName);
        Assert.Empty(there.Warnings);

        string elsewhere = NewId();
        DeviceServer away = _subnet.Start(114, deviceId: elsewhere);
        ShellResult moved = _shell.Run($"[pscustomobject]@{{ ComputerName = '{At(113)}'; DeviceId = '{elsewhere}' }} | Get-GasleserReading");
        Assert.Equal(At(114), Assert.Single(moved.Readings).ComputerName);
        Assert.Equal(new[] { $"{elsewhere} moved from {At(113)} to {At(114)}." }, moved.Warnings);

        // A row whose id is another device's than the one at its address: that device is not taken for it.
        ShellResult wrong = _shell.Run($"[pscustomobject]@{{ ComputerName = '{At(112)}'; DeviceId = '{NewId()}' }} | Get-GasleserReading");
        Assert.Equal(new[] { "Gasleser.DeviceNotFound" }, wrong.ErrorIds);
        Assert.Empty(wrong.Readings);
        Assert.All(device.Device.Requests.Concat(away.Device.Requests), r => Assert.Equal(200, r.Status)); // the searches' probes kept each device's turn
    }

    [Fact]
    public void Rows_without_a_usable_id_are_read_by_address_and_a_watch_of_many_rows_watches_each_device_once()
    {
        string id = NewId();
        _subnet.Start(120, deviceId: id);
        ShellResult noId = _shell.Run($"[pscustomobject]@{{ ComputerName = '{At(120)}'; DeviceId = '' }}, [pscustomobject]@{{ ComputerName = '{At(120)}'; DeviceId = 'not an id' }} | Get-GasleserReading -MaxAge 60");
        Assert.Empty(noId.Errors);
        Assert.Equal(2, noId.Readings.Count());
        Assert.All(noId.Readings, r => Assert.Equal(At(120), r.ComputerName));

        _devices.Clock!.Advance(TimeSpan.FromSeconds(11));
        ShellResult watched = _shell.Run($"1..3 | ForEach-Object {{ [pscustomobject]@{{ ComputerName = '{At(120)}'; DeviceId = '{id}' }} }} | Watch-GasleserReading -Count 2 -Interval 12");
        Assert.Empty(watched.Errors);
        Assert.Equal(2, watched.Readings.Count());
    }

    [Fact]
    public void A_search_goes_no_further_than_Find_without_Force()
    {
        ShellResult result = _shell.Run($"Get-GasleserReading -DeviceId {NewId()} -Subnet 8.8.8.0/24");
        Assert.Equal(new[] { "Gasleser.InvalidAddress" }, result.ErrorIds);
        lock (_connections)
        {
            Assert.DoesNotContain(_connections, c => !IPAddress.IsLoopback(c.Address));
        }
    }
}
