using System.Diagnostics;
using System.Net;
using Gasleser.Dependencies;
using Gasleser.Discovery;
using Xunit;

namespace Gasleser.Tests;

/// <summary>
/// The mDNS half of Find-Gasleser: the wire format both ways, and the browser against a responder on
/// loopback (never the multicast group: no test sends a packet onto a real network).
/// </summary>
public sealed class MdnsTests : IDisposable
{
    private static int _next;
    private readonly List<IDisposable> _owned = new();

    public void Dispose() => _owned.ForEach(o => o.Dispose());

    private static IPAddress NextAddress() => new(new byte[] { 127, 88, 251, (byte)(1 + Interlocked.Increment(ref _next) % 250) });

    private MdnsResponder Responder()
    {
        var responder = new MdnsResponder(NextAddress());
        _owned.Add(responder);
        return responder;
    }

    [Fact]
    public void The_query_is_one_PTR_question_for_the_gasleser_service_asking_for_a_unicast_answer()
    {
        byte[] query = MdnsMessage.BuildPtrQuery("_gasleser._tcp.local", 0x1234);

        Assert.Equal(new byte[] { 0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0 }, query.Take(12));
        Assert.Equal(new byte[] { 0, 12, 0x80, 1 }, query.TakeLast(4)); // type PTR, class IN with the unicast-response bit
        DnsMessage parsed = MdnsMessage.Parse(query, query.Length);
        Assert.False(parsed.IsResponse);
        Assert.Equal(0x1234, parsed.Id);
        Assert.Equal(("_gasleser._tcp.local", DnsRecordType.PTR), Assert.Single(parsed.Questions));
        Assert.Empty(parsed.Records);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void An_answer_with_PTR_SRV_TXT_A_and_AAAA_round_trips_with_and_without_name_compression(bool compress)
    {
        byte[] answer = new DnsWireWriter { Compress = compress }
            .Header(7, 0x8400, 1, 1, 0, 4)
            .Question("_gasleser._tcp.local", DnsRecordType.PTR)
            .Record("_gasleser._tcp.local", DnsRecordType.PTR, 4500, w => w.Name("gas-4224559459._gasleser._tcp.local"))
            .Record("gas-4224559459._gasleser._tcp.local", DnsRecordType.SRV, 120, w => w.U16(0).U16(5).U16(8080).Name("gas-4224559459.local"), 0x8001)
            .Record("gas-4224559459._gasleser._tcp.local", DnsRecordType.TXT, 4500, w => w.Text("id=GAS_4224559459", "fw=1.0.23"), 0x8001)
            .Record("gas-4224559459.local", DnsRecordType.A, 120, w => w.Bytes(new byte[] { 192, 168, 2, 132 }), 0x8001)
            .Record("gas-4224559459.local", DnsRecordType.AAAA, 120, w => w.Bytes(IPAddress.Parse("fd00::1").GetAddressBytes()), 0x8001)
            .ToArray();

        DnsMessage parsed = MdnsMessage.Parse(answer, answer.Length);

        Assert.True(parsed.IsResponse);
        Assert.Equal(7, parsed.Id);
        Assert.Collection(parsed.Records,
            r => Assert.Equal((DnsRecordType.PTR, "gas-4224559459._gasleser._tcp.local."), (r.Type, r.Target)),
            r =>
            {
                Assert.Equal((DnsRecordType.SRV, 8080, "gas-4224559459.local."), (r.Type, r.Port, r.Target));
                Assert.Equal(1, r.Class); // IN: the cache-flush bit is not part of the class
            },
            r => Assert.Equal(new[] { "id=GAS_4224559459", "fw=1.0.23" }, r.Text),
            r => Assert.Equal(IPAddress.Parse("192.168.2.132"), r.Address),
            r => Assert.Equal(IPAddress.Parse("fd00::1"), r.Address));
        Assert.Equal("gas-4224559459._gasleser._tcp.local.", parsed.Records[1].Name);
    }

    [Fact]
    public void Compression_actually_shortens_the_message_the_parser_reads()
    {
        byte[] Build(bool compress) => new DnsWireWriter { Compress = compress }.Header(1, 0x8400, 0, 2, 0, 0)
            .Record("_gasleser._tcp.local", DnsRecordType.PTR, 1, w => w.Name("a._gasleser._tcp.local"))
            .Record("_gasleser._tcp.local", DnsRecordType.PTR, 1, w => w.Name("b._gasleser._tcp.local")).ToArray();

        Assert.True(Build(true).Length < Build(false).Length - 20);
        Assert.Equal(2, MdnsMessage.Parse(Build(true), Build(true).Length).Records.Count);
    }

    [Fact]
    public void Malformed_answers_are_a_FormatException_never_a_crash()
    {
        byte[] good = new DnsWireWriter().Header(1, 0x8400, 0, 1, 0, 0)
            .Record("_gasleser._tcp.local", DnsRecordType.PTR, 1, w => w.Name("a._gasleser._tcp.local")).ToArray();
        // A name that points at itself: a parser that follows it naively never stops.
        byte[] loop = new DnsWireWriter().Header(1, 0x8400, 0, 1, 0, 0).U16(0xC00C).U16(12).U16(1).U32(1).U16(0).ToArray();
        // A record claiming more data than the message holds.
        byte[] overlong = new DnsWireWriter().Header(1, 0x8400, 0, 1, 0, 0).Name("x.local").U16(1).U16(1).U32(1).U16(400).Bytes(new byte[4]).ToArray();

        Assert.Throws<FormatException>(() => MdnsMessage.Parse(good, 5));
        Assert.Throws<FormatException>(() => MdnsMessage.Parse(good, good.Length - 3));
        Assert.Throws<FormatException>(() => MdnsMessage.Parse(loop, loop.Length));
        Assert.Throws<FormatException>(() => MdnsMessage.Parse(overlong, overlong.Length));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task The_browser_resolves_every_announced_device_from_a_loopback_responder(bool splitAnswers, bool omitAddress)
    {
        MdnsResponder responder = Responder();
        responder.SplitAnswers = splitAnswers;
        responder.OmitAddress = omitAddress;
        var one = new MdnsAnnouncement("GAS_4224559459", IPAddress.Parse("127.88.251.200"), 8080);
        var two = new MdnsAnnouncement("GAS_PULSE_1234", IPAddress.Parse("127.88.251.201"), 80);
        responder.Announce(one);
        responder.Announce(two);
        var found = new List<MdnsService>();

        var stopwatch = Stopwatch.StartNew();
        await new MdnsBrowser(responder.EndPoint, TimeSpan.FromSeconds(1.5) /* generous: the responder shares two busy cores */)
            .BrowseAsync(s => { lock (found) { found.Add(s); } }, null, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(10));
        stopwatch.Stop();

        Assert.Equal(1, responder.Queries);
        Assert.Equal(new[] { one.Instance, two.Instance }.Order(), found.Select(s => s.InstanceName).Order());
        MdnsService first = found.Single(s => s.InstanceName == one.Instance);
        Assert.Equal(one.Host, first.HostName);
        Assert.Equal(8080, first.Port);
        Assert.Contains("id=GAS_4224559459", first.Text);
        // Without an A record, the address the answer came from is used.
        Assert.Equal(omitAddress ? responder.EndPoint.Address : one.Address, Assert.Single(first.Addresses));
        Assert.InRange(stopwatch.Elapsed.TotalSeconds, 1.4, 4.5);
    }

    [Fact]
    public async Task A_browse_with_nobody_answering_ends_with_its_window_and_stops_at_once_when_cancelled()
    {
        var silent = new IPEndPoint(NextAddress(), 9); // nothing listens there
        var browser = new MdnsBrowser(silent, TimeSpan.FromMilliseconds(300));
        var stopwatch = Stopwatch.StartNew();
        await browser.BrowseAsync(_ => { }, null, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.InRange(stopwatch.Elapsed.TotalSeconds, 0.25, 2.0);

        using var cancel = new CancellationTokenSource();
        Task longBrowse = new MdnsBrowser(silent, TimeSpan.FromSeconds(60)).BrowseAsync(_ => { }, null, cancel.Token);
        await Task.Delay(100);
        stopwatch.Restart();
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => longBrowse.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(0.5), $"stopped after {stopwatch.Elapsed}");
    }
}
