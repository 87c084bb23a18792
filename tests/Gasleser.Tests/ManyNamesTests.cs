using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using Gasleser.Sessions;
using Xunit;
using Xunit.Abstractions;

namespace Gasleser.Tests;

/// <summary>
/// Many names at once: the process keeps a bounded number of exchanges in flight, so 1 500 devices under a
/// 1 024-descriptor limit are all read, instead of hundreds failing as "unreachable" for want of a socket.
/// </summary>
public sealed class ManyNamesTests(ITestOutputHelper output) : IDisposable
{
    private const int Names = 1500;
    private static readonly TimeSpan HoldEachConnection = TimeSpan.FromMilliseconds(150);
    private readonly List<TcpListener> _listeners = new();
    private readonly CancellationTokenSource _stop = new();

    public void Dispose()
    {
        _stop.Cancel();
        _listeners.ForEach(l => l.Stop());
    }

    [Fact]
    public async Task Fifteen_hundred_names_in_one_Get_under_a_1024_descriptor_limit_all_give_readings()
    {
        Assert.False(OperatingSystem.IsWindows(), "ulimit is a Unix shell's");
        string names = Path.Combine(Path.GetTempPath(), "gasleser-many-names-" + Guid.NewGuid().ToString("N") + ".txt");
        File.WriteAllLines(names, Enumerable.Range(0, Names).Select(i => StartDevice(i)));
        string slots = Path.Combine(Path.GetTempPath(), "gasleser-many-names-slots-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(slots);
        try
        {
            var stopwatch = Stopwatch.StartNew();
            string result = await RunHostUnderDescriptorLimitAsync(1024, slots, $"@(Get-GasleserReading ([IO.File]::ReadAllLines('{names}')) -TimeoutSec 30).Count");
            output.WriteLine($"{Names} names in {stopwatch.Elapsed.TotalSeconds:0.0} s real time");

            Assert.DoesNotContain("error:", result);
            Assert.Contains($"output: {Names}", result);
        }
        finally
        {
            File.Delete(names);
            Directory.Delete(slots, recursive: true);
        }
    }

    [Fact]
    public async Task Running_out_of_descriptors_is_reported_once_as_this_computer_s_problem_not_as_unreachable_devices()
    {
        Assert.False(OperatingSystem.IsWindows(), "/dev/null and ulimit are Unix's");
        string[] devices = Enumerable.Range(0, 200).Select(i => StartDevice(2000 + i)).ToArray();
        string names = Path.Combine(Path.GetTempPath(), "gasleser-few-fds-" + Guid.NewGuid().ToString("N") + ".txt");
        File.WriteAllLines(names, devices.Skip(1));
        string slots = Path.Combine(Path.GetTempPath(), "gasleser-few-fds-slots-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(slots);
        try
        {
            // One read first loads everything a read needs; then the process takes every descriptor but ten,
            // fewer than the exchanges a command keeps in flight.
            string result = await RunHostUnderDescriptorLimitAsync(1024, slots,
                $"$null = Get-GasleserReading '{devices[0]}'; $held = [Collections.Generic.List[IO.FileStream]]::new(); "
                + "try { while ($true) { $held.Add([IO.File]::OpenRead('/dev/null')) } } catch { }; $held.GetRange(0, 10) | ForEach-Object Dispose; "
                + $"$got = @(Get-GasleserReading ([IO.File]::ReadAllLines('{names}')) -TimeoutSec 30); $held | ForEach-Object Dispose; \"readings: $($got.Count)\"");
            output.WriteLine(result);

            Assert.DoesNotContain("Gasleser.Unreachable", result);
            Assert.Single(result.Split('\n'), line => line.StartsWith("error: Gasleser.LocalResourceExhausted", StringComparison.Ordinal));
            Assert.Contains("readings: ", result);
        }
        finally
        {
            File.Delete(names);
            Directory.Delete(slots, recursive: true);
        }
    }

    /// <summary>A minimal device on a loopback address of its own: holds each connection a while, then answers a reading.</summary>
    private string StartDevice(int i)
    {
        var address = new IPAddress(new byte[] { 127, 79, (byte)(i / 250), (byte)(1 + i % 250) });
        var listener = new TcpListener(address, 0);
        listener.Start(backlog: 8);
        _listeners.Add(listener);
        _ = ServeAsync(listener, "GAS_MANY" + i.ToString("D4", CultureInfo.InvariantCulture));
        return address + ":" + ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task ServeAsync(TcpListener listener, string deviceId)
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                using TcpClient client = await listener.AcceptTcpClientAsync(_stop.Token);
                NetworkStream stream = client.GetStream();
                _ = await stream.ReadAsync(new byte[4096], _stop.Token); // the request (one packet on loopback)
                await Task.Delay(HoldEachConnection, _stop.Token);
                string body = $"{{\"device_id\": \"{deviceId}\", \"timestamp\": \"{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}\", \"total_consumption\": 1.5}}";
                byte[] answer = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}");
                await stream.WriteAsync(answer, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException || ex is SocketException || ex is IOException || ex is ObjectDisposedException)
        {
            // The test is over.
        }
    }

    private static async Task<string> RunHostUnderDescriptorLimitAsync(int limit, string tempDirectory, string commandLine)
    {
        string host = typeof(ManyNamesTests).Assembly.GetCustomAttribute<TestHostAttribute>()!.Path;
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"ulimit -n {limit} && exec dotnet \"$0\" \"$1\" \"$2\"");
        start.ArgumentList.Add(host);
        start.ArgumentList.Add(StagedModule.Manifest);
        start.ArgumentList.Add(commandLine);
        start.Environment["TMPDIR"] = tempDirectory + "/";
        start.Environment.Remove("XDG_RUNTIME_DIR");
        using Process process = Process.Start(start)!;
        Task<string> errors = process.StandardError.ReadToEndAsync();
        string text = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        return text + await errors;
    }
}
