using System.Management.Automation;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace Gasleser.Tests;

/// <summary>
/// Devices that misbehave at the HTTP level, served by a raw socket: each case ends in a clean
/// Timeout, Unreachable or InvalidResponse within the timeout, reading no more than the body cap.
/// </summary>
public sealed class HostileDeviceTests : IDisposable
{
    private const int TimeoutSec = 2;
    private readonly SimulatedDevices _devices = new(); // installs a virtual session clock: no 10 s waits between cases
    private readonly ModuleShell _shell = new();

    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public HostileDeviceTests(Xunit.Abstractions.ITestOutputHelper output)
    {
        _output = output;
        // Warm the engine up (script compilation, error formatting) so that the allocation figure below is the exchange's.
        _shell.Run($"Get-GasleserReading {SimulatedDevices.NextLoopbackAddress()}:9");
    }

    public void Dispose()
    {
        _shell.Dispose();
        _devices.Dispose();
    }

    private static readonly string Json = """{"device_id":"GAS_1","timestamp":"1758798550","total_consumption":12345.8,"current_flow_rate":0.0}""";

    public static TheoryData<string, string, string> Cases => new()
    {
        { "trickle", "Gasleser.Timeout", "began to answer" },
        { "endless-chunked", "Gasleser.InvalidResponse", "larger than 64 KiB" },
        { "endless-unframed", "Gasleser.InvalidResponse", "larger than 64 KiB" },
        { "content-length-longer-then-close", "Gasleser.Unreachable", "of the 198 bytes its Content-Length announced" },
        { "content-length-longer-then-hold", "Gasleser.Timeout", "did not finish within 2 s" },
        { "content-length-shorter", "Gasleser.InvalidResponse", "JSON breaks off" },
        { "content-length-huge", "Gasleser.InvalidResponse", "larger than 64 KiB" },
        { "header-flood", "Gasleser.InvalidResponse", "headers are larger" },
        { "reset-mid-body", "Gasleser.Unreachable", "reset" },
        { "non-utf8", "Gasleser.InvalidResponse", "not JSON" },
        { "empty-200", "Gasleser.InvalidResponse", "HTTP 200 OK with an empty body" },
        { "gzip", "Gasleser.InvalidResponse", "'gzip'-encoded" },
        { "not-http", "Gasleser.InvalidResponse", "did not answer in HTTP" },
        { "not-http-banner-held", "Gasleser.InvalidResponse", "did not answer in HTTP: 'SSH-2.0" },
        { "bad-chunk-size", "Gasleser.InvalidResponse", "bad chunk size" },
        { "accept-and-close", "Gasleser.Unreachable", "closed it without sending anything" },
    };

    /// <summary>
    /// Each way a transfer breaks, with the error id, the kind (Phase of an Unreachable or Timeout, Kind of an
    /// InvalidResponse), the words that name it and the advice that fits it.
    /// </summary>
    public static TheoryData<string, string, string, string, string> BrokenTransfers => new()
    {
        { "accept-and-close", "Gasleser.Unreachable", "Answer", "accepted the connection and closed it without sending anything", "closed it at once" },
        { "reset-before-answer", "Gasleser.Unreachable", "Answer", "reset the connection before sending anything", "closed it at once" },
        { "headers-cut-short", "Gasleser.Unreachable", "Answer", "inside its headers, after 27 bytes", "stopped in the middle of its answer" },
        { "headers-then-close", "Gasleser.Unreachable", "Answer", "sent its headers (HTTP 200 OK) and closed the connection before its body", "stopped in the middle of its answer" },
        { "content-length-longer-then-close", "Gasleser.Unreachable", "Answer", "after 98 of the 198 bytes its Content-Length announced", "stopped in the middle of its answer" },
        { "chunked-cut-short", "Gasleser.Unreachable", "Answer", "inside its chunked body", "stopped in the middle of its answer" },
        { "unframed-cut-short", "Gasleser.Unreachable", "Answer", "closed the connection inside its JSON, after 30 bytes of body", "stopped in the middle of its answer" },
        { "reset-mid-body", "Gasleser.Unreachable", "Answer", "reset the connection after", "stopped in the middle of its answer" },
        { "continue-then-close", "Gasleser.Unreachable", "Answer", "sent an interim answer (HTTP 100 Continue) and closed the connection before its answer", "stopped in the middle of its answer" },
        { "not-http-banner", "Gasleser.InvalidResponse", "NotAGasleser", "did not answer in HTTP: 'SSH-2.0-OpenSSH_9.2", "not like a Gasleser" },
        { "not-http-banner-held", "Gasleser.InvalidResponse", "NotAGasleser", "did not answer in HTTP: 'SSH-2.0-OpenSSH_9.2", "not like a Gasleser" },
        { "content-length-shorter", "Gasleser.InvalidResponse", "UnexpectedAnswer", "JSON breaks off", "update its firmware" },
        { "accept-and-hold", "Gasleser.Timeout", "Answer", "accepted the connection but did not answer within 2 s", "did not finish its answer in time" },
    };

