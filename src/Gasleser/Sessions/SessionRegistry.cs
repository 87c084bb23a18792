using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Gasleser.Hosting;

namespace Gasleser.Sessions
{
    /// <summary>
    /// The process-wide sessions and turns. A session per name as the user gave it (normalised), which
    /// keeps that name's readings and counts; a turn per device endpoint actually contacted, which every
    /// name of that device shares (see <see cref="DeviceTurn"/>). Static, so every runspace and every
    /// cmdlet in the process shares them.
    /// </summary>
    internal static class SessionRegistry
    {
        private static readonly ConcurrentDictionary<DeviceEndpoint, DeviceSession> Sessions =
            new ConcurrentDictionary<DeviceEndpoint, DeviceSession>();

        // Turns by endpoint key ("127.0.0.1:20001", or "name:host:port" for a name that could not be
        // resolved) and by device id. Changed under TurnsLock only.
        private static readonly Dictionary<string, DeviceTurn> TurnsByEndpoint = new Dictionary<string, DeviceTurn>(StringComparer.OrdinalIgnoreCase);
        private static readonly Dictionary<string, DeviceTurn> TurnsByDeviceId = new Dictionary<string, DeviceTurn>(StringComparer.Ordinal);
        private static readonly object TurnsLock = new object();

        public static DeviceSession Get(DeviceEndpoint endpoint) =>
            Sessions.GetOrAdd(endpoint, e => new DeviceSession(e, () => ProcessWide.Clock));

        /// <summary>The sessions known so far, in no particular order.</summary>
        public static IReadOnlyCollection<DeviceSession> All => (IReadOnlyCollection<DeviceSession>)Sessions.Values;

        /// <summary>Forgets every session and turn (their timing and cached readings). For tests and simulations.</summary>
        public static void Clear()
        {
            Sessions.Clear();
            lock (TurnsLock)
            {
                TurnsByEndpoint.Clear();
                TurnsByDeviceId.Clear();
            }
        }

        /// <summary>
        /// The turn of the device <paramref name="endpoint"/> reaches: a literal address is its own key; a
        /// name is resolved (within <paramref name="timeout"/>) and shares the turn of every address it
        /// resolves to. Null when the name could not be resolved now: the caller goes on under the name's
        /// own key and the exchange reports the lookup failure.
        /// </summary>
        /// <exception cref="GasleserTimeoutException">The name lookup did not finish within <paramref name="timeout"/>.</exception>
        internal static async Task<DeviceTurn?> ResolveTurnAsync(DeviceEndpoint endpoint, TimeSpan timeout, CancellationToken cancellationToken)
        {
            if (endpoint.Address != null)
            {
                return TurnFor(new[] { Key(endpoint.Address, endpoint.Port) });
            }

            IPAddress[]? addresses = await LookUpAsync(endpoint, timeout, cancellationToken).ConfigureAwait(false);
            return addresses == null || addresses.Length == 0
                ? null
                : TurnFor(addresses
                    .OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1) // the slot file is the IPv4 one when there is one
                    .Select(a => Key(a, endpoint.Port))
                    .Distinct(StringComparer.OrdinalIgnoreCase)
                    .ToArray());
        }

        /// <summary>The turn for a name that could not be resolved: its own, until it resolves.</summary>
        internal static DeviceTurn UnresolvedTurn(DeviceEndpoint endpoint) =>
            TurnFor(new[] { "name:" + endpoint.ComputerName });

        /// <summary>
        /// A device answered with <paramref name="deviceId"/> on <paramref name="turn"/>: returns the turn
        /// that device's requests share — the first turn it was seen on — and makes every endpoint of
        /// <paramref name="turn"/> lead there from now on.
        /// </summary>
        internal static DeviceTurn TurnOfDevice(DeviceTurn turn, string deviceId)
        {
            lock (TurnsLock)
            {
                if (!TurnsByDeviceId.TryGetValue(deviceId, out DeviceTurn? device) || device.Clock != ProcessWide.Clock)
                {
                    TurnsByDeviceId[deviceId] = turn;
                    return turn;
                }

                if (device != turn)
                {
                    foreach (string key in TurnsByEndpoint.Where(t => t.Value == turn).Select(t => t.Key).ToList())
                    {
                        TurnsByEndpoint[key] = device;
                    }
                }

                return device;
            }
        }

        private static DeviceTurn TurnFor(string[] keys)
        {
            lock (TurnsLock)
            {
                // A turn made on another clock (before a test or simulation installed its own) is forgotten.
                DeviceTurn? turn = keys.Select(k => TurnsByEndpoint.TryGetValue(k, out DeviceTurn? t) ? t : null).FirstOrDefault(t => t != null && t.Clock == ProcessWide.Clock);
                if (turn == null)
                {
                    string? directory = ProcessWide.PrivateFolder;
                    bool named = keys[0].StartsWith("name:", StringComparison.Ordinal);
                    turn = new DeviceTurn(keys[0], directory != null && !named ? new ClaimFile(directory, keys[0]) : null, ProcessWide.Clock);
                }

                foreach (string key in keys)
                {
                    TurnsByEndpoint[key] = turn;
                }

                return turn;
            }
        }

        private static string Key(IPAddress address, int port)
        {
            if (address.IsIPv4MappedToIPv6)
            {
                address = address.MapToIPv4();
            }

            string host = address.AddressFamily == AddressFamily.InterNetworkV6 ? "[" + address + "]" : address.ToString();
            return host + ":" + port.ToString(CultureInfo.InvariantCulture);
        }

        // Dns.GetHostAddressesAsync takes no token on netstandard2.0: the wait for it is what is bounded. A lookup
        // that does not finish in time is the request's timeout (the exchange would only wait for it again); one
        // that fails leaves the failure for the exchange to report.
        private static async Task<IPAddress[]?> LookUpAsync(DeviceEndpoint endpoint, TimeSpan timeout, CancellationToken cancellationToken)
        {
            Task<IPAddress[]> lookup = Dns.GetHostAddressesAsync(endpoint.Host);
            using var gaveUp = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            gaveUp.CancelAfter(timeout);
            var stopped = new TaskCompletionSource<bool>();
            using (gaveUp.Token.Register(() => stopped.TrySetResult(true)))
            {
                if (await Task.WhenAny(lookup, stopped.Task).ConfigureAwait(false) != lookup)
                {
                    _ = lookup.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
                    cancellationToken.ThrowIfCancellationRequested();
                    throw new GasleserTimeoutException(
                        $"{endpoint.ComputerName}: looking up the name '{endpoint.Host}' did not finish within {timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s; no device was contacted.",
                        endpoint.ComputerName,
                        ExchangePhase.NameLookup);
                }
            }

            try
            {
                return await lookup.ConfigureAwait(false);
            }
            catch (SocketException)
            {
                return null;
            }
        }
    }
}
