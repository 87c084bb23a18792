using System;
using System.Collections.Generic;
using System.Management.Automation;

namespace Gasleser.Commands
{
    /// <summary>
    /// The base of the cmdlets that ask devices (Get- and Watch-GasleserReading): their shared parameters,
    /// -ComputerName, -Port and -TimeoutSec, and the addresses named as endpoints. Public for the reason
    /// <see cref="GasleserCmdlet"/> is; PowerShell binds the parameters declared here as the cmdlets' own.
    /// </summary>
    public abstract class GasleserDeviceCmdlet : GasleserCmdlet
    {
        internal GasleserDeviceCmdlet()
        {
        }

        /// <summary>The devices: addresses, host names or URLs, or objects with one of these properties (a found device).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("IPAddress", "HostName", "CN")]
        [AddressArgument]
        [AllowEmptyString] // one blank line in a list of addresses is that line's error, not the whole command's
        [AllowNull]
        [ArgumentCompleter(typeof(ComputerNameCompleter))]
        public string[] ComputerName { get; set; } = Array.Empty<string>();

        /// <summary>The device's HTTP port when the address names none.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [PortArgument]
        [ValidateRange(1, 65535)]
        public int Port { get; set; } = DeviceEndpoint.DefaultPort;

        /// <summary>Seconds for one exchange (each poll's, for a watch): connect, headers and body (the vendor's own client uses 5).</summary>
        [Parameter]
        [ValidateRange(1, 300)]
        public int TimeoutSec { get; set; } = 5;

        /// <summary>The endpoints -ComputerName names now; an address that is none (or a refused pipeline object) is an error, and the rest go on.</summary>
        internal IEnumerable<DeviceEndpoint> NamedEndpoints()
        {
            foreach (string? address in ComputerName ?? new string?[] { null })
            {
                DeviceEndpoint endpoint;
                try
                {
                    endpoint = PipedAddress.Parse(address ?? "", Port);
                }
                catch (GasleserInvalidAddressException ex)
                {
                    Output.WriteError(ex);
                    continue;
                }

                yield return endpoint;
            }
        }
    }
}
