using System.Net;
using System.Net.Sockets;
using System.Text;
using Gasleser.Dependencies;
using Gasleser.Discovery;
using Gasleser.Hosting;

namespace Gasleser.Tests;

/// <summary>
/// Writes DNS messages the way responders do, name compression included, so the module's parser is
/// tested on what real answers look like. (The module itself only ever writes a one-question query.)
/// </summary>
internal sealed class DnsWireWriter
{
    private readonly List<byte> _bytes = new();
    private readonly Dictionary<string, int> _names = new(StringComparer.OrdinalIgnoreCase);

    public bool Compress { get; set; } = true;

    public byte[] ToArray() => _bytes.ToArray();

    public DnsWireWriter Header(ushort id, ushort flags, int questions, int answers, int authority, int additional)
    {
        U16(id).U16(flags).U16((ushort)questions).U16((ushort)answers).U16((ushort)authority).U16((ushort)additional);
        return this;
    }

    public DnsWireWriter Question(string name, DnsRecordType type, ushort recordClass = 1)
    {
        Name(name).U16((ushort)type).U16(recordClass);
        return this;
    }

    public DnsWireWriter Record(string name, DnsRecordType type, uint ttl, Action<DnsWireWriter> data, ushort recordClass = 1)
    {
        Name(name).U16((ushort)type).U16(recordClass).U32(ttl);
        int lengthAt = _bytes.Count;
        U16(0);
        data(this);
        int length = _bytes.Count - lengthAt - 2;
        _bytes[lengthAt] = (byte)(length >> 8);
        _bytes[lengthAt + 1] = (byte)length;
        return this;
    }

    public DnsWireWriter Name(string name)
    {
        string[] labels = name.TrimEnd('.').Split('.');
        for (int i = 0; i < labels.Length; i++)
        {
            string suffix = string.Join(".", labels.Skip(i));
            if (Compress && _names.TryGetValue(suffix, out int offset))
            {
                return U16((ushort)(0xC000 | offset));
            }

            if (_bytes.Count < 0x3FFF)
            {
                _names.TryAdd(suffix, _bytes.Count);
            }

            byte[] label = Encoding.UTF8.GetBytes(labels[i]);
            _bytes.Add((byte)label.Length);
            _bytes.AddRange(label);
        }

        _bytes.Add(0);
        return this;
    }

    public DnsWireWriter Text(params string[] strings)
    {
        foreach (string s in strings)
        {
            byte[] b = Encoding.UTF8.GetBytes(s);
            _bytes.Add((byte)b.Length);
            _bytes.AddRange(b);
        }

        return this;
    }

    public DnsWireWriter Bytes(byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public DnsWireWriter U16(ushort value)
    {
        _bytes.Add((byte)(value >> 8));
        _bytes.Add((byte)value);
        return this;
    }

    public DnsWireWriter U32(uint value) => U16((ushort)(value >> 16)).U16((ushort)value);
}

/// <summary>A Gasleser's mDNS announcement, as the responder gives it.</summary>
internal sealed record MdnsAnnouncement(string DeviceId, IPAddress Address, int Port)
{
    public string Label => "gas-" + DeviceId.Substring(DeviceId.LastIndexOf('_') + 1);
    public string Instance => Label + "." + MdnsBrowser.ServiceType;
    public string Host => Label + ".local";
}

/// <summary>
/// An mDNS responder on a loopback address: it answers a one-shot PTR question for
/// _gasleser._tcp.local by unicast to the asker, like a device does — PTR in the answer section,
/// SRV, TXT and A in the additional section. Tests point the browser at it, so no test multicasts.
/// </summary>
internal sealed class MdnsResponder : IDisposable
{
    private readonly UdpClient _udp;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<MdnsAnnouncement> _announced = new();
    private int _queries;

    private readonly (IPEndPoint Target, TimeSpan Window)? _browserBefore;

    public MdnsResponder(IPAddress address)
    {
        _udp = new UdpClient(new IPEndPoint(address, 0));
        EndPoint = (IPEndPoint)_udp.Client.LocalEndPoint!;
        _ = Task.Run(ServeAsync);
    }

