using System;
using System.Management.Automation;
using Gasleser.Discovery;
using Gasleser.Sessions;

namespace Gasleser.Commands
{
    /// <summary>Get-GasleserReading: one reading from each device named, by address or by device id (wherever it is now).</summary>
    [Cmdlet(VerbsCommon.Get, "GasleserReading", DefaultParameterSetName = ByAddress)]
    [OutputType(typeof(GasleserReading))]
    public sealed class GetGasleserReadingCommand : GasleserDeviceCmdlet
    {
        /// <summary>A reading this session already has, no older than this, is returned without a request. Seconds (60), '15m' or 00:15:00.</summary>
        [Parameter]
        [TimeSpanArgument(0)]
        public TimeSpan MaxAge { get; set; }

        /// <summary>Fail with Gasleser.RateLimited instead of waiting for the device's next turn.</summary>
        [Parameter]
        public SwitchParameter NoWait { get; set; }

        /// <summary>
        /// Ask even while another client (Home Assistant polling every 10 s, say) is known to leave the device no room;
        /// without it such a read fails at once with Gasleser.RateLimited, sending nothing. Still at most two requests.
        /// </summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            TimeSpan timeout = TimeSpan.FromSeconds(TimeoutSec);
            TimeSpan? maxAge = MyInvocation.BoundParameters.ContainsKey(nameof(MaxAge)) ? MaxAge : (TimeSpan?)null;
            bool noWait = NoWait.IsPresent;
            WhenSaturated whenSaturated = Force.IsPresent ? WhenSaturated.TryAnyway : WhenSaturated.FailAtOnce;

            foreach ((DeviceEndpoint? named, string? deviceId) in NamedDevices())
            {
                if (deviceId != null)
                {
                    DeviceLocator locator = LocatorFor(deviceId, named);
                    RunInBackground(deviceId, async token =>
                        Output.WriteObject(await locator.ReadAsync(maxAge, noWait, Output, token, whenSaturated).ConfigureAwait(false)));
                    continue;
                }

                DeviceEndpoint endpoint = named!;
                DeviceSession session = SessionRegistry.Get(endpoint);
                // A failure ends the work; RunInBackground writes it as that device's error.
                RunInBackground(endpoint.ComputerName, async token =>
                {
                    GasleserReading reading = await session.ReadAsync(timeout, maxAge, noWait, Output, token, whenSaturated).ConfigureAwait(false);
                    KnownDevices.Remember(reading);
                    Output.WriteObject(reading);
                });
            }

            WriteQueued();
        }

        protected override void EndProcessing() => WriteUntilWorkEnds();
    }
}
