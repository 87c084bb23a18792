using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Gasleser.Hosting;

namespace Gasleser.Discovery
{
    /// <summary>What the default-subnet logic needs to know of one network interface.</summary>
    internal sealed class InterfaceInfo
    {
        public InterfaceInfo(string name, bool isUp, bool isLoopback, IReadOnlyList<(IPAddress Address, int PrefixLength)> addresses)
        {
            Name = name;
            IsUp = isUp;
            IsLoopback = isLoopback;
            Addresses = addresses;
        }

        public string Name { get; }
        public bool IsUp { get; }
        public bool IsLoopback { get; }
        public IReadOnlyList<(IPAddress Address, int PrefixLength)> Addresses { get; }
    }

    /// <summary>
    /// Find-Gasleser's default: the IPv4 subnets of this machine's up, non-loopback interfaces.
    /// The choice is a pure function over interface data (<see cref="FromInterfaces"/>) so it is tested
    /// on made-up interfaces, never by sending packets.
    /// </summary>
    internal static class LocalSubnets
    {
        /// <summary>A subnet wider than this is narrowed to the /24 around the machine's own address.</summary>
        public const int NarrowedPrefix = 24;

        /// <summary>The default subnets of this machine (those a test pinned, see <see cref="ProcessWide.PinnedSubnets"/>).</summary>
        public static IReadOnlyList<string> OfThisMachine(Action<string>? verbose = null) =>
            ProcessWide.PinnedSubnets is string[] pinned ? pinned : FromInterfaces(ReadInterfaces(), verbose);

        /// <summary>
        /// The subnet to sweep for a device last seen at <paramref name="address"/>: the /24 around it, or the
        /// subnet of this machine's interface that holds it when that is smaller (a /28 of a point-to-point
        /// network, say). Never wider than a /24.
        /// </summary>
        public static string Around(IPAddress address)
        {
            IEnumerable<(IPAddress Address, int PrefixLength)> own = ProcessWide.PinnedSubnets is string[] pinned
                ? pinned.Select(Block).Where(b => b.Address != null).Select(b => (b.Address!, b.PrefixLength))
                : ReadInterfaces().Where(n => n.IsUp).SelectMany(n => n.Addresses);
            int prefix = NarrowedPrefix;
            foreach ((IPAddress network, int length) in own)
            {
                if (network.AddressFamily == AddressFamily.InterNetwork && length > prefix && length <= 30
                    && Network(network, length) == Network(address, length))
                {
                    prefix = length;
                }
            }

            return Network(address, prefix) + "/" + prefix.ToString(CultureInfo.InvariantCulture);
        }

        private static (IPAddress? Address, int PrefixLength) Block(string cidr)
        {
            string[] parts = cidr.Split('/');
            return parts.Length == 2 && IPAddress.TryParse(parts[0], out IPAddress? network)
                && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int length)
                ? (network, length)
                : (null, 0);
        }

        public static IReadOnlyList<string> FromInterfaces(IEnumerable<InterfaceInfo> interfaces, Action<string>? verbose = null) =>
            WithOrigin(interfaces, verbose).Select(s => s.Subnet).ToList();

        /// <summary>This machine's default subnets, each with the interface and own address it comes from (for tab completion).</summary>
        public static IReadOnlyList<(string Subnet, string Interface, IPAddress Address)> OfThisMachineWithOrigin() =>
            ProcessWide.PinnedSubnets is string[] pinned
                ? pinned.Select(Block).Where(b => b.Address != null).Select(b => (Network(b.Address!, b.PrefixLength) + "/" + b.PrefixLength.ToString(CultureInfo.InvariantCulture), "pinned", b.Address!)).ToList()
                : WithOrigin(ReadInterfaces(), null);

        public static IReadOnlyList<(string Subnet, string Interface, IPAddress Address)> WithOrigin(IEnumerable<InterfaceInfo> interfaces, Action<string>? verbose = null)
        {
            var subnets = new List<(string Subnet, string Interface, IPAddress Address)>();
            foreach (InterfaceInfo nic in interfaces.Where(n => n.IsUp && !n.IsLoopback))
            {
                foreach ((IPAddress address, int prefixLength) in nic.Addresses)
                {
                    if (address.AddressFamily != AddressFamily.InterNetwork || IPAddress.IsLoopback(address))
                    {
                        continue;
                    }

                    byte[] b = address.GetAddressBytes();
                    if (b[0] == 169 && b[1] == 254)
                    {
                        verbose?.Invoke($"{nic.Name}: {address} is a self-assigned link-local address; its /16 is not swept by default.");
                        continue;
                    }

                    if (prefixLength < 0 || prefixLength > 30)
                    {
                        continue; // point-to-point links and host routes: no neighbours to find
                    }

                    int prefix = prefixLength;
                    if (prefix < NarrowedPrefix)
                    {
                        verbose?.Invoke($"{nic.Name}: {address}/{prefixLength} is larger than a /{NarrowedPrefix}; sweeping the /{NarrowedPrefix} around this machine's address (give -Subnet for more).");
                        prefix = NarrowedPrefix;
                    }

                    string cidr = Network(address, prefix) + "/" + prefix.ToString(CultureInfo.InvariantCulture);
                    if (!subnets.Any(s => s.Subnet == cidr))
                    {
                        subnets.Add((cidr, nic.Name, address));
                    }
                }
            }

            return subnets;
        }

        private static string Network(IPAddress address, int prefix)
        {
            byte[] bytes = address.GetAddressBytes();
            uint value = (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
            uint mask = prefix == 0 ? 0 : uint.MaxValue << (32 - prefix);
            uint network = value & mask;
            return new IPAddress(new[] { (byte)(network >> 24), (byte)(network >> 16), (byte)(network >> 8), (byte)network }).ToString();
        }

        /// <summary>The real interfaces (only called when Find-Gasleser is given no -Subnet).</summary>
        private static IEnumerable<InterfaceInfo> ReadInterfaces()
        {
            foreach (NetworkInterface nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                var addresses = new List<(IPAddress, int)>();
                foreach (UnicastIPAddressInformation unicast in nic.GetIPProperties().UnicastAddresses)
                {
                    if (unicast.Address.AddressFamily == AddressFamily.InterNetwork && unicast.IPv4Mask != null)
                    {
                        addresses.Add((unicast.Address, CountBits(unicast.IPv4Mask)));
                    }
                }

                yield return new InterfaceInfo(
                    nic.Name,
                    nic.OperationalStatus == OperationalStatus.Up,
                    nic.NetworkInterfaceType == NetworkInterfaceType.Loopback,
                    addresses);
            }
        }

        private static int CountBits(IPAddress mask)
        {
            int bits = 0;
            foreach (byte b in mask.GetAddressBytes())
            {
                for (int i = 0; i < 8; i++)
                {
                    bits += (b >> i) & 1;
                }
            }

            return bits;
        }
    }
}
