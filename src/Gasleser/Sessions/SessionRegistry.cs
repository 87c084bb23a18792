using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
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

        // Turns by endpoint key ("127.0.0.1:20001", "[::1]:80") and by device id. Changed under TurnsLock only.
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
        /// The turn of the device at <paramref name="addresses"/> (IPv4 first, as <see cref="EndpointResolver"/> orders
        /// them) and <paramref name="port"/>: the turn of the first of them that has one, which all of them share
        /// from now on. A new turn's slot file is the first address's.
        /// </summary>
        internal static DeviceTurn TurnFor(IReadOnlyList<IPAddress> addresses, int port) =>
            TurnFor(addresses.Select(a => Key(a, port)).Distinct(StringComparer.OrdinalIgnoreCase).ToArray());

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

        /// <summary>
        /// The device <paramref name="deviceId"/> answers at a new address now: its turn is the new address's from
        /// its next reading on (whose slot file other processes use there), no longer the one it was first seen on.
        /// </summary>
        internal static void DeviceMoved(string deviceId)
        {
            lock (TurnsLock)
            {
                TurnsByDeviceId.Remove(deviceId);
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
                    turn = new DeviceTurn(keys[0], directory != null ? new SlotFile(directory, keys[0]) : null, ProcessWide.Clock);
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
    }
}
