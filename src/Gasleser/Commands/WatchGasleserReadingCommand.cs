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

        /// <summary>Time between polls of a device (fixed rate): seconds (60), '15m' or 00:15:00. Default 12 s; at least 10 s, the device's limit (under 11 s is polled every 11 s, the shortest rate kept on time); at most 1 day.</summary>
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
            if (Rate != Interval)
            {
                WriteVerbose($"-Interval {Seconds(Interval)} s: the module leaves {Seconds(DeviceTurn.Spacing)} s between the end of one request to a device and the start of the next, "
                    + $"so a watch polls at most every {Seconds(Rate)} s, which keeps every poll on time; polling every {Seconds(Rate)} s.");
            }
        }

        /// <summary>What the watch polls at: -Interval, or the shortest rate a watch keeps on time (<see cref="WatchSchedule.RateFor"/>).</summary>
        private TimeSpan Rate => WatchSchedule.RateFor(Interval);

        private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

        protected override void ProcessRecord()
        {
            // Addresses are gathered here and watched from EndProcessing, so that all devices share one
            // start (each on its own phase after it) and a pipeline of addresses is watched as a whole.
            foreach ((DeviceEndpoint? Endpoint, string? DeviceId) device in NamedDevices())
            {
                // A device by id is one device wherever it is named to be (rows of one log name it at several addresses).
                if (device.DeviceId != null ? _devices.Exists(d => d.DeviceId == device.DeviceId) : _devices.Contains(device))
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
                Rate,
                Bound(nameof(Count)) ? Count : (int?)null,
                Bound(nameof(Duration)) ? Duration : (TimeSpan?)null);
            var output = OutputShownAs(WatchTypeName); // Get-GasleserReading's type (one CSV log takes both); the type name picks the view with the deltas
            for (int i = 0; i < _devices.Count; i++)
            {
                // Each device on its own phase (WatchSchedule.PhaseOf): a round's requests do not all leave at once.
                (DeviceEndpoint? endpoint, string? deviceId) = _devices[i];
                WatchSchedule own = schedule.ForDevice(i, _devices.Count);
                string every = $"every {Seconds(Rate)} s from {ProcessWide.Clock.WallTime(own.Start).ToLocalTime():HH:mm:ss.fff}";
                DeviceWatch watch;
                if (deviceId != null)
                {
                    // By id: each poll asks the device where it answered last, and follows it when it has moved.
                    DeviceLocator locator = LocatorFor(deviceId, endpoint);
                    WriteVerbose($"{deviceId}: polling it wherever it is {every}.");
                    watch = new DeviceWatch(deviceId, token => locator.ReadAsync(null, noWait: false, output, token, WhenSaturated.AskOnce), own, output);
                }
                else
                {
                    WriteVerbose($"{endpoint}: polling http://{endpoint!.HostHeader}/v1/data {every}.");
                    watch = new DeviceWatch(SessionRegistry.Get(endpoint), own, TimeSpan.FromSeconds(TimeoutSec), output);
                }

                RunInBackground(deviceId ?? endpoint!.ComputerName, watch.RunAsync);
            }

            WriteUntilWorkEnds();
        }
    }
}
