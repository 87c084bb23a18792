using System;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Gasleser
{
    /// <summary>
    /// A device's HTTP endpoint: host and port, parsed from what the user typed and normalised,
    /// so that "192.168.2.132", "http://192.168.2.132/" and "192.168.2.132:80" share one session.
    /// </summary>
    internal sealed class DeviceEndpoint : IEquatable<DeviceEndpoint>
    {
        public const int DefaultPort = 80;

        // RFC 1123 host names: labels of letters, digits and hyphens, not starting or ending with a hyphen; '_' too,
        // which DNS carries and LAN names (DHCP, NetBIOS) often hold.
        private static readonly Regex HostNamePattern = new Regex(
            @"^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$",
            RegexOptions.CultureInvariant);

        private DeviceEndpoint(string host, int port, IPAddress? address)
        {
            Host = host;
            Port = port;
            Address = address;
        }

        /// <summary>Host name in lower case, or the IP address in its canonical form (IPv6 without brackets).</summary>
        public string Host { get; }

        public int Port { get; }

        /// <summary>The IP address when the host is a literal address; null for a name.</summary>
        public IPAddress? Address { get; }

        /// <summary>The normalised address as users write it: "host", "host:port", "[v6]" or "[v6]:port".</summary>
        public string ComputerName
        {
            get
            {
                string host = Address?.AddressFamily == AddressFamily.InterNetworkV6 ? "[" + Host + "]" : Host;
                return Port == DefaultPort ? host : host + ":" + Port.ToString(CultureInfo.InvariantCulture);
            }
        }

        /// <summary>The value of the HTTP Host header.</summary>
        internal string HostHeader => ComputerName;

        /// <summary>
        /// Parses an address. <paramref name="defaultPort"/> applies when the address names none.
        /// Throws <see cref="GasleserInvalidAddressException"/> for anything that is not one of the accepted forms.
        /// </summary>
        public static DeviceEndpoint Parse(string? input, int defaultPort = DefaultPort)
        {
            if (TryParse(input, defaultPort, out var endpoint, out string? reason))
            {
                return endpoint!;
            }

            throw new GasleserInvalidAddressException(
                $"{DeviceText.Quote(input)} is not a device address ({reason}). Accepted forms: {GasleserInvalidAddressException.AcceptedForms}.",
                input ?? "");
        }

        /// <summary>
        /// Parses an address; on failure <paramref name="reason"/> says what is wrong in words that name the
        /// mistake (two ports, a subnet, a path, a query, a device id, a letter DNS cannot carry), quoting at most
        /// a bounded excerpt of what was given.
        /// </summary>
        public static bool TryParse(string? input, int defaultPort, out DeviceEndpoint? endpoint, out string? reason)
        {
            endpoint = null;
            reason = null;
            string text = (input ?? "").Trim();
            if (text.Length == 0)
            {
                reason = "it is empty";
                return false;
            }

            if (defaultPort < 1 || defaultPort > 65535)
            {
                reason = "the port must be 1 to 65535";
                return false;
            }

            // A line of a file of addresses that is a comment ("# the meter"), or ends in one: not an address.
            int hash = text.IndexOf('#');
            if (hash == 0)
            {
                reason = "a line that begins with '#' is a comment, not an address: leave comment lines out, e.g. Get-Content meters.txt | Where-Object { $_ -notmatch '^\\s*#' }";
                return false;
            }

            if (hash > 0 && char.IsWhiteSpace(text[hash - 1]))
            {
                reason = $"{DeviceText.Quote(text.Substring(hash), 40)} is a comment, not part of an address: give only the address, e.g. {DeviceText.Quote(text.Substring(0, hash).TrimEnd(), 60)}";
                return false;
            }

            // A fragment ("#top") is never sent to the server: a browser or HTTP client drops it, and so does this.
            if (hash > 0)
            {
                text = text.Substring(0, hash);
            }

            bool url = false;
            if (text.IndexOf("://", StringComparison.Ordinal) >= 0)
            {
                if (!text.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
                {
                    reason = "the device speaks plain http:// only";
                    return false;
                }

                text = text.Substring("http://".Length);
                url = true;
            }

            // What follows the host: nothing, "/" or "/v1/data" (the device's one path, which the module asks itself).
            int pathStart = text.IndexOfAny(new[] { '/', '?' });
            string hostAndPort = pathStart >= 0 ? text.Substring(0, pathStart) : text;
            if (hostAndPort.Length == 0 || (hostAndPort.StartsWith(":", StringComparison.Ordinal) && !hostAndPort.StartsWith("::", StringComparison.Ordinal))) // "::1" is an address
            {
                reason = url
                    ? "the URL has no host after 'http://': give the device's address, e.g. http://192.168.2.132/ or 192.168.2.132"
                    : "it names no host, only what follows one: give the device's address, e.g. 192.168.2.132 or 192.168.2.132:8080";
                return false;
            }

            if (pathStart >= 0 && !TryTakePath(text, pathStart, url, out reason))
            {
                return false;
            }

            if (pathStart >= 0)
            {
                text = text.Substring(0, pathStart);
            }

            int at = text.LastIndexOf('@');
            if (at >= 0)
            {
                reason = "it holds a user name or password before '@', but a Gasleser's API needs no login: give only the host"
                    + (at + 1 < text.Length ? $", e.g. {DeviceText.Quote(text.Substring(at + 1))}" : "");
                return false;
            }

            string hostPart = text;
            int port = defaultPort;

            if (text.StartsWith("[", StringComparison.Ordinal))
            {
                int close = text.IndexOf(']');
                if (close < 0)
                {
                    reason = "an IPv6 address in brackets lacks its ']'";
                    return false;
                }

                hostPart = text.Substring(1, close - 1);
                string rest = text.Substring(close + 1);
                if (rest.Length > 0 && !TryParsePort(rest, out port, out reason))
                {
                    return false;
                }

                if (!IPAddress.TryParse(hostPart, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
                {
                    reason = $"{DeviceText.Quote(hostPart)} is not an IPv6 address";
                    return false;
                }

                endpoint = new DeviceEndpoint(Canonical(v6), port, v6);
                return true;
            }

            int colons = Count(text, ':');
            if (colons > 1)
            {
                // A bare IPv6 address (no port possible without brackets).
                if (IPAddress.TryParse(text, out var bare) && bare.AddressFamily == AddressFamily.InterNetworkV6)
                {
                    endpoint = new DeviceEndpoint(Canonical(bare), port, bare);
                    return true;
                }

                // "gasleser.local:80:80", "10.0.0.5:80:8080": a host and two ports, not an IPv6 address.
                string first = text.Substring(0, text.IndexOf(':'));
                if (first.IndexOf('.') >= 0 || !IsHex(first))
                {
                    reason = $"it names more than one port after {DeviceText.Quote(first)}: give one, e.g. {DeviceText.Quote(text.Substring(0, text.IndexOf(':', first.Length + 1)))}";
                    return false;
                }

                reason = "an IPv6 address with a port goes in brackets, e.g. [fe80::1]:80";
                return false;
            }

            if (colons == 1)
            {
                int colon = text.IndexOf(':');
                hostPart = text.Substring(0, colon);
                if (!TryParsePort(text.Substring(colon), out port, out reason))
                {
                    return false;
                }
            }

            if (LooksLikeIPv4(hostPart))
            {
                if (!TryParseDottedQuad(hostPart, out IPAddress? v4, out reason))
                {
                    return false;
                }

                endpoint = new DeviceEndpoint(v4!.ToString(), port, v4);
                return true;
            }

            string name = hostPart.ToLowerInvariant().TrimEnd('.');
            reason = NameProblem(hostPart, name);
            if (reason != null)
            {
                return false;
            }

            endpoint = new DeviceEndpoint(name, port, null);
            return true;
        }

        // The part from the first '/' or '?' on (a '#' fragment is dropped before): "/" and "/v1/data" (with or
        // without http://) name the device; a query, another path or a prefix length (a subnet) does not.
        private static bool TryTakePath(string text, int pathStart, bool url, out string? reason)
        {
            reason = null;
            string host = text.Substring(0, pathStart);
            string path = text.Substring(pathStart);
            int query = path.IndexOf('?');
            if (query >= 0)
            {
                reason = $"{DeviceText.Quote(path.Substring(query), 40)} is a query string, but the module asks /v1/data itself, without one: give only the address, e.g. {DeviceText.Quote(host, 60)}";
                return false;
            }

            if (path == "/" || path.TrimEnd('/').Equals("/v1/data", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            string afterSlash = path.Substring(1);
            if (!url && afterSlash.Length > 0 && afterSlash.Length <= 3 && Count(host, ':') <= 1 && IsDigits(afterSlash)
                && (LooksLikeIPv4(host) || IPAddress.TryParse(host, out _)))
            {
                reason = $"it is a subnet, and a reading is asked of one address: find the devices in it with Find-Gasleser -Subnet {DeviceText.Printable(text, 60)}";
                return false;
            }

            reason = $"a URL may name only the device, not the path {DeviceText.Quote(path, 40)}: give http://{DeviceText.Printable(host, 60)}/ or {DeviceText.Printable(host, 60)}";
            return false;
        }

        // Why a host name is none, or null when it is one: RFC 1123 labels, with '_' allowed (DHCP names on many LANs carry one).
        private static string? NameProblem(string given, string name)
        {
            if (name.Length > 253)
            {
                return $"it is too long for a host name, which has at most 253 characters";
            }

            if (DeviceIdPattern.IsMatch(name))
            {
                return $"it is a device id, not an address: give the device's address (Find-Gasleser lists each device's id and address)";
            }

            foreach (char c in name)
            {
                if (c > '\u007F' && !DeviceText.IsUnsafe(c))
                {
                    string ascii;
                    try
                    {
                        ascii = new IdnMapping().GetAscii(name);
                    }
                    catch (ArgumentException)
                    {
                        ascii = "";
                    }

                    return $"it holds '{c}', a letter a host name cannot carry in DNS: "
                        + (ascii.Length > 0 ? $"write it in its punycode form, {ascii}, or give the device's IP address" : "give the device's IP address");
                }
            }

            // "a,b" or "a;b" quoted as one: PowerShell splits a list at commas outside quotes only.
            if (name.IndexOfAny(new[] { ',', ';' }) > 0)
            {
                return $"{DeviceText.Quote(given)} holds '{name[name.IndexOfAny(new[] { ',', ';' })]}', which no address has: several addresses in one text are not split; give them as a list, e.g. Get-GasleserReading 192.168.2.132, 192.168.2.133";
            }

            // A name whose last label is all digits is a mistyped address (10.0.0.256, 0x0a.0.0.1), not a host.
            if (!HostNamePattern.IsMatch(name) || LooksLikeIPv4(name.Substring(name.LastIndexOf('.') + 1)))
            {
                return $"{DeviceText.Quote(given)} is neither an IP address nor a host name (letters, digits, '-' and '_', in labels separated by '.')";
            }

            return null;
        }

        private static readonly Regex DeviceIdPattern = new Regex(@"^gas_(pulse_)?[0-9]+$", RegexOptions.CultureInvariant);

        private static bool IsHex(string s)
        {
            foreach (char c in s)
            {
                if (!Uri.IsHexDigit(c))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsDigits(string s)
        {
            foreach (char c in s)
            {
                if (c < '0' || c > '9')
                {
                    return false;
                }
            }

            return true;
        }

        private static bool TryParsePort(string colonAndPort, out int port, out string? reason)
        {
            port = 0;
            reason = null;
            if (colonAndPort.Length < 2 || colonAndPort[0] != ':'
                || !int.TryParse(colonAndPort.Substring(1), NumberStyles.None, CultureInfo.InvariantCulture, out port)
                || port < 1 || port > 65535)
            {
                reason = $"{DeviceText.Quote(colonAndPort.Substring(1), 20)} is not a port from 1 to 65535";
                return false;
            }

            return true;
        }

        private static bool LooksLikeIPv4(string s)
        {
            foreach (char c in s)
            {
                if (c != '.' && (c < '0' || c > '9'))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// An IPv4 address as users write it: four decimal parts of 0 to 255. IPAddress.TryParse alone also
        /// takes "10.1" and "0x0a.1", and reads a zero-padded part as octal (192.168.002.010 as 192.168.2.8)
        /// where other tools read it as decimal: such an address is refused, naming both readings.
        /// </summary>
        internal static bool TryParseDottedQuad(string s, out IPAddress? address, out string? reason)
        {
            address = null;
            string[] parts = s.Split('.');
            if (parts.Length != 4)
            {
                reason = $"{DeviceText.Quote(s)} is not an IPv4 address: it has {parts.Length.ToString(CultureInfo.InvariantCulture)} parts, not 4";
                return false;
            }

            var asDecimal = new byte[4];
            bool padded = false;
            for (int i = 0; i < 4; i++)
            {
                string part = parts[i];
                if (part.Length == 0 || part.Length > 3 || !int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value > 255)
                {
                    reason = $"{DeviceText.Quote(s)} is not an IPv4 address: "
                        + (part.Length == 0 ? $"its part {i + 1} is empty" : $"its part {DeviceText.Quote(part, 20)} is " + (LooksLikeIPv4(part) ? "more than 255" : "not a number from 0 to 255"));
                    return false;
                }

                asDecimal[i] = (byte)value;
                padded |= part.Length > 1 && part[0] == '0';
            }

            if (padded)
            {
                string plain = new IPAddress(asDecimal).ToString();
                string? octal = OctalReading(parts);
                reason = octal == plain
                    ? $"'{s}' has zero-padded parts; it means {plain} either way, but a leading zero means octal to some tools, so write it without leading zeros: {plain}"
                    : octal != null
                    ? $"'{s}' has zero-padded parts, which tools read differently: {octal} to some (a leading zero meaning octal) and {plain} to others; write it without leading zeros, e.g. {plain}"
                    : $"'{s}' has zero-padded parts, which some tools refuse (a leading zero meaning octal) and others read as {plain}; write it without leading zeros, e.g. {plain}";
                return false;
            }

            address = new IPAddress(asDecimal);
            reason = null;
            return true;
        }

        // How inet_aton and .NET's parser read the parts: with a leading zero as octal; null when that fails (a 8 or 9, or > 255).
        private static string? OctalReading(string[] parts)
        {
            var bytes = new byte[4];
            for (int i = 0; i < 4; i++)
            {
                int value = 0;
                bool octal = parts[i].Length > 1 && parts[i][0] == '0';
                foreach (char c in parts[i])
                {
                    if (octal && c > '7')
                    {
                        return null;
                    }

                    value = value * (octal ? 8 : 10) + (c - '0');
                }

                if (value > 255)
                {
                    return null;
                }

                bytes[i] = (byte)value;
            }

            return new IPAddress(bytes).ToString();
        }

        private static string Canonical(IPAddress v6) => v6.ToString();

        private static int Count(string s, char c)
        {
            int n = 0;
            foreach (char ch in s)
            {
                if (ch == c)
                {
                    n++;
                }
            }

            return n;
        }

        public bool Equals(DeviceEndpoint? other) =>
            other is not null && Port == other.Port && string.Equals(Host, other.Host, StringComparison.OrdinalIgnoreCase);

        public override bool Equals(object? obj) => Equals(obj as DeviceEndpoint);

        public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(Host) ^ Port;

        public override string ToString() => ComputerName;
    }
}
