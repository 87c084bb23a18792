using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Gasleser.Hosting;
using Gasleser.Sessions;

namespace Gasleser.Discovery
{
    /// <summary>
    /// Reads a device by its id (-DeviceId), wherever it is now. It is asked first where it answered last (this
    /// command's last reading of it, else the known devices, else where the caller says it was); when it does not answer there, or another device
    /// answers there, it is looked for once — mDNS, then a sweep of the subnet where it was last seen (the /24, or
    /// the interface's smaller subnet) on the port it was last seen on — through <see cref="DeviceDiscovery"/>, so
    /// each probe keeps that address's 10 s turn. A search that finds nothing is remembered for a few minutes
    /// (<see cref="SearchMemory"/>); no search goes beyond what Find-Gasleser sweeps without -Force, and an
    /// address from the known-devices file outside local network space is never used.
    /// </summary>
    internal sealed class DeviceLocator
    {
        /// <summary>One probe's whole exchange during a search (Find-Gasleser's default).</summary>
        public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);

        // Busy addresses (another process is asking the device there) read after a search, to learn which device is there.
        private const int BusyReadsAtMost = 4;

        private readonly string[]? _subnets;
        private readonly string? _method;
        private readonly int _port;
        private readonly TimeSpan _timeout;
        private readonly DeviceEndpoint? _seenAt;
        private DeviceEndpoint? _current;

        /// <param name="deviceId">The device looked for.</param>
        /// <param name="subnets">Where to search (-Subnet); null: where it was last seen, or this machine's subnets.</param>
        /// <param name="method">All, Mdns or Sweep (-Method); null: Sweep with <paramref name="subnets"/>, else All.</param>
        /// <param name="port">The port swept for a device never seen here (-Port).</param>
        /// <param name="timeout">One exchange with the device (-TimeoutSec).</param>
        /// <param name="seenAt">Where the caller says it was (a piped row's address): asked when the known devices do not know it.</param>
        public DeviceLocator(string deviceId, string[]? subnets, string? method, int port, TimeSpan timeout, DeviceEndpoint? seenAt = null)
        {
            _seenAt = seenAt;
            DeviceId = deviceId;
            _subnets = subnets;
            _method = method;
            _port = port;
            _timeout = timeout;
        }

        public string DeviceId { get; }

        /// <summary>
        /// A reading of the device: where it was last seen, or where a search finds it (then one warning says it
        /// moved, and the known devices remember the new address).
        /// </summary>
        /// <exception cref="GasleserDeviceNotFoundException">Not where it was last seen, and not found by the search (or a search found nothing a moment ago).</exception>
        public async Task<GasleserReading> ReadAsync(TimeSpan? maxAge, bool noWait, ICommandOutput output, CancellationToken cancellationToken,
            WhenSaturated whenSaturated = WhenSaturated.FailAtOnce)
        {
            DeviceEndpoint? last = _current ?? LastKnown(output.WriteVerbose) ?? _seenAt;
            string? notThere = null;
            if (last != null)
            {
                try
                {
                    GasleserReading reading = await SessionRegistry.Get(last).ReadAsync(_timeout, maxAge, noWait, output, cancellationToken, whenSaturated).ConfigureAwait(false);
                    KnownDevices.Remember(reading);
                    if (string.Equals(reading.DeviceId, DeviceId, StringComparison.Ordinal))
                    {
                        _current = last;
                        return reading;
                    }

                    notThere = $"{reading.DeviceId} answers there now";
                }
                catch (GasleserException ex) when (ex is GasleserUnreachableException || ex is GasleserTimeoutException
                    || ex is GasleserInvalidResponseException || ex is GasleserFirmwareUnsupportedException)
                {
                    notThere = ex.Message.TrimEnd('.');
                }

                output.WriteVerbose($"{DeviceId}: not at {last.ComputerName}: {notThere}.");
            }

            (DeviceEndpoint where, GasleserReading found) = await SearchAsync(last, notThere, noWait, output, cancellationToken).ConfigureAwait(false);
            if (last != null && !where.Equals(last))
            {
                output.WriteWarning($"{DeviceId} moved from {last.ComputerName} to {where.ComputerName}.");
            }

            _current = where;
            return found;
        }

