using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Numerics;

namespace Gasleser.Discovery
{
    /// <summary>
    /// What a sweep may probe without -Force: at most <see cref="MaxAddresses"/> addresses, all of them
    /// in space that is a local network by definition. A typo such as 8.8.8.0/8 must not turn into a
    /// scan of someone else's network.
    /// </summary>
    internal static class ScanPolicy
    {
        public const int MaxAddresses = 4096;

        /// <summary>Loopback, RFC 1918, link-local, CGNAT (RFC 6598), IPv6 loopback, ULA and link-local.</summary>
        private static readonly AddressRange[] LocalBlocks = new[]
        {
            "127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "100.64.0.0/10",
            "::1/128", "fc00::/7", "fe80::/10",
        }.Select(AddressRange.Block).ToArray();

        public const string LocalSpace = "loopback (127.0.0.0/8), private (10/8, 172.16/12, 192.168/16), link-local (169.254/16), CGNAT (100.64/10) or IPv6 ULA (fc00::/7)";

        /// <summary>True for an address in <see cref="LocalSpace"/>: one a sweep without -Force may probe.</summary>
        public static bool IsLocal(System.Net.IPAddress address) =>
            AddressRange.TryParse(address.ToString(), out AddressRange? single, out _) && LocalBlocks.Any(single!.IsWithin);

        /// <summary>Why the sweep is refused, as a sentence of its own ("'127.0.0.0/8' holds 16777214 addresses, …"), or null when it may go ahead.</summary>
        public static string? Refusal(IReadOnlyCollection<AddressRange> ranges)
        {
            foreach (AddressRange range in ranges)
            {
                if (!LocalBlocks.Any(range.IsWithin))
                {
                    return $"{DeviceText.Quote(range.Text)} is not entirely in {LocalSpace} space, and probing other networks needs -Force.";
                }
            }

            BigInteger total = ranges.Aggregate(BigInteger.Zero, (sum, r) => sum + r.Count);
            if (total > MaxAddresses)
            {
                string count = total.ToString(CultureInfo.InvariantCulture);
                return ranges.Count == 1
                    ? $"{DeviceText.Quote(ranges.First().Text)} holds {count} addresses, more than the {MaxAddresses} a sweep takes without -Force."
                    : $"{DeviceText.Quote(string.Join(", ", ranges.Select(r => r.Text)), 200)} hold {count} addresses together, more than the {MaxAddresses} a sweep takes without -Force.";
            }

            return null;
        }
    }
}
