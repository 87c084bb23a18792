using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Gasleser.Discovery;

namespace Gasleser.Commands
{
    /// <summary>Find-Gasleser: finds devices by mDNS and by probing /v1/data across subnets (or one device, -DeviceId).</summary>
    [Cmdlet(VerbsCommon.Find, "Gasleser", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(GasleserDevice))]
    public sealed class FindGasleserCommand : GasleserCmdlet
    {
        /// <summary>What to sweep: CIDR blocks, single addresses or ranges. Default: this machine's own IPv4 subnets.</summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
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

        /// <summary>Looks for this one device (GAS_…): only it is reported, and the search stops where it first answers.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(DeviceIdCompleter))]
        public string? DeviceId { get; set; }

        /// <summary>Sweeps more than 4096 addresses, or addresses outside local network space.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void EndProcessing()
        {
            if (DeviceId != null && !DeviceIdCompleter.IsDeviceId(DeviceId.Trim()))
            {
                ThrowTerminatingError(new GasleserInvalidParameterException(
                    $"'{DeviceText.Printable(DeviceId, 60)}' is not a device id: a device id is up to 40 letters, digits, '_' and '-', such as GAS_2329790123.",
                    nameof(DeviceId), "Give the id a reading or Find-Gasleser shows in DeviceId.").ToErrorRecord());
            }

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

                try
                {
                    ranges.AddRange(subnets.Select(AddressRange.Parse));
                }
                catch (GasleserInvalidAddressException ex)
                {
                    ThrowTerminatingError(ex.ToErrorRecord());
                }

                foreach (string normalised in ranges.Select(r => r.Normalised).OfType<string>())
                {
                    WriteVerbose(normalised);
                }

                string? refusal = ScanPolicy.Refusal(ranges);
                if (refusal != null && !Force.IsPresent)
                {
                    string target = string.Join(", ", ranges.Select(r => r.Text));
                    ThrowTerminatingError(new GasleserInvalidAddressException(
                        "Find-Gasleser did not sweep: " + refusal, target,
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
                DeviceId = DeviceId?.Trim(),
            }, Output);
            // -WhatIf shows the first text ("would sweep"); a run that sweeps shows it as its first -Verbose line
            // ("is sweeping"); the -Confirm prompt asks with the second.
            string plan = discovery.Plan(whatIf: true);
            if (!ShouldProcess(WhatIfInEffect ? plan : discovery.Plan(whatIf: false), plan + " Probe?", "Find-Gasleser"))
            {
                return;
            }

            WriteProgress(discovery.Progress(completed: false));
            var took = System.Diagnostics.Stopwatch.StartNew();
            RunInBackground(string.Join(", ", ranges.Select(r => r.Text)), discovery.RunAsync);
            WriteUntilWorkEnds();
            WriteProgress(discovery.Progress(completed: true));
            if (DeviceId != null)
            {
                WriteVerbose(discovery.Summary());
                if (discovery.Match == null && !StopToken.IsCancellationRequested)
                {
                    string searched = string.Join(" and ", new[] { mdns ? "mDNS (_gasleser._tcp.local)" : null, ranges.Count > 0 ? $"{string.Join(", ", ranges.Select(r => r.Text))} on port {Port}" : null }.Where(p => p != null));
                    WriteError(new GasleserDeviceNotFoundException(
                        $"{DeviceId.Trim()} was not found: searched {searched} for {took.Elapsed.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)} s. If it is elsewhere, give -Subnet (and -Port).",
                        DeviceId.Trim(), null).ToErrorRecord());
                }

                return;
            }

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

        // -WhatIf given, or $WhatIfPreference set where -WhatIf was not given (as ShouldProcess decides it).
        private bool WhatIfInEffect =>
            MyInvocation.BoundParameters.TryGetValue("WhatIf", out object? given)
                ? LanguagePrimitives.IsTrue(given)
                : LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));
    }
}