        // The address in the known devices where the device answered last; one outside local network space (the
        // file is untrusted: it can point anywhere) or a host name (it could resolve anywhere) is not used.
        private DeviceEndpoint? LastKnown(Action<string> verbose)
        {
            foreach (KnownDevices.Entry entry in KnownDevices.Read().Where(e => string.Equals(e.DeviceId, DeviceId, StringComparison.Ordinal)))
            {
                if (!DeviceEndpoint.TryParse(entry.ComputerName, DeviceEndpoint.DefaultPort, out DeviceEndpoint? endpoint, out _) || endpoint!.Address == null)
                {
                    verbose($"{DeviceId}: the known devices name it at '{entry.ComputerName}', which is not an IP address: not used.");
                    continue;
                }

                if (!ScanPolicy.IsLocal(endpoint.Address))
                {
                    verbose($"{DeviceId}: the known devices name it at {entry.ComputerName}, outside {ScanPolicy.LocalSpace} space: not used.");
                    continue;
                }

                return endpoint;
            }

            return null;
        }

        private async Task<(DeviceEndpoint Where, GasleserReading Reading)> SearchAsync(
            DeviceEndpoint? last, string? notThere, bool noWait, ICommandOutput output, CancellationToken cancellationToken)
        {
            Plan plan = PlanFor(last, output.WriteVerbose);
            string key = SearchMemory.Key(DeviceId, plan.Scope);
            if (SearchMemory.Recent(key) is SearchMemory.Search recent)
            {
                throw NotFound(last, notThere, plan, recent, remembered: true);
            }

            output.WriteVerbose($"{DeviceId}: looking for it: {plan.Scope}.");
            DateTimeOffset at = ProcessWide.Clock.UtcNow;
            var took = Stopwatch.StartNew();
            var discovery = new DeviceDiscovery(new DiscoveryOptions
            {
                Ranges = plan.Ranges,
                Mdns = plan.Mdns,
                Port = plan.Port,
                Timeout = ProbeTimeout,
                DeviceId = DeviceId,
                MdnsFirst = true,
            }, new VerboseOnly(output));
            await discovery.RunAsync(cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();

            DeviceEndpoint? where = null;
            GasleserReading? reading = null;
            if (discovery.Match is GasleserDevice match)
            {
                where = DeviceEndpoint.Parse(match.ComputerName, match.Port);
                reading = match.Reading != null && !match.Reading.FromCache ? match.Reading : null;
            }
            else
            {
                // Another process is asking a device at these addresses right now, so the probe learnt nothing of
                // it: its turn is waited for and it is asked which device it is.
                foreach (DeviceEndpoint busy in discovery.BusyEndpoints.Take(BusyReadsAtMost))
                {
                    try
                    {
                        GasleserReading answer = await SessionRegistry.Get(busy).ReadAsync(_timeout, null, noWait, output, cancellationToken).ConfigureAwait(false);
                        KnownDevices.Remember(answer);
                        if (string.Equals(answer.DeviceId, DeviceId, StringComparison.Ordinal))
                        {
                            (where, reading) = (busy, answer);
                            break;
                        }
                    }
                    catch (GasleserException ex)
                    {
                        output.WriteVerbose($"{busy.ComputerName}: {ex.Message}");
                    }
                }
            }

            if (where == null)
            {
                var failed = new SearchMemory.Search(at, took.Elapsed);
                SearchMemory.Failed(key, failed.At, failed.Took);
                throw NotFound(last, notThere, plan, failed, remembered: false);
            }

            output.WriteVerbose($"{DeviceId}: found at {where.ComputerName} after {Seconds(took.Elapsed)} s.");
            SearchMemory.Found(DeviceId);
            if (last != null && !where.Equals(last))
            {
                SessionRegistry.DeviceMoved(DeviceId);
            }

            reading ??= await SessionRegistry.Get(where).ReadAsync(_timeout, null, noWait, output, cancellationToken).ConfigureAwait(false);
            KnownDevices.Remember(reading);
            return (where, reading);
        }

        private Plan PlanFor(DeviceEndpoint? last, Action<string> verbose)
        {
            string method = _method ?? (_subnets != null ? "Sweep" : "All");
            bool mdns = !method.Equals("Sweep", StringComparison.OrdinalIgnoreCase);
            bool sweep = !method.Equals("Mdns", StringComparison.OrdinalIgnoreCase);
            IPAddress? lastAddress = last?.Address;
            if (mdns && lastAddress != null && IPAddress.IsLoopback(lastAddress) && !IPAddress.IsLoopback(ProcessWide.MdnsTarget.Address))
            {
                // A device on loopback is one served on this machine: multicast on its networks cannot find it there.
                verbose($"{DeviceId}: last seen on loopback ({last!.ComputerName}); mDNS on this machine's networks is not asked.");
                mdns = false;
            }

            IReadOnlyList<string> subnets = !sweep ? Array.Empty<string>()
                : _subnets
                ?? (lastAddress?.AddressFamily == AddressFamily.InterNetwork ? new[] { LocalSubnets.Around(lastAddress) } : LocalSubnets.OfThisMachine(verbose));
            var ranges = subnets.Select(AddressRange.Parse).ToList();
            if (ScanPolicy.Refusal(ranges) is string refusal)
            {
                throw new GasleserInvalidAddressException(
                    "A search for a device by its id sweeps only what Find-Gasleser sweeps without -Force: " + refusal,
                    string.Join(", ", ranges.Select(r => r.Text)),
                    $"Give -Subnet {ScanPolicy.MaxAddresses} addresses or fewer in {ScanPolicy.LocalSpace} space, or read the device by its address.");
            }

            int port = last?.Port ?? _port;
            var parts = new List<string>();
            if (mdns)
            {
                parts.Add($"mDNS ({MdnsBrowser.ServiceType})");
            }

            if (ranges.Count > 0)
            {
                parts.Add($"{string.Join(", ", ranges.Select(r => r.Text))} on port {port.ToString(CultureInfo.InvariantCulture)}");
            }

            return new Plan(ranges, mdns, port, parts.Count > 0 ? string.Join(", then ", parts) : "nothing (no subnet to sweep, mDNS left out)");
        }

        private GasleserDeviceNotFoundException NotFound(DeviceEndpoint? last, string? notThere, Plan plan, SearchMemory.Search search, bool remembered)
        {
            string where = last == null
                ? $"{DeviceId} has not answered on this machine before (it is not among the known devices)"
                : $"{DeviceId} was last seen at {last.ComputerName}, but {notThere}";
            DateTimeOffset now = ProcessWide.Clock.UtcNow;
            string next = $"{search.NextSearch.ToLocalTime():HH:mm:ss} (in {Minutes(search.NextSearch - now)})";
            string searched = remembered
                ? $"A search at {search.At.ToLocalTime():HH:mm:ss} ({plan.Scope}, {Seconds(search.Took)} s) did not find it, so it is not searched for again until {next}"
                : $"Searched {plan.Scope} for {Seconds(search.Took)} s: not found. The next search for it will be at {next}";
            string until = last != null ? $"; until then it is asked at {last.ComputerName} only" : "";
            return new GasleserDeviceNotFoundException(
                $"{where}. {searched}{until}. If it is elsewhere, give -Subnet, or its address once.", DeviceId, search.NextSearch);
        }

        private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);