    [Theory]
    [MemberData(nameof(BrokenTransfers))]
    public async Task Each_way_a_transfer_breaks_gets_its_own_words_kind_and_advice(string behaviour, string errorId, string kind, string words, string advice)
    {
        await using var server = HostileServer.Start(behaviour);

        ShellResult result = _shell.Run($"Get-GasleserReading {server.Address} -TimeoutSec {TimeoutSec}");

        ErrorRecord error = Assert.Single(result.Errors);
        _output.WriteLine($"{behaviour}: {error.FullyQualifiedErrorId}: {error.Exception.Message} | {error.ErrorDetails.RecommendedAction}");
        Assert.Equal(errorId, error.FullyQualifiedErrorId.Split(',')[0]);
        string actualKind = error.Exception switch
        {
            GasleserUnreachableException u => u.Phase.ToString(),
            GasleserTimeoutException t => t.Phase.ToString(),
            GasleserInvalidResponseException r => r.Kind.ToString(),
            _ => error.Exception.GetType().Name,
        };
        Assert.Equal(kind, actualKind);
        Assert.Contains(words, error.Exception.Message);
        Assert.Contains(advice, error.ErrorDetails.RecommendedAction);
        Assert.Equal(1, server.Connections);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_hostile_answer_ends_in_a_clean_error_within_the_timeout(string behaviour, string errorId, string messagePart)
    {
        await using var server = HostileServer.Start(behaviour);
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var stopwatch = Stopwatch.StartNew();

        ShellResult result = _shell.Run($"Get-GasleserReading {server.Address} -TimeoutSec {TimeoutSec}");

        stopwatch.Stop();
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        _output.WriteLine($"{behaviour}: {result.ErrorIds.FirstOrDefault()} after {stopwatch.ElapsedMilliseconds} ms, {allocated / 1024} KiB allocated");
        Assert.Null(result.Terminating);
        Assert.Empty(result.Readings);
        Assert.Equal(new[] { errorId }, result.ErrorIds);
        Assert.Contains(messagePart, result.Errors[0].Exception.Message);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(TimeoutSec + 1.5), $"took {stopwatch.Elapsed}");
        Assert.Equal(1, server.Connections);
        // The server offers megabytes in the endless cases (from buffers it allocated once); the module
        // reads up to its cap and stops.
        Assert.True(allocated < 1024 * 1024, $"allocated {allocated / 1024} KiB");
    }

    /// <summary>
    /// A 200 with nothing in it is a whole answer with no reading: named as what came, not as JSON that is not JSON,
    /// and not taken for a Gasleser (nothing in it shows one), with advice for both things it can be.
    /// </summary>
    [Theory]
    [InlineData("empty-200", "HTTP 200 OK with an empty body (Content-Length: 0)")]
    [InlineData("empty-chunked-200", "HTTP 200 OK with an empty body (a chunked body with no data)")]
    public async Task An_empty_200_is_named_as_an_empty_answer_with_advice_that_fits_it(string behaviour, string words)
    {
        await using var server = HostileServer.Start(behaviour);

        ShellResult result = _shell.Run($"Get-GasleserReading {server.Address} -TimeoutSec {TimeoutSec}");

        ErrorRecord error = Assert.Single(result.Errors);
        _output.WriteLine($"{behaviour}: {error.Exception.Message} | {error.ErrorDetails.RecommendedAction}");
        var invalid = Assert.IsType<GasleserInvalidResponseException>(error.Exception);
        Assert.Equal(InvalidResponseKind.NotAGasleser, invalid.Kind);
        Assert.Contains(words, invalid.Message);
        Assert.DoesNotContain("JSON", invalid.Message);
        Assert.Contains("check that the address and port", error.ErrorDetails.RecommendedAction);
        Assert.Contains("restart", error.ErrorDetails.RecommendedAction);
        Assert.Equal(1, server.Connections);
    }

