using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Numerics;
using System.Threading;
using System.Threading.Tasks;
using Gasleser.Sessions;

namespace Gasleser.Discovery
{
    /// <summary>What one Find-Gasleser run does.</summary>
    public sealed class DiscoveryOptions
    {
        /// <summary>The ranges to sweep; empty for no sweep.</summary>
        public IReadOnlyList<AddressRange> Ranges { get; set; } = Array.Empty<AddressRange>();

        public bool Mdns { get; set; }

        /// <summary>The port probed on each swept address.</summary>
        public int Port { get; set; } = DeviceEndpoint.DefaultPort;

        /// <summary>One probe's whole exchange.</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(1);

        /// <summary>At most this many probes at once.</summary>
        public int ThrottleLimit { get; set; } = 256;

        public IPEndPoint MdnsTarget { get; set; } = MdnsBrowser.DefaultTarget;

        public TimeSpan MdnsWindow { get; set; } = MdnsBrowser.DefaultWindow;
    }

    /// <summary>
    /// Finds devices by mDNS and by sweep at once, confirms each with a probe through its device session,
    /// and reports each device once (merged by device id, and by address for a device that answered
    /// only 429). Everything it reports goes through the callbacks, from background threads.
    /// </summary>
    public sealed class DeviceDiscovery
    {
        private readonly DiscoveryOptions _options;
        private readonly object _lock = new object();
        private readonly HashSet<string> _reported = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        private long _probed;
        private int _found;

        public DeviceDiscovery(DiscoveryOptions options)
        {
            _options = options;
            Total = options.Ranges.Aggregate(BigInteger.Zero, (sum, r) => sum + r.Count);
        }

        /// <summary>A device found (once per device).</summary>
        public event Action<GasleserDevice>? Found;

        /// <summary>What a host that is not a Gasleser answered, and other things -Verbose tells.</summary>
        public event Action<string>? Verbose;

        /// <summary>A probe of a swept address finished (read <see cref="Probed"/> and <see cref="DevicesFound"/>).</summary>
        public event Action? Progress;

        /// <summary>Addresses the sweep will probe.</summary>
        public BigInteger Total { get; }

        public long Probed => Interlocked.Read(ref _probed);

        public int DevicesFound => Volatile.Read(ref _found);

        public Task RunAsync(CancellationToken cancellationToken)
        {
            var work = new List<Task>();
            if (_options.Mdns)
            {
                work.Add(BrowseAsync(cancellationToken));
            }

            if (Total > 0)
            {
                work.Add(SweepAsync(cancellationToken));
            }

            return Task.WhenAll(work);
        }

        private async Task SweepAsync(CancellationToken cancellationToken)
        {
            using IEnumerator<IPAddress> addresses = _options.Ranges.SelectMany(r => r.Addresses()).GetEnumerator();
            int workers = (int)BigInteger.Min(_options.ThrottleLimit, Total);

            async Task WorkAsync()
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    IPAddress address;
                    lock (addresses)
                    {
                        if (!addresses.MoveNext())
                        {
                            return;
                        }

                        address = addresses.Current;
                    }

                    await ProbeAsync(address, _options.Port, GasleserDiscoveryMethod.Sweep, null, cancellationToken).ConfigureAwait(false);
                    Interlocked.Increment(ref _probed);
                    Progress?.Invoke();
                }
            }

            await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(WorkAsync, cancellationToken))).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        private async Task BrowseAsync(CancellationToken cancellationToken)
        {
            var probes = new List<Task>();
            var browser = new MdnsBrowser(_options.MdnsTarget, _options.MdnsWindow);
            await browser.BrowseAsync(
                service =>
                {
                    IPAddress address = service.Addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? service.Addresses[0];
                    Verbose?.Invoke($"mDNS: {service.InstanceName} is {service.HostName} at {address} port {service.Port}; confirming with a probe.");
                    lock (probes)
                    {
                        probes.Add(Task.Run(() => ProbeAsync(address, service.Port, GasleserDiscoveryMethod.Mdns, service.HostName, cancellationToken), cancellationToken));
                    }
                },
                Verbose,
                cancellationToken).ConfigureAwait(false);

            Task[] started;
            lock (probes)
            {
                started = probes.ToArray();
            }

            await Task.WhenAll(started).ConfigureAwait(false);
        }

        private async Task ProbeAsync(IPAddress address, int port, GasleserDiscoveryMethod method, string? hostName, CancellationToken cancellationToken)
        {
            DeviceEndpoint endpoint = DeviceEndpoint.Parse(address.ToString(), port);
            DeviceSession session = SessionRegistry.Get(endpoint);
            ProbeResult? result;
            try
            {
                result = await session.ProbeAsync(_options.Timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (GasleserFirmwareUnsupportedException)
            {
                Verbose?.Invoke($"{endpoint.ComputerName} answered 404 Not Found on /v1/data: not a Gasleser, or one with firmware older than 1.0.21; not reported.");
                return;
            }
            catch (GasleserInvalidResponseException ex)
            {
                Verbose?.Invoke($"{ex.Message} Not reported.");
                return;
            }
            catch (GasleserDeviceErrorException ex)
            {
                // An HTTP error on /v1/data is most likely a Gasleser that is starting up or unwell: reported, with its status.
                Verbose?.Invoke(ex.Message);
                result = null;
                Report(new GasleserDevice
                {
                    ComputerName = endpoint.Host,
                    Port = endpoint.Port,
                    Status = GasleserDeviceStatus.DeviceError,
                    StatusCode = ex.StatusCode,
                    DiscoveredBy = method,
                    HostName = hostName,
                }, endpoint, fromSession: false);
                return;
            }
            catch (GasleserException ex) when (method == GasleserDiscoveryMethod.Mdns)
            {
                Verbose?.Invoke($"{endpoint.ComputerName} announced itself over mDNS but its probe failed: {ex.Message}");
                return;
            }
            catch (GasleserException)
            {
                return; // no answer (timeout, refused): the usual case of a swept address
            }

            if (result == null)
            {
                return;
            }

            Report(new GasleserDevice
            {
                ComputerName = endpoint.Host,
                Port = endpoint.Port,
                DeviceId = result.Reading?.DeviceId ?? "",
                Status = result.Status,
                Reading = result.Reading,
                ResponseTime = result.ResponseTime,
                DiscoveredBy = method,
                HostName = hostName,
            }, endpoint, result.FromSession);
        }

        private void Report(GasleserDevice device, DeviceEndpoint endpoint, bool fromSession)
        {
            lock (_lock)
            {
                string at = "at:" + endpoint.ComputerName;
                string id = "id:" + device.DeviceId;
                if (_reported.Contains(at) || (device.DeviceId.Length > 0 && _reported.Contains(id)))
                {
                    return;
                }

                _reported.Add(at);
                if (device.DeviceId.Length > 0)
                {
                    _reported.Add(id);
                }

                _found++;
            }

            if (fromSession)
            {
                Verbose?.Invoke($"{endpoint.ComputerName}: this process asked it less than {DeviceSession.Spacing.TotalSeconds:0.#} s ago; reported from the session without a new request.");
            }

            Found?.Invoke(device);
        }
    }
}