        private static string Minutes(TimeSpan span) =>
            span.TotalSeconds < 90
                ? Math.Max(0, Math.Ceiling(span.TotalSeconds)).ToString(CultureInfo.InvariantCulture) + " s"
                : span.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture) + " min";

        private sealed class Plan
        {
            public Plan(IReadOnlyList<AddressRange> ranges, bool mdns, int port, string scope)
            {
                Ranges = ranges;
                Mdns = mdns;
                Port = port;
                Scope = scope;
            }

            public IReadOnlyList<AddressRange> Ranges { get; }

            public bool Mdns { get; }

            public int Port { get; }

            /// <summary>What is searched, in words: "mDNS (_gasleser._tcp.local), then 192.168.2.0/24 on port 80".</summary>
            public string Scope { get; }
        }

        /// <summary>A search inside a Get or a watch tells only -Verbose what it probes: its finds are not the command's output.</summary>
        private sealed class VerboseOnly : ICommandOutput
        {
            private readonly ICommandOutput _output;

            public VerboseOnly(ICommandOutput output) => _output = output;

            public void WriteObject(object item)
            {
            }

            public void WriteError(GasleserException error) => _output.WriteVerbose(error.Message);

            public void WriteWarning(string message) => _output.WriteVerbose(message);

            public void WriteVerbose(string message) => _output.WriteVerbose(message);

            public void WriteProgress(ProgressRecord progress)
            {
            }
        }
    }
}