    /// <summary>
    /// A swept address that accepted the connection and then broke off, or never finished its answer, is told in
    /// -Verbose with the cause's own words, and not reported; so is one that answered something that is no
    /// Gasleser's. Find words no cause itself: its line is the message Get-GasleserReading gives for that address.
    /// </summary>
    [Theory]
    [InlineData("accept-and-close", "accepted the connection and closed it without sending anything.")]
    [InlineData("headers-then-close", "sent its headers (HTTP 200 OK) and closed the connection before its body.")]
    [InlineData("accept-and-hold", "accepted the connection but did not answer within 1 s.")]
    [InlineData("not-found", "answered 404 Not Found on /v1/data: a Gasleser answers so when its firmware is older than 1.0.21")]
    [InlineData("empty-200", "answered HTTP 200 OK with an empty body (Content-Length: 0) on /v1/data")]
    public async Task A_swept_address_that_gave_no_reading_is_told_in_verbose_in_the_words_Get_uses(string behaviour, string words)
    {
        await using var server = HostileServer.Start(behaviour);
        string[] hostPort = server.Address.Split(':');

        ShellResult find = _shell.Run($"Find-Gasleser -Method Sweep -Subnet {hostPort[0]} -Port {hostPort[1]} -TimeoutMilliseconds 1000 -Verbose");
        ShellResult get = _shell.Run($"Get-GasleserReading {server.Address} -TimeoutSec 1");

        Assert.Null(find.Terminating);
        Assert.Empty(find.Errors);
        Assert.DoesNotContain(find.Output, o => o.BaseObject is GasleserDevice);
        string message = Assert.Single(get.Errors).Exception.Message;
        Assert.Contains($"{server.Address} {words}", message);
        Assert.Contains($"{message} Not reported.", find.Verbose);
    }

