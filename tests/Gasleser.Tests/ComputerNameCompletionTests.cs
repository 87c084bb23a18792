using System.Diagnostics;
using System.Net;
using System.Reflection;
using Gasleser.Commands;
using Gasleser.Discovery;
using Gasleser.Sessions;
using Gasleser.Simulator;
using Xunit;
using Gasleser.Hosting;

namespace Gasleser.Tests;

/// <summary>Tab completion of -ComputerName, exercised as the console does it: TabExpansion2 on a command line.</summary>
public sealed class ComputerNameCompletionTests : IDisposable
{
    private readonly SimulatedDevices _devices = new();
    private readonly ModuleShell _shell = new();

    // A known-devices file of these tests' own: other tests' devices are not offered here.
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "gasleser-completion-" + Guid.NewGuid().ToString("N"));

    public ComputerNameCompletionTests()
    {
        SessionRegistry.Clear();
        ProcessWide.PrivateFolder = _folder;
        KnownDevices.ForgetWrites();
    }

    public void Dispose()
    {
        _shell.Dispose();
        _devices.Dispose();
        ProcessWide.PrivateFolder = SimulatedDevices.SlotDirectory;
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private IReadOnlyList<(string Text, string ToolTip)> CompleteWithToolTips(string line) =>
        _shell.Run("(TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | ForEach-Object { $_.CompletionText + '|' + $_.ToolTip }",
                new Dictionary<string, object?> { ["line"] = line })
            .Output.Select(o => ((string)o.BaseObject).Split('|')).Select(p => (p[0], p[1])).ToList();

    [Fact]
    public async Task A_new_process_offers_the_devices_another_process_reached_with_the_device_id_in_the_tooltip()
    {
        DeviceServer device = _devices.Start(deviceId: "GAS_2329790123");
        string before = await RunHostAsync($"Get-GasleserReading {device.Address}");
        Assert.Contains("output: GAS_2329790123", before);

        string offered = await RunHostAsync(
            $"(TabExpansion2 -inputScript 'Watch-GasleserReading {device.Address[..6]}' -cursorColumn {("Watch-GasleserReading " + device.Address[..6]).Length}).CompletionMatches | ForEach-Object {{ $_.CompletionText + '|' + $_.ToolTip }}");

        Assert.Contains($"output: {device.Address}|{device.Address}: GAS_2329790123, last reached", offered);
    }

    [Fact]
    public void The_known_devices_file_is_read_as_untrusted_bounded_checked_and_never_fatal()
    {
        Directory.CreateDirectory(_folder);
        string file = KnownDevices.FilePath!;
        File.WriteAllText(file, string.Join("\n",
            "192.168.2.132\tGAS_1\t1764000000",
            "evil;Remove-Item\tGAS_2\t1764000000",
            "192.168.2.133\tGAS_\u001b[31m\t1764000000",
            "192.168.2.134\tGAS_3\tnot-a-time",
            "192.168.2.135\tGAS_4\t99999999999999999999",
            "garbage"));

        Assert.Equal(new[] { ("192.168.2.132", "192.168.2.132: GAS_1, last reached " + DateTimeOffset.FromUnixTimeSeconds(1764000000).ToLocalTime().ToString("g")) },
            CompleteWithToolTips("Get-GasleserReading 192.168."));

        File.WriteAllText(file, new string('x', KnownDevices.MaxFileBytes + 1));
        Assert.Empty(CompleteWithToolTips("Get-GasleserReading 192.168."));
    }

    [Fact]
    public void A_known_devices_file_that_is_a_link_or_a_pipe_is_not_read()
    {
        Directory.CreateDirectory(_folder);
        string file = KnownDevices.FilePath!;
        string elsewhere = Path.Combine(_folder, "elsewhere.txt");
        File.WriteAllText(elsewhere, "192.168.2.132\tGAS_1\t1764000000\n");
        File.CreateSymbolicLink(file, elsewhere);
        Assert.Empty(CompleteWithToolTips("Get-GasleserReading 192.168."));

        if (!OperatingSystem.IsWindows())
        {
            // Opening a named pipe for reading would wait for a writer: completion must never hang on one.
            File.Delete(file);
            using (Process mkfifo = Process.Start("mkfifo", file)!)
            {
                mkfifo.WaitForExit();
            }

            Assert.Empty(CompleteWithToolTips("Get-GasleserReading 192.168."));
        }
    }

    [Fact]
    public void Subnet_offers_this_machines_own_subnets_with_the_interface_in_the_tooltip()
    {
        var interfaces = new[]
        {
            new InterfaceInfo("eth0", isUp: true, isLoopback: false, new[] { (IPAddress.Parse("192.168.2.10"), 24) }),
            new InterfaceInfo("wlan0", isUp: true, isLoopback: false, new[] { (IPAddress.Parse("10.1.2.3"), 16) }),
            new InterfaceInfo("lo", isUp: true, isLoopback: true, new[] { (IPAddress.Parse("127.0.0.1"), 8) }),
        };

        IReadOnlyList<System.Management.Automation.CompletionResult> all = SubnetCompleter.Complete(LocalSubnets.WithOrigin(interfaces), "");
        IReadOnlyList<System.Management.Automation.CompletionResult> typed = SubnetCompleter.Complete(LocalSubnets.WithOrigin(interfaces), "10.");

        Assert.Equal(new[] { "192.168.2.0/24", "10.1.2.0/24" }, all.Select(r => r.CompletionText));
        Assert.Equal("192.168.2.0/24: eth0, this machine is 192.168.2.10", all[0].ToolTip);
        Assert.Equal(new[] { "10.1.2.0/24" }, typed.Select(r => r.CompletionText));
        // Through TabExpansion2, the offers are this machine's own default subnets.
        Assert.Equal(LocalSubnets.OfThisMachine(), Complete("Find-Gasleser -Subnet "));
    }

    [Fact]
    public void TimeZone_offers_IANA_and_Windows_ids_quoting_those_with_spaces()
    {
        Assert.Contains("Europe/Berlin", Complete("Measure-GasleserUsage -TimeZone Europe/Ber"));
        Assert.Contains("Europe/Berlin", Complete("Measure-GasleserUsage -TimeZone Berl"));
        Assert.Contains("'W. Europe Standard Time'", Complete("Measure-GasleserUsage -TimeZone W."));
        Assert.Empty(Complete("Measure-GasleserUsage -TimeZone Nowhere/Atlantis"));
    }

    private async Task<string> RunHostAsync(string commandLine)
    {
        string host = typeof(ComputerNameCompletionTests).Assembly.GetCustomAttribute<TestHostAttribute>()!.Path;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(host);
        start.ArgumentList.Add(StagedModule.Manifest);
        start.ArgumentList.Add($"[Gasleser.InternalHooks]::SetTestHook('PrivateFolder', '{_folder}'); " + commandLine);
        using Process process = Process.Start(start)!;
        string output = await process.StandardOutput.ReadToEndAsync();
        string errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output + errors;
    }

    private IReadOnlyList<string> Complete(string line) =>
        _shell.Run("(TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | ForEach-Object CompletionText",
                new Dictionary<string, object?> { ["line"] = line })
            .Output.Select(o => (string)o.BaseObject).ToList();

    [Fact]
    public void Addresses_that_gave_a_reading_or_a_429_are_offered_and_ones_that_never_answered_are_not()
    {
        DeviceServer a = _devices.Start(), b = _devices.Start(), busy = _devices.Start(DeviceFault.Busy), old = _devices.Start(DeviceFault.OldFirmware);
        _shell.Run($"Get-GasleserReading {a.Address}, {b.Address}, {busy.Address}, {old.Address}");
        string[] expected = new[] { a.Address, b.Address, busy.Address }.OrderBy(x => x, StringComparer.OrdinalIgnoreCase).ToArray();

        Assert.Equal(expected, Complete("Get-GasleserReading 127.77."));
        Assert.Equal(expected, Complete("Get-GasleserReading -ComputerName 127.77."));
        Assert.Equal(expected, Complete("Get-GasleserSession -ComputerName "));
    }

    [Fact]
    public void Only_addresses_starting_with_the_word_typed_are_offered()
    {
        DeviceServer a = _devices.Start(), b = _devices.Start();
        _shell.Run($"Get-GasleserReading {a.Address}, {b.Address}");

        Assert.Equal(new[] { b.Address }, Complete("Get-GasleserReading " + b.Address.Substring(0, b.Address.Length - 2)));
        Assert.Equal(new[] { a.Address }, Complete("Get-GasleserReading -Port 80 -ComputerName " + a.Address));
        Assert.DoesNotContain(a.Address, Complete("Get-GasleserReading 10."));
        Assert.Contains(a.Address, string.Join(" ", Complete("Get-GasleserReading '127.77.")));
    }
}
