using System;
using System.Collections.Generic;
using System.Management.Automation;
using Gasleser.Discovery;

namespace Gasleser.Commands
{
    /// <summary>
    /// The base of the cmdlets that ask devices (Get- and Watch-GasleserReading): their shared parameters,
    /// -ComputerName or -DeviceId (with -Subnet and -Method, where to look for it), -Port and -TimeoutSec, and
    /// the addresses named as endpoints or the devices named as locators. Public for the reason
    /// <see cref="GasleserCmdlet"/> is; PowerShell binds the parameters declared here as the cmdlets' own.
    /// </summary>
    public abstract class GasleserDeviceCmdlet : GasleserCmdlet
    {
        internal GasleserDeviceCmdlet()
        {
        }

        /// <summary>The parameter set that names devices by address (the default).</summary>
        internal const string ByAddress = "ComputerName";

        /// <summary>The parameter set that names devices by their device id.</summary>
        internal const string ById = "DeviceId";

        /// <summary>The devices: addresses, host names or URLs, or objects with one of these properties (a found device).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ByAddress)]
        [Alias("IPAddress", "HostName", "CN")]
        [AddressArgument]
        [AllowEmptyString] // one blank line in a list of addresses is that line's error, not the whole command's
        [AllowNull]
        [ArgumentCompleter(typeof(ComputerNameCompleter))]
        public string[] ComputerName { get; set; } = Array.Empty<string>();

        /// <summary>
        /// The devices by their id (GAS_…): asked where they answered last, and looked for once when they are not
        /// there (mDNS, then a sweep of the subnet where they were last seen).
        /// </summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ById)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(DeviceIdCompleter))]
        public string[] DeviceId { get; set; } = Array.Empty<string>();

        /// <summary>Where to look for a device named by -DeviceId that is not where it was last seen: CIDR blocks, addresses or ranges.</summary>
        [Parameter(ParameterSetName = ById)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SubnetCompleter))]
        public string[]? Subnet { get; set; }

        /// <summary>How to look for a device named by -DeviceId: Mdns, Sweep, or All (mDNS, then the sweep). Default: Sweep with -Subnet, otherwise All.</summary>
        [Parameter(ParameterSetName = ById)]
        [ValidateSet("All", "Mdns", "Sweep", IgnoreCase = true)]
        public string? Method { get; set; }

        /// <summary>The device's HTTP port when the address names none (with -DeviceId: the port swept for a device never seen here).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [PortArgument]
        [ValidateRange(1, 65535)]
        public int Port { get; set; } = DeviceEndpoint.DefaultPort;

        /// <summary>Seconds for one exchange (each poll's, for a watch): connect, headers and body (the vendor's own client uses 5).</summary>
        [Parameter]
        [ValidateRange(1, 300)]
        public int TimeoutSec { get; set; } = 5;

        /// <summary>
        /// A reader of the device <paramref name="deviceId"/> wherever it is now, as -Subnet, -Method, -Port and
        /// -TimeoutSec say; <paramref name="seenAt"/>: where a piped object says it was.
        /// </summary>
        internal DeviceLocator LocatorFor(string deviceId, DeviceEndpoint? seenAt) =>
            new DeviceLocator(deviceId, ByDeviceId ? Subnet : null, ByDeviceId ? Method : null, Port, TimeSpan.FromSeconds(TimeoutSec), seenAt);

        /// <summary>True when the devices are named by -DeviceId.</summary>
        internal bool ByDeviceId => ParameterSetName == ById;

        /// <summary>
        /// The devices named now, by address or by id: -DeviceId, or a -ComputerName that is a device id
        /// ("GAS_2329790123": no host name has an underscore). A piped object with both an address and a device id
        /// (a logged reading, a found device) is that device, expected at that address: both are given, and it is
        /// followed by its id. A name that is neither is an error, and the rest go on.
        /// </summary>
        internal IEnumerable<(DeviceEndpoint? Endpoint, string? DeviceId)> NamedDevices()
        {
            if (!ByDeviceId)
            {
                foreach (string? address in ComputerName ?? new string?[] { null })
                {
                    if (address != null && DeviceIdCompleter.LooksLikeDeviceId(address.Trim()))
                    {
                        yield return (null, address.Trim());
                        continue;
                    }

                    DeviceEndpoint endpoint;
                    string? expected;
                    try
                    {
                        (endpoint, expected) = PipedAddress.Parse(address ?? "", Port);
                    }
                    catch (GasleserInvalidAddressException ex)
                    {
                        Output.WriteError(ex);
                        continue;
                    }

                    yield return (endpoint, expected);
                }

                yield break;
            }

            foreach (string id in DeviceId)
            {
                string trimmed = id.Trim();
                if (!DeviceIdCompleter.IsDeviceId(trimmed))
                {
                    Output.WriteError(new GasleserInvalidParameterException(
                        $"'{DeviceText.Printable(id, 60)}' is not a device id: a device id is up to 40 letters, digits, '_' and '-', such as GAS_2329790123.",
                        nameof(DeviceId), "Give the id a reading or Find-Gasleser shows in DeviceId, or name the device by its address with -ComputerName."));
                    continue;
                }

                yield return (null, trimmed);
            }
        }
    }
}
