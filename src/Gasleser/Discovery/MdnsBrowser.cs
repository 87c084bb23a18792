using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Gasleser.Dependencies;

namespace Gasleser.Discovery
{
    /// <summary>A service instance an mDNS browse resolved: where the device says it listens.</summary>
    internal sealed class MdnsService
    {
        public MdnsService(string instanceName, string hostName, int port, IReadOnlyList<IPAddress> addresses, IReadOnlyList<string> text)
        {
            // Names from the network are untrusted text: shown with control characters escaped.
            InstanceName = DeviceText.Printable(instanceName, 255);
            HostName = DeviceText.Printable(hostName, 255);
            Port = port;
            Addresses = addresses;
            Text = text;
        }

        /// <summary>e.g. "gas-4224559459._gasleser._tcp.local" (control characters escaped).</summary>
        public string InstanceName { get; }

        /// <summary>e.g. "gas-4224559459.local".</summary>
        public string HostName { get; }

        public int Port { get; }

        public IReadOnlyList<IPAddress> Addresses { get; }

        /// <summary>The TXT strings ("key=value"), as announced.</summary>
        public IReadOnlyList<string> Text { get; }
    }

    /// <summary>
    /// Browses for <see cref="ServiceType"/> for a short window: one PTR question, then every answer
    /// that arrives until the window closes, resolved PTR → SRV/TXT → A/AAAA.
    ///
    /// The question is a one-shot query from an ordinary port (RFC 6762 section 5.1, 6.7): responders
    /// answer it by unicast to the asking socket, so the browse needs no bind to port 5353 (which a
    /// system responder such as Avahi or Bonjour usually holds) and hears only answers to itself.
    /// </summary>
    internal sealed class MdnsBrowser
    {
        public const string ServiceType = "_gasleser._tcp.local";

        private readonly IPEndPoint _target;
        private readonly TimeSpan _window;

        public MdnsBrowser(IPEndPoint target, TimeSpan window)
        {
            _target = target;
            _window = window;
        }

        /// <summary>
        /// Browses until the window closes or <paramref name="cancellationToken"/> is cancelled; each service
        /// is handed to <paramref name="found"/> once, as soon as its port and address are known.
        /// </summary>
        public async Task BrowseAsync(Action<MdnsService> found, Action<string>? verbose, CancellationToken cancellationToken)
        {
            var state = new BrowseState();
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(IPAddress.Any, 0));
            using var window = new CancellationTokenSource(_window);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, window.Token);
            // Closing the socket is the one way to end a pending receive on every runtime.
            using CancellationTokenRegistration close = linked.Token.Register(() => socket.Dispose());

            ushort id = (ushort)new Random().Next(1, ushort.MaxValue);
            byte[] query = MdnsMessage.BuildPtrQuery(ServiceType, id);
            Send(socket, query, verbose);
            verbose?.Invoke($"mDNS: asked {_target} for {ServiceType}; listening {_window.TotalSeconds:0.0} s for answers.");

            var buffer = new byte[9000];
            while (!linked.IsCancellationRequested)
            {
                SocketReceiveFromResult received;
                try
                {
                    received = await socket.ReceiveFromAsync(new ArraySegment<byte>(buffer), SocketFlags.None, new IPEndPoint(IPAddress.Any, 0)).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is ObjectDisposedException || ex is SocketException)
                {
                    if (linked.IsCancellationRequested)
                    {
                        break;
                    }

                    if (ex is SocketException socketError && socketError.SocketErrorCode == SocketError.ConnectionReset)
                    {
                        continue; // an ICMP port-unreachable for the question: nobody answers there
                    }

                    throw;
                }

                var from = (IPEndPoint)received.RemoteEndPoint;
                DnsMessage answer;
                try
                {
                    answer = MdnsMessage.Parse(buffer, received.ReceivedBytes);
                }
                catch (FormatException ex)
                {
                    verbose?.Invoke($"mDNS: ignored a malformed answer from {from.Address}: {ex.Message}");
                    continue;
                }

                if (!answer.IsResponse)
                {
                    continue;
                }

                foreach (MdnsService service in state.Add(answer, from.Address))
                {
                    found(service);
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
            foreach (MdnsService service in state.Unresolved())
            {
                found(service);
            }
        }

        private void Send(Socket socket, byte[] query, Action<string>? verbose)
        {
            if (!IsMulticast(_target.Address))
            {
                socket.SendTo(query, _target);
                return;
            }

            // RFC 6762 section 11: mDNS packets go out with IP TTL 255; one copy per IPv4 interface that can multicast.
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 255);
            int sent = 0;
            foreach (IPAddress local in MulticastInterfaces())
            {
                try
                {
                    socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, local.GetAddressBytes());
                    socket.SendTo(query, _target);
                    sent++;
                }
                catch (SocketException ex)
                {
                    verbose?.Invoke($"mDNS: could not ask on the interface with {local}: {ex.Message}");
                }
            }

