using System;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using Gasleser.Discovery;
using Gasleser.Sessions;
using Gasleser.Watching;
using Gasleser.Hosting;

namespace Gasleser.Commands
{
    /// <summary>
    /// Watch-GasleserReading: a reading from each device named, on a fixed cadence, until Ctrl+C,
    /// -Count readings per device or -Duration. Each reading goes into the pipeline as it arrives.
    /// </summary>
    [Cmdlet(VerbsCommon.Watch, "GasleserReading", DefaultParameterSetName = ByAddress)]
    [OutputType(typeof(GasleserReading))]
    public sealed class WatchGasleserReadingCommand : GasleserDeviceCmdlet
    {
        /// <summary>The extra type name of a watch's readings, for their view (Gasleser.format.ps1xml).</summary>
        public const string WatchTypeName = "Gasleser.GasleserReading#Watch";

        // The devices, in the order named: by address, or by id (followed wherever it goes).
        private readonly List<(DeviceEndpoint? Endpoint, string? DeviceId)> _devices = new List<(DeviceEndpoint? Endpoint, string? DeviceId)>();

        /// <summary>Time between polls of a device (fixed rate): seconds (60), '15m' or 00:15:00. Default 12 s; at least 10 s, the device's limit; at most 1 day.</summary>
        [Parameter]
        [TimeSpanArgument(10, maximumSeconds: 86400, TooShortAdvice = "A Gasleser answers one request every 10 s (more often gets 429 Too Many Requests): use an -Interval of at least 10 (seconds); the default is 12.")]
        public TimeSpan Interval { get; set; } = WatchSchedule.DefaultInterval;

        /// <summary>Polls per device (each gives a reading or an error); then the watch ends.</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int Count { get; set; }

        /// <summary>How long the watch runs; polls are due only within it. Seconds (3600), '1h' or 01:00:00.</summary>
        [Parameter]
        [TimeSpanArgument(0, minimumIncluded: false)]
        public TimeSpan Duration { get; set; }

        /// <summary>How long a stopped watch waits for its device loops to unwind before it returns.</summary>
        internal override TimeSpan StopGrace => TimeSpan.FromMilliseconds(200);

        private bool Bound(string parameter) => MyInvocation.BoundParameters.ContainsKey(parameter);

        protected override void BeginProcessing()
        {
            if (Interval < DeviceTurn.Spacing)
            {
                WriteWarning($"-Interval {Interval.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s is shorter than the "
                    + $"{DeviceTurn.Spacing.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s the module leaves between the end of one request to a device and the start of the next: "
                    + "polls will be late, and now and then one will be skipped. The default, 12 s, keeps every poll on time.");
            }
        }

        protected override void ProcessRecord()
        {
            // Addresses are gathered here and watched from EndProcessing, so that all devices share one
            // start (each on its own phase after it) and a pipeline of addresses is watched as a whole.
            foreach ((DeviceEndpoint? Endpoint, string? DeviceId) device in NamedDevices())
            {
                if (_devices.Contains(device))
                {
                    WriteVerbose($"{device.Endpoint?.ToString() ?? device.DeviceId}: named more than once; watched once.");
                    continue;
                }

                _devices.Add(device);
            }
        }

        protected override void EndProcessing()
        {
            if (_devices.Count == 0)
            {
                return;
            }

            var schedule = new WatchSchedule(
                ProcessWide.Clock.Elapsed,
                Interval,
                Bound(nameof(Count)) ? Count : (int?)null,
                Bound(nameof(Duration)) ? Duration : (TimeSpan?)null);
            var output = OutputShownAs(WatchTypeName); // Get-GasleserReading's type (one CSV log takes both); the type name picks the view with the deltas
            for (int i = 0; i < _devices.Count; i++)
            {
                // Each device on its own phase (WatchSchedule.PhaseOf): a round's requests do not all leave at once.
                (DeviceEndpoint? endpoint, string? deviceId) = _devices[i];
                WatchSchedule own = schedule.ForDevice(i, _devices.Count);
                string every = $"every {Interval.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s from {ProcessWide.Clock.WallTime(own.Start).ToLocalTime():HH:mm:ss.fff}";
                DeviceWatch watch;
                if (deviceId != null)
                {
                    // By id: each poll asks the device where it answered last, and follows it when it has moved.
                    DeviceLocator locator = LocatorFor(deviceId);
                    WriteVerbose($"{deviceId}: polling it wherever it is {every}.");
                    watch = new DeviceWatch(deviceId, token => locator.ReadAsync(null, noWait: false, output, token), own, output);
                }
                else
                {
                    WriteVerbose($"{endpoint}: polling http://{endpoint!.HostHeader}/v1/data {every}.");
                    watch = new DeviceWatch(SessionRegistry.Get(endpoint), own, TimeSpan.FromSeconds(TimeoutSec), output);
                }

                RunInBackground(endpoint?.ComputerName ?? deviceId!, watch.RunAsync);
            }

            WriteUntilWorkEnds();
        }
    }
}
