using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Gasleser.Simulator;
using Xunit;

namespace Gasleser.Tests;

/// <summary>
/// Processes on one machine (a scheduled task, an interactive shell) keep the device's spacing
/// between them through a per-device slot file; when the file cannot be used, each process still
/// keeps its own spacing and -Verbose says so.
/// </summary>
public sealed class MachineWideSpacingTests : IDisposable
{
    private readonly SimulatedDevices _devices = new();
    private readonly ModuleShell _shell = new();

    public void Dispose()
    {
        _shell.Dispose();
        _devices.Dispose();
    }

    private static string SlotFile(DeviceServer device) =>
        Path.Combine(SimulatedDevices.SlotDirectory, $"gasleser-{device.EndPoint.Address}-{device.EndPoint.Port}.slot");

    [Fact]
    public void A_request_by_another_process_is_waited_for_as_the_slot_file_says()
    {
        DeviceServer device = _devices.Start();
        DateTimeOffset busyUntil = _devices.Now.AddSeconds(7);
        Directory.CreateDirectory(SimulatedDevices.SlotDirectory);
        File.WriteAllText(SlotFile(device), busyUntil.UtcDateTime.ToString("o", CultureInfo.InvariantCulture));

        ShellResult refused = _shell.Run($"Get-GasleserReading {device.Address} -NoWait");
        ShellResult waited = _shell.Run($"Get-GasleserReading {device.Address} -Verbose");

        Assert.Equal(new[] { "Gasleser.RateLimited" }, refused.ErrorIds);
        Assert.Contains("another process", refused.Errors[0].Exception.Message);
        Assert.Single(waited.Readings);
        Assert.Contains(waited.Verbose, v => v.Contains("another process on this machine"));
        Assert.True(device.Device.Requests.Single().Arrival >= busyUntil);
        DateTimeOffset recorded = DateTimeOffset.Parse(File.ReadAllText(SlotFile(device)), CultureInfo.InvariantCulture);
        Assert.True(recorded >= device.Device.Requests.Single().Arrival + TimeSpan.FromSeconds(10), $"slot file says {recorded:o}");
    }

    [Fact]
    public void A_corrupt_slot_file_is_rewritten_and_the_read_goes_on()
    {
        DeviceServer device = _devices.Start();
        Directory.CreateDirectory(SimulatedDevices.SlotDirectory);
        File.WriteAllText(SlotFile(device), "\u0001garbage 99:99");

        ShellResult result = _shell.Run($"Get-GasleserReading {device.Address} -Verbose");

        Assert.Empty(result.Errors);
        Assert.Single(result.Readings);
        Assert.Contains(result.Verbose, v => v.Contains("not a time; it is rewritten"));
        Assert.True(DateTimeOffset.TryParse(File.ReadAllText(SlotFile(device)), CultureInfo.InvariantCulture, DateTimeStyles.None, out _));
    }

    [Fact]
    public void A_slot_file_locked_by_someone_else_degrades_to_in_process_spacing_with_a_verbose_note()
    {
        DeviceServer device = _devices.Start();
        Directory.CreateDirectory(SimulatedDevices.SlotDirectory);
        using (new FileStream(SlotFile(device), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            ShellResult result = _shell.Run($"Get-GasleserReading {device.Address} -Verbose; Get-GasleserReading {device.Address}");

            Assert.Empty(result.Errors);
            Assert.Equal(2, result.Readings.Count());
            Assert.Single(result.Verbose, v => v.Contains("Spacing with other processes on this machine is off"));
        }

        var seen = device.Device.Requests;
        Assert.True(seen[1].Arrival - seen[0].Arrival >= TimeSpan.FromSeconds(10.5));
    }

    [Fact]
    public async Task Two_PowerShell_processes_polling_one_device_keep_10_s_apart_in_real_time()
    {
        using var realTime = new SimulatedDevices(realTime: true);
        DeviceServer device = realTime.Start();
        string slots = Path.Combine(Path.GetTempPath(), "gasleser-two-processes-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(slots);
        try
        {
            var stopwatch = Stopwatch.StartNew();
            Task<string>[] hosts = Enumerable.Range(0, 2).Select(_ => RunHostAsync(slots, $"Get-GasleserReading {device.Address}")).ToArray();
            string[] outputs = await Task.WhenAll(hosts).WaitAsync(TimeSpan.FromSeconds(60));
            stopwatch.Stop();

            Assert.All(outputs, o => Assert.Contains("output: GAS_", o));
            Assert.All(outputs, o => Assert.DoesNotContain("error:", o));
            var seen = device.Device.Requests;
            Assert.Equal(new[] { 200, 200 }, seen.Select(r => r.Status));
            Assert.True(seen[1].Arrival - seen[0].Arrival >= TimeSpan.FromSeconds(10), $"gap {seen[1].Arrival - seen[0].Arrival}");
        }
        finally
        {
            Directory.Delete(slots, recursive: true);
        }
    }

    [Fact]
    public async Task Two_processes_asking_one_device_by_its_name_and_by_its_address_share_its_turn()
    {
        using var realTime = new SimulatedDevices(realTime: true);
        using var device = new DeviceServer(new SimulatedDevice("GAS_TWO_NAMES_" + Environment.ProcessId), System.Net.IPAddress.Loopback);
        int port = device.EndPoint.Port;
        string slots = Path.Combine(Path.GetTempPath(), "gasleser-two-names-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(slots);
        try
        {
            string[] outputs = await Task.WhenAll(
                RunHostAsync(slots, $"Get-GasleserReading 'localhost:{port}'; Get-GasleserReading 'localhost:{port}'"),
                RunHostAsync(slots, $"Get-GasleserReading '127.0.0.1:{port}'; Get-GasleserReading 'http://127.0.0.1:{port}/'")).WaitAsync(TimeSpan.FromSeconds(90));

            Assert.All(outputs, o => Assert.DoesNotContain("error:", o));
            var seen = device.Device.Requests;
            Assert.Equal(new[] { 200, 200, 200, 200 }, seen.Select(r => r.Status));
            for (int i = 1; i < seen.Count; i++)
            {
                Assert.True(seen[i].Arrival - seen[i - 1].Arrival >= TimeSpan.FromSeconds(10), $"gap {seen[i].Arrival - seen[i - 1].Arrival}");
            }
        }
        finally
        {
            Directory.Delete(slots, recursive: true);
        }
    }

    private static async Task<string> RunHostAsync(string tempDirectory, string commandLine)
    {
        string host = typeof(MachineWideSpacingTests).Assembly.GetCustomAttribute<TestHostAttribute>()!.Path;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(host);
        start.ArgumentList.Add(StagedModule.Manifest);
        start.ArgumentList.Add(commandLine);
        start.Environment["TMPDIR"] = tempDirectory + "/"; // a temp folder of its own (the slot files go to the tests' folder whatever it says)
        start.Environment.Remove("XDG_RUNTIME_DIR");
        using Process process = Process.Start(start)!;
        string output = await process.StandardOutput.ReadToEndAsync();
        string errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output + errors;
    }
}
