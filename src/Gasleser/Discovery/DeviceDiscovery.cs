using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using System.Numerics;
using System.Threading;
using System.Threading.Tasks;
using Gasleser.Sessions;
using Gasleser.Hosting;

namespace Gasleser.Discovery
{
    /// <summary>What one Find-Gasleser run does.</summary>
    internal sealed class DiscoveryOptions
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

        public IPEndPoint MdnsTarget { get; set; } = ProcessWide.MdnsTarget;

        /// <summary>
        /// When set, the run looks for this one device: only it is reported, and the run stops at the first
        /// address where it answers (<see cref="DeviceDiscovery.Match"/>).
        /// </summary>
        public string? DeviceId { get; set; }

        /// <summary>mDNS first, then the sweep only if the device was not found (rather than both at once).</summary>
        public bool MdnsFirst { get; set; }

        public TimeSpan MdnsWindow { get; set; } = ProcessWide.MdnsWindow;
    }

    /// <summary>
    /// Finds devices by mDNS and by sweep at once, confirms each with a probe through its device session,
    /// and reports each address once (mDNS and the sweep finding one device at one address are merged;
    /// devices sharing an id at different addresses are all reported, see <see cref="DuplicateIds"/>).
    /// Everything it reports goes to its output, from background threads: each device found as an object,
    /// what -Verbose tells, and progress after each probe of a swept address.
    /// </summary>
    internal sealed class DeviceDiscovery
    {
        private const int ProgressId = 4224;
        private readonly DiscoveryOptions _options;
        private readonly ICommandOutput _output;
        private readonly object _lock = new object();
        private readonly HashSet<string> _reported = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, List<string>> _addressesById = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<GasleserDeviceStatus, int> _byStatus = new Dictionary<GasleserDeviceStatus, int>();
        private readonly Dictionary<GasleserDiscoveryMethod, int> _byMethod = new Dictionary<GasleserDiscoveryMethod, int>();
        private long _probed;
        private int _found;
        private int _announced;
        private int _notGasleser;
        private CancellationTokenSource? _run;
        private GasleserDevice? _match;
        private readonly List<DeviceEndpoint> _busy = new List<DeviceEndpoint>();

        public DeviceDiscovery(DiscoveryOptions options, ICommandOutput output)
        {
            _options = options;
            _output = output;
            Total = options.Ranges.Aggregate(BigInteger.Zero, (sum, r) => sum + r.Count);
        }

        /// <summary>Addresses the sweep will probe.</summary>
        public BigInteger Total { get; }

        public long Probed => Interlocked.Read(ref _probed);

        public int DevicesFound => Volatile.Read(ref _found);

        /// <summary>With <see cref="DiscoveryOptions.DeviceId"/>: where that device answered first, or null.</summary>
        public GasleserDevice? Match { get { lock (_lock) { return _match; } } }

        /// <summary>Addresses where a device was Busy (another process asks it): which device is there is not known.</summary>
        public IReadOnlyList<DeviceEndpoint> BusyEndpoints { get { lock (_lock) { return _busy.ToList(); } } }

        /// <summary>Ids that answered at more than one address, each with those addresses (after the run).</summary>
        public IReadOnlyList<(string DeviceId, IReadOnlyList<string> Addresses)> DuplicateIds()
        {
            lock (_lock)
            {
                return _addressesById
                    .Where(pair => pair.Value.Count > 1)
                    .OrderBy(pair => pair.Key, StringComparer.OrdinalIgnoreCase)
                    .Select(pair => (pair.Key, (IReadOnlyList<string>)pair.Value.OrderBy(a => a, StringComparer.OrdinalIgnoreCase).ToList()))
                    .ToList();
            }
        }

        /// <summary>
        /// What the run does: the ranges, how many addresses, the port, the methods. Worded for -WhatIf and the
        /// -Confirm prompt ("would sweep") unless <paramref name="whatIf"/> is false: the -Verbose line of a run
        /// that does sweep ("is sweeping").
        /// </summary>
        public string Plan(bool whatIf = true)
        {
            var parts = new List<string>();
            if (Total > 0)
            {
                parts.Add($"{(whatIf ? "sweep" : "sweeping")} {Total} address(es) ({string.Join(", ", _options.Ranges.Select(r => r.Text))}) with GET /v1/data on port {_options.Port}");
            }

            if (_options.Mdns)
            {
                parts.Add($"{(whatIf ? "browse" : "browsing")} mDNS for _gasleser._tcp.local on every multicast interface");
            }

            return parts.Count == 0 ? "Nothing to probe." : $"Find-Gasleser {(whatIf ? "would" : "is")} " + string.Join(" and ", parts) + ".";
        }

        /// <summary>One line for -Verbose at the end of a run: what was asked, and who answered how.</summary>
        public string Summary()
        {
            var asked = new List<string>();
            if (Total > 0)
            {
                asked.Add($"swept {Total} address(es) on port {_options.Port} ({string.Join(", ", _options.Ranges.Select(r => r.Text))})");
            }

            if (_options.Mdns)
            {
                asked.Add($"browsed mDNS for _gasleser._tcp.local ({Volatile.Read(ref _announced)} announcement(s))");
            }

            string answered;
            lock (_lock)
            {
                answered = _found == 0
                    ? "no Gasleser answered"
                    : $"{_found} Gasleser(s) answered: "
                        + string.Join(", ", _byStatus.OrderBy(p => p.Key).Select(p => $"{p.Value} {p.Key}"))
                        + "; " + string.Join(", ", _byMethod.OrderBy(p => p.Key).Select(p => $"{p.Value} by {(p.Key == GasleserDiscoveryMethod.Mdns ? "mDNS" : "sweep")}"));
            }

            int others = Volatile.Read(ref _notGasleser);
            string other = others > 0 ? $"; {others} other host(s) answered HTTP but are not a Gasleser" : "";
            return $"Find-Gasleser {string.Join(" and ", asked)}: {answered}{other}.";
        }

        /// <summary>When nothing was found: the likely causes, for a warning.</summary>
        public string NothingFound()
        {
            var causes = new List<string>();
            if (Total > 0)
            {
                causes.Add($"the devices listen on another port than {_options.Port} (give it with -Port)");
                causes.Add("a device busy with another client can answer too slowly for the probe (try again in 10 s, or raise -TimeoutMilliseconds)");
                causes.Add("the device is on a subnet not swept (give it with -Subnet)");
            }

            if (_options.Mdns)
            {
                causes.Add("multicast DNS is blocked or does not cross routers here (sweep with -Subnet)");
            }

            return "No Gasleser found. Likely causes: " + string.Join("; ", causes) + ".";
        }

        /// <summary>Where the run stands: addresses probed of all, devices found; <paramref name="completed"/> at its end.</summary>
        public ProgressRecord Progress(bool completed)
        {
            long probed = Probed;
            string found = DevicesFound.ToString(CultureInfo.InvariantCulture) + " device(s) found";
            string status = Total > 0
                ? $"{probed.ToString(CultureInfo.InvariantCulture)} of {Total.ToString(CultureInfo.InvariantCulture)} addresses probed, {found}"
                : "Browsing mDNS for _gasleser._tcp.local, " + found;
            var record = new ProgressRecord(ProgressId, "Find-Gasleser", status);
            if (Total > 0)
            {
                record.PercentComplete = (int)Math.Min(100, probed * 100 / (double)Total);
            }

            if (completed)
            {
                record.RecordType = ProgressRecordType.Completed;
            }

            return record;
        }

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _run = run;
            try
            {
                if (_options.MdnsFirst)
                {
                    if (_options.Mdns)
                    {
                        await BrowseAsync(run.Token).ConfigureAwait(false);
                    }

                    if (Match == null && Total > 0)
                    {
                        await SweepAsync(run.Token).ConfigureAwait(false);
                    }

                    return;
                }

                var work = new List<Task>();
                if (_options.Mdns)
                {
                    work.Add(BrowseAsync(run.Token));
                }

                if (Total > 0)
                {
                    work.Add(SweepAsync(run.Token));
                }

                await Task.WhenAll(work).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (Match != null && !cancellationToken.IsCancellationRequested)
            {
                // Stopped at the first match: the rest was not needed.
            }
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
                    _output.WriteProgress(Progress(completed: false));
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
                    Interlocked.Increment(ref _announced);
                    IPAddress address = service.Addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? service.Addresses[0];
                    _output.WriteVerbose($"mDNS: {service.InstanceName} is {service.HostName} at {address} port {service.Port}; confirming with a probe.");
                    lock (probes)
                    {
                        probes.Add(Task.Run(() => ProbeAsync(address, service.Port, GasleserDiscoveryMethod.Mdns, service.HostName, cancellationToken), cancellationToken));
                    }
                },
                _output.WriteVerbose,
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
                result = await DeviceProbe.ProbeAsync(session, _options.Timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (GasleserException ex) when (ex is GasleserFirmwareUnsupportedException || ex is GasleserInvalidResponseException)
            {
                Interlocked.Increment(ref _notGasleser);
                _output.WriteVerbose($"{ex.Message} Not reported.");
                return;
            }
            catch (NotAGasleserAgainException again)
            {
                Interlocked.Increment(ref _notGasleser);
                _output.WriteVerbose($"{again.Answer.Message} Not reported (this process asked it less than {DeviceTurn.Spacing.TotalSeconds:0.#} s ago; told from the session without a new request).");
                return;
            }
            catch (GasleserException ex) when (method == GasleserDiscoveryMethod.Mdns)
            {
                _output.WriteVerbose($"{endpoint.ComputerName} announced itself over mDNS but its probe failed: {ex.Message}");
                return;
            }
            catch (GasleserException ex) when (ExchangeCauses.BrokeOff(ex))
            {
                // Something accepted the connection and broke off: rare on a swept address, and worth a word.
                _output.WriteVerbose($"{ex.Message} Not reported.");
                return;
            }
            catch (GasleserException)
            {
                return; // nothing listens, or no connection within the timeout: the usual case of a swept address
            }

            if (result == null)
            {
                return;
            }

            if (_options.DeviceId != null && result.FromSession && session.LastOutcome != ExchangeOutcome.Reading)
            {
                return; // what this process knew of the address, but its last exchange failed: no sign the device is there now
            }

            // An HTTP error, or a reading with a field the module cannot accept, on /v1/data is a Gasleser that is
            // starting up, unwell or misconfigured: reported with what it answered.
            if (result.Failure != null)
            {
                _output.WriteVerbose(result.Failure.Message);
            }

            var device = new GasleserDevice
            {
                ComputerName = endpoint.Host,
                Port = endpoint.Port,
                // An answer refused for another field still names the device when its id was safe to read.
                DeviceId = result.Reading?.DeviceId ?? (result.Failure as GasleserInvalidResponseException)?.DeviceId ?? "",
                Status = result.Status,
                StatusCode = (result.Failure as GasleserDeviceErrorException)?.StatusCode,
                Problem = result.Failure?.Message,
                Reading = result.Reading,
                ResponseTime = result.ResponseTime,
                DiscoveredBy = method,
                HostName = hostName,
                NextAllowed = result.NextAllowed,
            };

            if (_options.DeviceId != null && !string.Equals(device.DeviceId, _options.DeviceId, StringComparison.Ordinal))
            {
                if (device.Status == GasleserDeviceStatus.Busy && device.DeviceId.Length == 0)
                {
                    lock (_lock)
                    {
                        _busy.Add(endpoint);
                    }
                }

                _output.WriteVerbose(device.DeviceId.Length > 0
                    ? $"{endpoint.ComputerName}: {device.DeviceId} answered, not {_options.DeviceId}."
                    : $"{endpoint.ComputerName}: a Gasleser ({device.Status}) that did not say its id.");
                if (device.Reading != null)
                {
                    KnownDevices.Remember(device.Reading);
                }

                return;
            }

            lock (_lock)
            {
                if (_options.DeviceId != null)
                {
                    if (_match != null)
                    {
                        return; // found twice at once (mDNS and the sweep): the first is the one
                    }

                    _match = device;
                }

                // One report per address (mDNS and the sweep often find the same one). Devices that share an
                // id at different addresses are all reported: DuplicateIds names them afterwards.
                if (!_reported.Add(endpoint.ComputerName))
                {
                    return;
                }

                if (device.DeviceId.Length > 0)
                {
                    if (!_addressesById.TryGetValue(device.DeviceId, out List<string>? addresses))
                    {
                        _addressesById[device.DeviceId] = addresses = new List<string>();
                    }

                    addresses.Add(endpoint.ComputerName);
                }

                _byStatus[device.Status] = _byStatus.TryGetValue(device.Status, out int n) ? n + 1 : 1;
                _byMethod[method] = _byMethod.TryGetValue(method, out int m) ? m + 1 : 1;
                _found++;
            }

            if (result.Status == GasleserDeviceStatus.Busy)
            {
                _output.WriteVerbose($"{endpoint.ComputerName}: another process on this machine is asking it; not probed, reported Busy until {result.NextAllowed?.ToLocalTime():HH:mm:ss}.");
            }
            else if (result.FromSession)
            {
                _output.WriteVerbose($"{endpoint.ComputerName}: this process asked it less than {DeviceTurn.Spacing.TotalSeconds:0.#} s ago; reported from the session without a new request.");
            }

            if (device.Reading != null)
            {
                KnownDevices.Remember(device.Reading);
            }

            _output.WriteObject(device);
            if (_options.DeviceId != null)
            {
                _run?.Cancel(); // the one device looked for answered: the rest of the run is not needed
            }
        }
    }
}