            if (sent == 0)
            {
                try
                {
                    socket.SendTo(query, _target); // the system's default interface
                }
                catch (SocketException ex)
                {
                    // No network to multicast on: the browse finds nothing, the sweep goes on.
                    verbose?.Invoke($"mDNS: could not send the question to {_target}: {ex.Message}");
                }
            }
        }

        private static bool IsMulticast(IPAddress address) =>
            address.AddressFamily == AddressFamily.InterNetwork && (address.GetAddressBytes()[0] & 0xF0) == 224;

        private static IEnumerable<IPAddress> MulticastInterfaces()
        {
            foreach (NetworkInterface nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                if (nic.OperationalStatus != OperationalStatus.Up || nic.NetworkInterfaceType == NetworkInterfaceType.Loopback || !nic.SupportsMulticast)
                {
                    continue;
                }

                foreach (UnicastIPAddressInformation unicast in nic.GetIPProperties().UnicastAddresses)
                {
                    if (unicast.Address.AddressFamily == AddressFamily.InterNetwork)
                    {
                        yield return unicast.Address;
                    }
                }
            }
        }

        /// <summary>What the answers so far say, gathered across packets: one responder may split them.</summary>
        private sealed class BrowseState
        {
            private readonly HashSet<string> _instances = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            private readonly Dictionary<string, DnsRecord> _services = new Dictionary<string, DnsRecord>(StringComparer.OrdinalIgnoreCase);
            private readonly Dictionary<string, List<string>> _texts = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
            private readonly Dictionary<string, List<IPAddress>> _hosts = new Dictionary<string, List<IPAddress>>(StringComparer.OrdinalIgnoreCase);
            private readonly Dictionary<string, IPAddress> _senders = new Dictionary<string, IPAddress>(StringComparer.OrdinalIgnoreCase);
            private readonly HashSet<string> _reported = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

            public IEnumerable<MdnsService> Add(DnsMessage answer, IPAddress sender)
            {
                foreach (DnsRecord record in answer.Records)
                {
                    string owner = MdnsMessage.Trim(record.Name);
                    switch (record.Type)
                    {
                        case DnsRecordType.PTR when owner.Equals(ServiceType, StringComparison.OrdinalIgnoreCase) && record.TimeToLive > 0:
                            string instance = MdnsMessage.Trim(record.Target!);
                            _instances.Add(instance);
                            _senders[instance] = sender;
                            break;
                        case DnsRecordType.SRV:
                            _services[owner] = record;
                            break;
                        case DnsRecordType.TXT:
                            _texts[owner] = record.Text.ToList();
                            break;
                        case DnsRecordType.A:
                        case DnsRecordType.AAAA:
                            if (!_hosts.TryGetValue(owner, out List<IPAddress>? list))
                            {
                                _hosts[owner] = list = new List<IPAddress>();
                            }

                            if (!list.Contains(record.Address!))
                            {
                                list.Add(record.Address!);
                            }

                            break;
                    }
                }

                return Resolved(allowSender: false);
            }

            /// <summary>At the end of the window: instances whose host had no address record, at the address that answered for them.</summary>
            public IEnumerable<MdnsService> Unresolved() => Resolved(allowSender: true);

            private List<MdnsService> Resolved(bool allowSender)
            {
                var ready = new List<MdnsService>();
                foreach (string instance in _instances)
                {
                    if (_reported.Contains(instance) || !_services.TryGetValue(instance, out DnsRecord? srv))
                    {
                        continue;
                    }

                    string host = MdnsMessage.Trim(srv.Target!);
                    _hosts.TryGetValue(host, out List<IPAddress>? addresses);
                    if ((addresses == null || addresses.Count == 0) && allowSender)
                    {
                        addresses = new List<IPAddress> { _senders[instance] };
                    }

                    if (addresses == null || addresses.Count == 0)
                    {
                        continue;
                    }

                    _reported.Add(instance);
                    _texts.TryGetValue(instance, out List<string>? text);
                    ready.Add(new MdnsService(instance, host, srv.Port, addresses.ToList(), text ?? new List<string>()));
                }

                return ready;
            }
        }
    }
}
