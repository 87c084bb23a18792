using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Numerics;

namespace Gasleser.Discovery
{
    /// <summary>
    /// A set of addresses to sweep, as the user wrote it: a CIDR block (192.168.2.0/24), a single
    /// address (192.168.2.132) or a range (192.168.2.10-192.168.2.60). In a CIDR block of IPv4 with
    /// room for hosts (/30 and larger) the network and broadcast addresses are not probed.
    /// </summary>
    internal sealed class AddressRange
    {
        /// <summary>What the user may write, for error messages.</summary>
        public const string AcceptedForms =
            "a CIDR block (192.168.2.0/24), a single address (192.168.2.132) or a range (192.168.2.10-192.168.2.60)";

        private readonly BigInteger _first;
        private readonly BigInteger _last;

        private AddressRange(string text, AddressFamily family, BigInteger first, BigInteger last, string? given = null)
        {
            Text = text;
            Given = given ?? text;
            Family = family;
            _first = first;
            _last = last;
        }

        /// <summary>
        /// The range swept, as every message echoes it: as given, except that a CIDR block is named by its network
        /// address (127.0.0.8/28 is the block 127.0.0.0/28).
        /// </summary>
        public string Text { get; }

        /// <summary>The range as the user wrote it (trimmed).</summary>
        public string Given { get; }

        /// <summary>
        /// For a CIDR block given by an address inside it, one sentence saying which block is swept; null when
        /// <see cref="Text"/> is what was given.
        /// </summary>
        public string? Normalised => Given == Text ? null
            : $"-Subnet {Given} lies in the block {Text}: sweeping {First} to {Last} ({Count.ToString(CultureInfo.InvariantCulture)} address(es)).";

        public AddressFamily Family { get; }

        /// <summary>The first address probed.</summary>
        public IPAddress First => ToAddress(_first, Family);

        /// <summary>The last address probed.</summary>
        public IPAddress Last => ToAddress(_last, Family);

        /// <summary>How many addresses a sweep probes.</summary>
        public BigInteger Count => _last - _first + 1;

        /// <summary>The addresses in order, produced lazily (a forced /8 is not held in memory).</summary>
        public IEnumerable<IPAddress> Addresses()
        {
            for (BigInteger a = _first; a <= _last; a++)
            {
                yield return ToAddress(a, Family);
            }
        }

        public override string ToString() => Text;

        /// <summary>Parses one range; throws <see cref="GasleserInvalidAddressException"/> saying what is wrong and what is accepted.</summary>
        public static AddressRange Parse(string? input)
        {
            if (TryParse(input, out AddressRange? range, out string? reason))
            {
                return range!;
            }

            throw new GasleserInvalidAddressException(
                $"{DeviceText.Quote(input)} is not a subnet ({reason}). Accepted forms: {AcceptedForms}.", input ?? "", "Give each subnet as " + AcceptedForms + ".");
        }

        public static bool TryParse(string? input, out AddressRange? range, out string? reason)
        {
            range = null;
            reason = null;
            string text = (input ?? "").Trim();
            if (text.Length == 0)
            {
                reason = "it is empty";
                return false;
            }

            int slash = text.IndexOf('/');
            if (slash >= 0)
            {
                return TryParseCidr(text, slash, out range, out reason);
            }

            int dash = text.IndexOf('-');
            if (dash >= 0)
            {
                if (!TryParseAddress(text.Substring(0, dash), out IPAddress? from, out reason)
                    || !TryParseAddress(text.Substring(dash + 1), out IPAddress? to, out reason))
                {
                    return false;
                }

                if (from!.AddressFamily != to!.AddressFamily)
                {
                    reason = "a range starts and ends in the same address family";
                    return false;
                }

                BigInteger first = ToNumber(from), last = ToNumber(to);
                if (last < first)
                {
                    reason = $"it ends ({to}) before it starts ({from})";
                    return false;
                }

                range = new AddressRange(text, from.AddressFamily, first, last);
                return true;
            }

            if (!TryParseAddress(text, out IPAddress? single, out reason))
            {
                return false;
            }

            BigInteger n = ToNumber(single!);
            range = new AddressRange(text, single!.AddressFamily, n, n);
            return true;
        }