    /// <summary>
    /// One place words each cause of a failed exchange: no other source file makes the exceptions an exchange with a
    /// device ends in, so no cmdlet can word a cause its own way.
    /// </summary>
    [Fact]
    public void Every_cause_of_a_failed_exchange_is_worded_in_ExchangeCauses_alone()
    {
        string source = Path.GetFullPath(Path.Combine(StagedModule.Directory, "..", "..", "src", "Gasleser"));
        var made = new System.Text.RegularExpressions.Regex(
            @"new (Gasleser(Timeout|Unreachable|InvalidResponse|DeviceError|FirmwareUnsupported|RateLimited|LocalResource)Exception|DeviceBusyException)\(");

        string[] elsewhere = Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && Path.GetFileName(f) != "ExchangeCauses.cs")
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (f, line, i)))
            .Where(x => made.IsMatch(x.line))
            .Select(x => $"{Path.GetRelativePath(source, x.f)}:{x.i + 1}: {x.line.Trim()}")
            .ToArray();

        Assert.True(Directory.Exists(Path.Combine(source, "Errors")), source);
        Assert.Empty(elsewhere);
    }

    [Fact]
    public async Task Bytes_past_the_declared_length_are_ignored_and_a_chunked_answer_is_read()
    {
        await using var extra = HostileServer.Start("content-length-then-garbage");
        await using var chunked = HostileServer.Start("chunked-ok");

        ShellResult result = _shell.Run($"Get-GasleserReading {extra.Address}, {chunked.Address}");

        Assert.Empty(result.Errors);
        Assert.Equal(2, result.Readings.Count());
        Assert.All(result.Readings, r => Assert.Equal(12345.8, r.TotalConsumption));
    }

    /// <summary>A one-connection-at-a-time server that answers every request with one kind of misbehaviour.</summary>
    private static class HostileServer
    {
        // Made once, before any measurement, so that the server's own allocations do not count.
        private static readonly byte[] Megabyte = Encoding.ASCII.GetBytes(new string('x', 1024 * 1024));
        private static readonly byte[] Chunk = Encoding.ASCII.GetBytes("100000\r\n" + new string('x', 0x100000) + "\r\n");
        private static readonly byte[] FloodLine = Encoding.ASCII.GetBytes("X-Flood: " + new string('y', 1000) + "\r\n");

        static HostileServer()
        {
            // An explicit static constructor: the buffers are made at the first construction, not lazily mid-measurement.
        }

        /// <summary>A server on a loopback address of its own that misbehaves as <paramref name="behaviour"/> says.</summary>
        public static RawDeviceServer Start(string behaviour) =>
            new RawDeviceServer((client, stream, token) => BehaveAsync(behaviour, client, stream, token));

        private static async Task BehaveAsync(string behaviour, Socket client, NetworkStream stream, CancellationToken token)
        {
            async Task Send(string text) => await stream.WriteAsync(Encoding.UTF8.GetBytes(text), token);
            async Task Hold() => await Task.Delay(Timeout.Infinite, token);
            string head200 = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n";

            switch (behaviour)
            {
                case "trickle":
                    foreach (char c in head200 + $"Content-Length: {Json.Length}\r\n\r\n" + Json)
                    {
                        await Send(c.ToString());
                        await Task.Delay(1000, token);
                    }

                    break;
                case "endless-chunked":
                    await Send(head200 + "Transfer-Encoding: chunked\r\n\r\n");
                    while (true)
                    {
                        await stream.WriteAsync(Chunk, token);
                    }
                case "endless-unframed":
                    await Send(head200 + "\r\n{\"device_id\":\"");
                    while (true)
                    {
                        await stream.WriteAsync(Megabyte, token);
                    }
                case "content-length-longer-then-close":
                    await Send(head200 + $"Content-Length: {Json.Length + 100}\r\n\r\n" + Json);
                    client.Shutdown(SocketShutdown.Send);
                    await Hold();
                    break;
                case "content-length-longer-then-hold":
                    await Send(head200 + $"Content-Length: {Json.Length + 100}\r\n\r\n" + Json);
                    await Hold();
                    break;
                case "content-length-shorter":
                    await Send(head200 + $"Content-Length: {Json.Length / 2}\r\n\r\n" + Json);
                    await Hold();
                    break;
                case "content-length-huge":
                    await Send(head200 + "Content-Length: 10000000000\r\n\r\n");
                    while (true)
                    {
                        await stream.WriteAsync(Megabyte, token);
                    }
                case "header-flood":
                    await Send(head200);
                    while (true)
                    {
                        await stream.WriteAsync(FloodLine, token);
                    }
                case "reset-mid-body":
                    await Send(head200 + $"Content-Length: {Json.Length}\r\n\r\n" + Json.Substring(0, 20));
                    await Task.Delay(50, token);
                    client.LingerState = new LingerOption(true, 0);
                    client.Close();
                    break;
                case "non-utf8":
                    await Send(head200 + "Content-Length: 6\r\n\r\n");
                    await stream.WriteAsync(new byte[] { 0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1 }, token);
                    await Hold();
                    break;
                case "empty-200":
                    await Send(head200 + "Content-Length: 0\r\n\r\n");
                    await Hold();
                    break;
                case "not-found":
                    await Send("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
                    await Hold();
                    break;
                case "empty-chunked-200":
                    await Send(head200 + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
                    await Hold();
                    break;
                case "continue-then-close":
                    await Send("HTTP/1.1 100 Continue\r\n\r\n");
                    client.Shutdown(SocketShutdown.Send);
                    await Hold();
                    break;
                case "gzip":
                    await Send(head200 + "Content-Encoding: gzip\r\nContent-Length: 10\r\n\r\n\u001f\u008b\b\0\0\0\0\0\0\u0003");
                    await Hold();
                    break;
                case "not-http":
                    await Send("SSH-2.0-OpenSSH_9.2\r\n\r\n");
                    await Hold();
                    break;
                case "bad-chunk-size":
                    await Send(head200 + "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + Json + "\r\n0\r\n\r\n");
                    await Hold();
                    break;
                case "accept-and-close":
                    client.Shutdown(SocketShutdown.Both);
                    break;
                case "not-http-banner":
                    await Send("SSH-2.0-OpenSSH_9.2\r\n");
                    client.Shutdown(SocketShutdown.Send);
                    await Hold();
                    break;
                case "not-http-banner-held":
                    await Send("SSH-2.0-OpenSSH_9.2\r\n");
                    await Hold();
                    break;
                case "reset-before-answer":
                    client.LingerState = new LingerOption(true, 0);
                    client.Close();
                    break;
                case "headers-cut-short":
                    await Send("HTTP/1.1 200 OK\r\nContent-Ty");
                    client.Shutdown(SocketShutdown.Send);
                    await Hold();
                    break;
                case "headers-then-close":
                    await Send(head200 + "\r\n");
                    client.Shutdown(SocketShutdown.Send);
                    await Hold();
                    break;
                case "chunked-cut-short":
                    await Send(head200 + "Transfer-Encoding: chunked\r\n\r\n" + $"{Json.Length:x}\r\n" + Json.Substring(0, 30));
                    client.Shutdown(SocketShutdown.Send);
                    await Hold();
                    break;
                case "unframed-cut-short":
                    await Send(head200 + "\r\n" + Json.Substring(0, 30));
                    client.Shutdown(SocketShutdown.Send);
                    await Hold();
                    break;
                case "accept-and-hold":
                    await Hold();
                    break;
                case "content-length-then-garbage":
                    await Send(head200 + $"Content-Length: {Json.Length}\r\n\r\n" + Json + "GARBAGE");
                    await Hold();
                    break;
                case "chunked-ok":
                    await Send(head200 + "Transfer-Encoding: chunked\r\n\r\n");
                    await Send($"{10:x}\r\n{Json.Substring(0, 10)}\r\n");
                    await Task.Delay(20, token);
                    await Send($"{Json.Length - 10:x};ext=1\r\n{Json.Substring(10)}\r\n0\r\n\r\n");
                    await Hold();
                    break;
                default:
                    throw new ArgumentException(behaviour);
            }
        }
    }
}