    private MdnsResponder(IPAddress address, TimeSpan window)
        : this(address)
    {
        _browserBefore = (ProcessWide.MdnsTarget, ProcessWide.MdnsWindow);
        ProcessWide.MdnsTarget = EndPoint;
        ProcessWide.MdnsWindow = window;
    }

    /// <summary>
    /// A responder every browse of the module goes to (never the multicast group), collecting answers for
    /// <paramref name="window"/> (300 ms by default); disposing it points the browser back where it was.
    /// </summary>
    public static MdnsResponder ForEveryBrowse(IPAddress address, TimeSpan? window = null) =>
        new MdnsResponder(address, window ?? TimeSpan.FromMilliseconds(300));

    public IPEndPoint EndPoint { get; }

    /// <summary>Send the PTR in one packet and the SRV, TXT and A records in a second one.</summary>
    public bool SplitAnswers { get; set; }

    /// <summary>Leave the A record out: the browser must use the address that answered.</summary>
    public bool OmitAddress { get; set; }

    public int Queries => Volatile.Read(ref _queries);

    public void Announce(MdnsAnnouncement device)
    {
        lock (_announced)
        {
            _announced.Add(device);
        }
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult received;
            try
            {
                received = await _udp.ReceiveAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            DnsMessage query;
            try
            {
                query = MdnsMessage.Parse(received.Buffer, received.Buffer.Length);
            }
            catch (FormatException)
            {
                continue;
            }

            if (query.IsResponse || !query.Questions.Any(q => q.Type == DnsRecordType.PTR && q.Name.Equals(MdnsBrowser.ServiceType, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            Interlocked.Increment(ref _queries);
            MdnsAnnouncement[] devices;
            lock (_announced)
            {
                devices = _announced.ToArray();
            }

            foreach (byte[] packet in Answers(query.Id, devices))
            {
                await _udp.SendAsync(packet, packet.Length, received.RemoteEndPoint);
            }
        }
    }

    private IEnumerable<byte[]> Answers(ushort id, MdnsAnnouncement[] devices)
    {
        const ushort flags = 0x8400; // a response, authoritative
        const ushort cacheFlushIn = 0x8001;
        void Ptr(DnsWireWriter w, MdnsAnnouncement d) => w.Record(MdnsBrowser.ServiceType, DnsRecordType.PTR, 4500, x => x.Name(d.Instance));
        void Rest(DnsWireWriter w, MdnsAnnouncement d)
        {
            w.Record(d.Instance, DnsRecordType.SRV, 120, x => x.U16(0).U16(0).U16((ushort)d.Port).Name(d.Host), cacheFlushIn);
            w.Record(d.Instance, DnsRecordType.TXT, 4500, x => x.Text("id=" + d.DeviceId, "model=Gasleser"), cacheFlushIn);
            if (!OmitAddress)
            {
                w.Record(d.Host, DnsRecordType.A, 120, x => x.Bytes(d.Address.GetAddressBytes()), cacheFlushIn);
            }
        }

        int perDevice = OmitAddress ? 2 : 3;
        if (!SplitAnswers)
        {
            var w = new DnsWireWriter().Header(id, flags, 1, devices.Length, 0, devices.Length * perDevice)
                .Question(MdnsBrowser.ServiceType, DnsRecordType.PTR);
            foreach (var d in devices)
            {
                Ptr(w, d);
            }

            foreach (var d in devices)
            {
                Rest(w, d);
            }

            yield return w.ToArray();
            yield break;
        }

        var first = new DnsWireWriter().Header(id, flags, 0, devices.Length, 0, 0);
        foreach (var d in devices)
        {
            Ptr(first, d);
        }

        yield return first.ToArray();
        var second = new DnsWireWriter().Header(id, flags, 0, 0, 0, devices.Length * perDevice);
        foreach (var d in devices)
        {
            Rest(second, d);
        }

        yield return second.ToArray();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _udp.Dispose();
        if (_browserBefore is var (target, window))
        {
            ProcessWide.MdnsTarget = target;
            ProcessWide.MdnsWindow = window;
        }
    }
}
