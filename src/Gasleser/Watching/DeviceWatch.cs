using System;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Gasleser.Sessions;
using Gasleser.Hosting;

namespace Gasleser.Watching
{
    /// <summary>
    /// Watches one device: polls it through its shared session on its own fixed-rate schedule (the watch's
    /// rate, on this device's phase: see <see cref="WatchSchedule.ForDevice"/>),
    /// adds the consumption deltas, and reports every poll as a reading or an error. A failed poll ends
    /// nothing: the next one keeps its slot, so a device that comes back is simply read again.
    /// Every wait is on <see cref="ProcessWide.Clock"/> and ends at once when the watch is cancelled.
    /// </summary>
    internal sealed class DeviceWatch
    {
        private readonly DeviceSession _session;
        private readonly WatchSchedule _schedule;
        private readonly TimeSpan _timeout;
        private readonly ICommandOutput _output;
        private readonly ConsumptionTracker _tracker = new ConsumptionTracker();

        public DeviceWatch(DeviceSession session, WatchSchedule schedule, TimeSpan timeout, ICommandOutput output)
        {
            _session = session;
            _schedule = schedule;
            _timeout = timeout;
            _output = output;
        }

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            string name = _session.Endpoint.ComputerName;
            long poll = -1;
            int made = 0;
            while (_schedule.Count == null || made < _schedule.Count.Value)
            {
                IClock clock = ProcessWide.Clock;
                TimeSpan now = clock.Elapsed;
                long? next = _schedule.NextPoll(poll, now);
                if (next == null)
                {
                    // -Duration: the watch lasts its whole span, even when its last poll came earlier.
                    await clock.Delay(_schedule.End!.Value - now, cancellationToken).ConfigureAwait(false);
                    return;
                }

                if (next.Value > poll + 1)
                {
                    _output.WriteWarning($"{name}: skipped {next.Value - poll - 1} poll(s) due {Time(clock, _schedule.DueTime(poll + 1))}"
                        + (next.Value - poll > 2 ? $" to {Time(clock, _schedule.DueTime(next.Value - 1))}" : "")
                        + $": the previous poll ran until {Time(clock, now)}, past their whole slot(s). The next poll is the one due {Time(clock, _schedule.DueTime(next.Value))}.");
                }

                poll = next.Value;
                TimeSpan due = _schedule.DueTime(poll);
                if (due > now)
                {
                    await clock.DelayUntilAsync(due, cancellationToken).ConfigureAwait(false);
                }
                else if (due < now && made > 0)
                {
                    // The first poll is due at the watch's start (plus its phase), which setting the watch up passes by
                    // a few milliseconds: that is no lateness a user needs to hear of.
                    _output.WriteVerbose($"{name}: poll {poll + 1} is {Seconds(now - due)} s late (the previous one ended at {Time(clock, now)}).");
                }

                made++;
                try
                {
                    GasleserReading reading = await _session.ReadAsync(_timeout, maxAge: null, noWait: false, _output, cancellationToken).ConfigureAwait(false);
                    KnownDevices.Remember(reading);
                    _output.WriteObject(_tracker.Annotate(reading, _output.WriteWarning));
                }
                catch (GasleserException error)
                {
                    _output.WriteError(error);
                }
            }
        }

        private static string Time(IClock clock, TimeSpan at) => clock.WallTime(at).ToLocalTime().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);

        private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.0##", CultureInfo.InvariantCulture);
    }
}
