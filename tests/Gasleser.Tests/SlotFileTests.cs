using System.Diagnostics;
using System.Globalization;
using Gasleser.Sessions;
using Gasleser.Simulator;
using Xunit;
using Gasleser.Hosting;

namespace Gasleser.Tests;

/// <summary>
/// Slot files are hints, never orders: a claim from the future is corrupt, a holder that finishes early is
/// noticed, and the files live in a folder only this user can write, never opened through a link.
/// </summary>
public sealed class SlotFileTests : IDisposable
{
    private readonly SimulatedDevices _devices = new();
    private readonly ModuleShell _shell = new();
    private readonly List<string> _folders = new();

    public void Dispose()
    {
        _shell.Dispose();
        _devices.Dispose();
        foreach (string folder in _folders)
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private VirtualClock Clock => _devices.Clock!;

    private static string SlotFile(DeviceServer device) =>
        Path.Combine(SimulatedDevices.SlotDirectory, $"gasleser-{device.EndPoint.Address}-{device.EndPoint.Port}.slot");

    private static void WriteSlot(DeviceServer device, string text)
    {
        Directory.CreateDirectory(SimulatedDevices.SlotDirectory);
        File.WriteAllText(SlotFile(device), text);
    }

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("o", CultureInfo.InvariantCulture);

    private string NewFolder()
    {
        string folder = Path.Combine(Path.GetTempPath(), "gasleser-slot-test-" + Guid.NewGuid().ToString("N"));
        _folders.Add(folder);
        return folder;
    }

    [Theory]
    [InlineData(1.0)]        // a day ahead: a wrong clock, or a file written before the clock was set back
    [InlineData(3_000_000.0)] // year 9999 and beyond
    public void A_claim_further_ahead_than_any_legitimate_one_is_rewritten_and_the_read_takes_one_normal_turn(double daysAhead)
    {
        DeviceServer device = _devices.Start();
        DateTimeOffset claimed = daysAhead > 1_000_000 ? DateTimeOffset.MaxValue : Clock.UtcNow.AddDays(daysAhead);
        WriteSlot(device, Iso(claimed));
        DateTimeOffset start = _devices.Now;

        ShellResult noWait = _shell.Run($"Get-GasleserReading {device.Address} -TimeoutSec 2 -NoWait -Verbose");

        Assert.Empty(noWait.Errors);
        Assert.Single(noWait.Readings);
        Assert.Contains(noWait.Verbose, v => v.Contains("treated as corrupt and rewritten"));
        Assert.Equal(start, device.Device.Requests.Single().Arrival);
        DateTimeOffset rewritten = DateTimeOffset.Parse(File.ReadAllText(SlotFile(device)), CultureInfo.InvariantCulture);
        Assert.True(rewritten <= Clock.UtcNow + DeviceTurn.Spacing, $"slot file says {rewritten:o}");
    }

    [Fact]
    public void A_waiter_notices_when_the_other_process_releases_early_and_goes_at_release_plus_spacing()
    {
        DeviceServer device = _devices.Start();
        DateTimeOffset start = _devices.Now;
        // The other process claims its worst case (5 s timeout + spacing) and is done after 1 s.
        WriteSlot(device, Iso(Clock.UtcNow + TimeSpan.FromSeconds(5) + DeviceTurn.Spacing));
        Clock.Schedule(TimeSpan.FromSeconds(1), () => WriteSlot(device, Iso(Clock.UtcNow + DeviceTurn.Spacing)));

        ShellResult result = _shell.Run($"Get-GasleserReading {device.Address} -Verbose");

        Assert.Single(result.Readings);
        TimeSpan after = device.Device.Requests.Single().Arrival - start;
        TimeSpan expected = TimeSpan.FromSeconds(1) + DeviceTurn.Spacing;
        Assert.True(after >= expected && after <= expected + TimeSpan.FromSeconds(0.5), $"asked after {after.TotalSeconds} s");
        Assert.Contains(result.Verbose, v => v.Contains("the other process is done"));
    }

    [Fact]
    public void A_slot_file_that_is_a_symbolic_link_is_never_written_through()
    {
        DeviceServer device = _devices.Start();
        string victim = Path.Combine(NewFolder(), "precious.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(victim)!);
        File.WriteAllText(victim, "the user's own file");
        Directory.CreateDirectory(SimulatedDevices.SlotDirectory);
        File.CreateSymbolicLink(SlotFile(device), victim);

        ShellResult result = _shell.Run($"Get-GasleserReading {device.Address} -Verbose; Get-GasleserReading {device.Address}");

        Assert.Empty(result.Errors);
        Assert.Equal(2, result.Readings.Count());
        Assert.Equal("the user's own file", File.ReadAllText(victim));
        Assert.Single(result.Verbose, v => v.Contains("Spacing with other processes on this machine is off") && v.Contains("link"));
        var seen = device.Device.Requests;
        Assert.True(seen[1].Arrival - seen[0].Arrival >= DeviceTurn.Spacing);
    }

    [Fact]
    public void A_new_slot_folder_is_made_private_and_a_folder_others_can_write_is_refused()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix permissions; on Windows the folder is the per-user %TEMP%
        }

        string folder = NewFolder();

        Assert.Null(PrivateFolder.Prepare(folder));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));

        File.SetUnixFileMode(folder, File.GetUnixFileMode(folder) | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);
        Assert.Contains("can be written by other users", PrivateFolder.Prepare(folder));
    }

    [Fact]
    public void A_slot_folder_owned_by_another_user_is_not_used_and_a_file_planted_there_is_untouched()
    {
        Assert.True(Environment.UserName == "root", "making a folder owned by another user needs root (chown)");
        string folder = NewFolder();
        Directory.CreateDirectory(folder);
        string planted = Path.Combine(folder, "gasleser-127.0.0.9-80.slot");
        File.WriteAllText(planted, "9999-12-31T23:59:59.9999999Z");
        Chown("nobody", folder);
        Chown("nobody", planted);
        var notes = new List<string>();
        var slot = new SlotFile(folder, "127.0.0.9:80");

        DateTimeOffset? busy = slot.TryClaim(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddSeconds(15), DeviceTurn.LongestClaim, notes.Add);
        slot.Release(DateTimeOffset.UtcNow.AddSeconds(10), notes.Add);

        Assert.Null(busy);
        Assert.Equal("9999-12-31T23:59:59.9999999Z", File.ReadAllText(planted));
        Assert.Single(notes, n => n.Contains("belongs to another user"));
    }

    [Fact]
    public void The_default_private_folder_is_one_per_user_whatever_XDG_RUNTIME_DIR_TMPDIR_or_HOME_say()
    {
        string[] names = { "XDG_RUNTIME_DIR", "TMPDIR", "HOME" };
        var saved = names.ToDictionary(n => n, Environment.GetEnvironmentVariable);
        try
        {
            string expected = "/tmp/gasleser-" + Uid();
            Assert.Equal(expected, PrivateFolder.DefaultPath());
            Environment.SetEnvironmentVariable("XDG_RUNTIME_DIR", "/run/user/1000");
            Environment.SetEnvironmentVariable("TMPDIR", "/var/tmp/elsewhere/");
            Environment.SetEnvironmentVariable("HOME", "/home/someone");
            Assert.Equal(expected, PrivateFolder.DefaultPath()); // a login shell's environment
            foreach (string name in names)
            {
                Environment.SetEnvironmentVariable(name, null);
            }

            Assert.Equal(expected, PrivateFolder.DefaultPath()); // a scheduler's
        }
        finally
        {
            foreach (var (name, value) in saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }

    private static string Uid() => Run("id", "-u").Trim();

    private static void Chown(string user, string path) => Run("chown", user, path);

    private static string Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return output;
    }
}
