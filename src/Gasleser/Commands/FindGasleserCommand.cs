using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using Gasleser.Discovery;

namespace Gasleser.Commands
{
    /// <summary>Find-Gasleser: finds devices by mDNS and by probing /v1/data across subnets.</summary>
    [Cmdlet(VerbsCommon.Find, "Gasleser", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(GasleserDevice))]
    public sealed class FindGasleserCommand : PSCmdlet, IDisposable
    {
        private const int ProgressId = 4224;
        private readonly PipelineBridge _bridge = new PipelineBridge();
        private int _progressPending;

        /// <summary>What to sweep: CIDR blocks, single addresses or ranges. Default: this machine's own IPv4 subnets.</summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        [ValidateSubnet]
        [ArgumentCompleter(typeof(SubnetCompleter))]
        public string[]? Subnet { get; set; }

        /// <summary>The HTTP port probed on each swept address.</summary>
        [Parameter]
        [ValidateRange(1, 65535)]
        public int Port { get; set; } = DeviceEndpoint.DefaultPort;

        /// <summary>Milliseconds for one probe's whole exchange.</summary>
        [Parameter]
        [ValidateRange(50, 60000)]
        public int TimeoutMilliseconds { get; set; } = 1000;

        /// <summary>How many addresses are probed at once.</summary>
        [Parameter]
        [ValidateRange(1, 4096)]
        public int ThrottleLimit { get; set; } = 256;

        /// <summary>Mdns, Sweep, or All (both at once). Default: Sweep when -Subnet is given, otherwise All.</summary>
        [Parameter]
        [ValidateSet("All", "Mdns", "Sweep", IgnoreCase = true)]
        public string? Method { get; set; }

        /// <summary>Sweeps more than 4096 addresses, or addresses outside local network space.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void EndProcessing()
        {
            // Narrowing the scan to a subnet means a sweep of it: mDNS would still ask every multicast interface.
            string method = Method ?? (Subnet != null ? "Sweep" : "All");
            bool mdns = !method.Equals("Sweep", StringComparison.OrdinalIgnoreCase);
            bool sweep = !method.Equals("Mdns", StringComparison.OrdinalIgnoreCase);
            var ranges = new List<AddressRange>();
            if (sweep)
            {
                IReadOnlyList<string> subnets = Subnet ?? LocalSubnets.OfThisMachine(WriteVerbose);
                if (Subnet == null)
                {
                    WriteVerbose(subnets.Count > 0
                        ? "Sweeping this machine's subnets: " + string.Join(", ", subnets) + "."
                        : "This machine has no up, non-loopback IPv4 subnet to sweep.");
                }

                ranges.AddRange(subnets.Select(AddressRange.Parse));
                string? refusal = ScanPolicy.Refusal(ranges);
                if (refusal != null && !Force.IsPresent)
                {
                    string target = string.Join(", ", ranges.Select(r => r.Text));
                    ThrowTerminatingError(new GasleserInvalidAddressException(
                        "Find-Gasleser refuses to sweep " + refusal, target,
                        $"Sweep {ScanPolicy.MaxAddresses} addresses or fewer in {ScanPolicy.LocalSpace} space, or add -Force if you mean it.").ToErrorRecord());
                }
            }
            else if (Subnet != null)
            {
                WriteWarning("-Subnet is not used by -Method Mdns.");
            }

            var discovery = new DeviceDiscovery(new DiscoveryOptions
            {
                Ranges = ranges,
                Mdns = mdns,
                Port = Port,
                Timeout = TimeSpan.FromMilliseconds(TimeoutMilliseconds),
                ThrottleLimit = ThrottleLimit,
            });
            string plan = discovery.Plan();
            if (!ShouldProcess(plan, plan + " Probe?", "Find-Gasleser"))
            {
                return;
            }

            discovery.Found += device => _bridge.Post(() => WriteObject(device));
            discovery.Verbose += message => _bridge.Post(() => WriteVerbose(message));
            discovery.Progress += () =>
            {
                // One progress update queued at a time: a /24 finishes faster than the host can draw 254 bars.
                if (Interlocked.Exchange(ref _progressPending, 1) == 0)
                {
                    _bridge.Post(() =>
                    {
                        Volatile.Write(ref _progressPending, 0);
                        WriteProgress(Progress(discovery, completed: false));
                    });
                }
            };

            WriteProgress(Progress(discovery, completed: false));
            _bridge.Run(this, string.Join(", ", ranges.Select(r => r.Text)), discovery.RunAsync);
            _bridge.Pump(untilDone: true);
            WriteProgress(Progress(discovery, completed: true));
            foreach ((string deviceId, IReadOnlyList<string> addresses) in discovery.DuplicateIds())
            {
                WriteWarning($"{addresses.Count} devices answered with the id {deviceId}: at {string.Join(", ", addresses)}. All are reported; " +
                    "a device id should be unique, so these are copies of one configuration or one device reached at several addresses.");
            }

            WriteVerbose(discovery.Summary());
            if (discovery.DevicesFound == 0)
            {
                WriteWarning(discovery.NothingFound());
            }
        }

        private static ProgressRecord Progress(DeviceDiscovery discovery, bool completed)
        {
            long probed = discovery.Probed;
            string found = discovery.DevicesFound.ToString(CultureInfo.InvariantCulture) + " device(s) found";
            string status = discovery.Total > 0
                ? $"{probed.ToString(CultureInfo.InvariantCulture)} of {discovery.Total.ToString(CultureInfo.InvariantCulture)} addresses probed, {found}"
                : "Browsing mDNS for _gasleser._tcp.local, " + found;
            var record = new ProgressRecord(ProgressId, "Find-Gasleser", status);
            if (discovery.Total > 0)
            {
                record.PercentComplete = (int)Math.Min(100, probed * 100 / (double)discovery.Total);
            }

            if (completed)
            {
                record.RecordType = ProgressRecordType.Completed;
            }

            return record;
        }

        protected override void StopProcessing() => _bridge.Stop();

        public void Dispose() => _bridge.Dispose();
    }

    /// <summary>Makes a bad subnet a parameter error that shows the accepted forms.</summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class ValidateSubnetAttribute : ValidateEnumeratedArgumentsAttribute
    {
        protected override void ValidateElement(object element)
        {
            string text = element?.ToString() ?? "";
            if (!AddressRange.TryParse(text, out _, out string? reason))
            {
                throw new ValidationMetadataException(
                    $"'{text}' is not a subnet ({reason}). Accepted forms: {AddressRange.AcceptedForms}.");
            }
        }
    }
}