        // "/255.255.255.0" is a netmask: said as the prefix it means, when it is one (contiguous ones).
        private static string MaskAsPrefix(string address, string maskText)
        {
            if (!IPAddress.TryParse(maskText, out IPAddress? mask) || mask.AddressFamily != AddressFamily.InterNetwork || maskText.Split('.').Length != 4)
            {
                return "";
            }

            byte[] bytes = mask.GetAddressBytes();
            uint bits = (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
            int ones = 0;
            while (ones < 32 && (bits & (0x80000000u >> ones)) != 0)
            {
                ones++;
            }

            bool contiguous = ones == 32 || (bits << ones) == 0; // ones, then only zeros
            return contiguous
                ? $": the mask {maskText} is /{ones.ToString(CultureInfo.InvariantCulture)}: write {address}/{ones.ToString(CultureInfo.InvariantCulture)}"
                : $" ({maskText} is a netmask, but not one a prefix can say)";
        }

        private static bool TryParseCidr(string text, int slash, out AddressRange? range, out string? reason)
        {
            range = null;
            if (!TryParseAddress(text.Substring(0, slash), out IPAddress? address, out reason))
            {
                return false;
            }

            int bits = address!.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
            string prefixText = text.Substring(slash + 1);
            if (!int.TryParse(prefixText, NumberStyles.None, CultureInfo.InvariantCulture, out int prefix) || prefix > bits || prefixText.Length > 3)
            {
                reason = $"the prefix length {DeviceText.Quote(prefixText, 20)} is not 0 to {bits}" + MaskAsPrefix(text.Substring(0, slash), prefixText);
                return false;
            }

            BigInteger size = BigInteger.One << (bits - prefix);
            BigInteger network = ToNumber(address) / size * size;
            BigInteger first = network, last = network + size - 1;
            if (address.AddressFamily == AddressFamily.InterNetwork && prefix <= 30)
            {
                first += 1; // the network address
                last -= 1;  // the broadcast address
            }

            string block = ToAddress(network, address.AddressFamily) + "/" + prefix.ToString(CultureInfo.InvariantCulture);
            range = new AddressRange(block, address.AddressFamily, first, last, given: text);
            return true;
        }

        private static bool TryParseAddress(string text, out IPAddress? address, out string? reason)
        {
            address = null;
            reason = null;
            text = text.Trim();
            if (text.IndexOf(':') >= 0)
            {
                if (IPAddress.TryParse(text, out address) && address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId == 0)
                {
                    return true;
                }

                reason = $"{DeviceText.Quote(text)} is not an IPv6 address";
                return false;
            }

            return DeviceEndpoint.TryParseDottedQuad(text, out address, out reason);
        }

        internal static BigInteger ToNumber(IPAddress address)
        {
            byte[] bytes = address.GetAddressBytes();
            var littleEndian = new byte[bytes.Length + 1]; // the extra zero byte keeps it positive
            for (int i = 0; i < bytes.Length; i++)
            {
                littleEndian[i] = bytes[bytes.Length - 1 - i];
            }

            return new BigInteger(littleEndian);
        }

        internal static IPAddress ToAddress(BigInteger number, AddressFamily family)
        {
            int length = family == AddressFamily.InterNetwork ? 4 : 16;
            byte[] littleEndian = number.ToByteArray();
            var bytes = new byte[length];
            for (int i = 0; i < length && i < littleEndian.Length; i++)
            {
                bytes[length - 1 - i] = littleEndian[i];
            }

            return new IPAddress(bytes);
        }

        /// <summary>True when every address of this range lies inside <paramref name="block"/>.</summary>
        internal bool IsWithin(AddressRange block) =>
            Family == block.Family && _first >= block._first && _last <= block._last;

        /// <summary>The whole block, network and broadcast included (for the scan policy's lists).</summary>
        internal static AddressRange Block(string cidr)
        {
            int slash = cidr.IndexOf('/');
            IPAddress address = IPAddress.Parse(cidr.Substring(0, slash));
            int bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
            int prefix = int.Parse(cidr.Substring(slash + 1), CultureInfo.InvariantCulture);
            BigInteger size = BigInteger.One << (bits - prefix);
            BigInteger network = ToNumber(address) / size * size;
            return new AddressRange(cidr, address.AddressFamily, network, network + size - 1);
        }
    }
}
