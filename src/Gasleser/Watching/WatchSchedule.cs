using System;
using Gasleser.Sessions;

namespace Gasleser.Watching
{
    /// <summary>
    /// One device's fixed-rate timetable in a watch: poll k is due at <see cref="Start"/> + k × <see cref="Interval"/>,
    /// whatever the requests before it cost, so the cadence never drifts. <see cref="Start"/> is the watch's
    /// start plus the device's <see cref="Phase"/> (see <see cref="ForDevice"/>): the devices of one watch are
    /// staggered, each on its own phase at the same rate, so one round's requests do not all leave at one
    /// instant. Its times are elapsed time (<see cref="Hosting.IClock.Elapsed"/>), so a host clock stepped back
    /// or forward moves no poll.
    /// </summary>
    internal sealed class WatchSchedule
    {
        /// <summary>
        /// The default -Interval: the shortest the device reliably allows. The session never starts a
        /// request sooner than <see cref="DeviceTurn.Spacing"/> (10.5 s) after the previous exchange
        /// ended, so a fixed rate of I keeps every slot only while a request takes at most I − 10.5 s.
        /// 12 s leaves 1.5 s for the request, which is ample on a LAN (a device answers in milliseconds);
        /// a request that takes longer (up to the 5 s timeout) makes only the next poll late, and the one
        /// after it is back in its slot. 10 s, the vendor's number, would make every poll wait for the
        /// session and slowly slide until one had to be skipped.
        /// </summary>
        public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(12);

        /// <summary>
        /// How far apart the devices of one watch start: device i of n is first due at the watch's start +
        /// i × min(interval / n, PhaseStep), and keeps its own fixed rate from there (<see cref="PhaseOf"/>).
        /// Polled at one instant, a watch of hundreds of devices queued a round's requests behind the bound on
        /// exchanges in flight (<see cref="ExchangeGate.MaxExchangesInFlight"/>) and for the CPU, and most polls
        /// of a round were late (bench/Gasleser.Bench.Watch, 500 devices: p50 0.2 s, p99 0.8–0.9 s).
        /// Why a small step, not the whole interval: a watch of a few devices stays as it was (the third of
        /// three is asked 50 ms after the first, where an even spread would keep -Count 1 waiting 8 s for it).
        /// Why 25 ms, measured in that benchmark (60 s, two runs each, p99 lateness): at 500 devices a step of
        /// 0 gave 790/949 ms, 2 ms 65/57 ms, 5 ms 71/49 ms, 10 ms 38/10 ms (max 373 ms), 25 ms 9/11 ms (500 devices
        /// at 12 s: that is the even spread, 24 ms); at 100 devices 5 ms gave 68 ms, 10 ms 57 ms, 25 ms 11 ms.
        /// It also keeps the bound from queueing on a real LAN: requests leaving 25 ms apart stay under 64 in
        /// flight as long as each takes less than 64 × 25 ms = 1.6 s, more than the 1.5 s the default interval
        /// leaves a request. More devices than interval / step (480 at 12 s) are spread evenly over the interval.
        /// </summary>
        public static readonly TimeSpan PhaseStep = TimeSpan.FromMilliseconds(25);

        /// <summary>The shortest -Interval accepted: the device's own limit.</summary>
        public static TimeSpan MinimumInterval => DeviceTurn.DeviceLimit;

        /// <summary>
        /// The shortest rate a watch keeps on time: the session's spacing (10.5 s from the end of one exchange to
        /// the start of the next) and half a second for the request itself. An -Interval from
        /// <see cref="MinimumInterval"/> up to this is polled at this rate (<see cref="RateFor"/>): at exactly the
        /// spacing or below, every poll would wait for the previous one's end and the watch would slide until it
        /// skipped one.
        /// </summary>
        public static TimeSpan ShortestOnTime => DeviceTurn.Spacing + TimeSpan.FromSeconds(0.5);

        /// <summary>The rate a watch asked for <paramref name="interval"/> polls at: the interval, at least <see cref="ShortestOnTime"/>.</summary>
        public static TimeSpan RateFor(TimeSpan interval) => interval < ShortestOnTime ? ShortestOnTime : interval;

        /// <summary>The watch's timetable, as for its first device (phase 0): use <see cref="ForDevice"/> for each device.</summary>
        public WatchSchedule(TimeSpan start, TimeSpan interval, int? count, TimeSpan? duration)
        {
            if (interval < MinimumInterval)
            {
                throw new ArgumentOutOfRangeException(nameof(interval), interval, "Shorter than the device's limit.");
            }

            Start = start;
            Interval = interval;
            Count = count;
            // A -Duration past what a TimeSpan holds (say [TimeSpan]::MaxValue) is no end at all.
            End = duration.HasValue && duration.Value < TimeSpan.MaxValue - start ? start + duration.Value : (TimeSpan?)null;
        }

        private WatchSchedule(WatchSchedule watch, TimeSpan phase)
        {
            Start = watch.Start - watch.Phase + phase;
            Phase = phase;
            Interval = watch.Interval;
            Count = watch.Count;
            End = watch.End;
        }

        /// <summary>This device's first due time: the watch's start plus <see cref="Phase"/>.</summary>
        public TimeSpan Start { get; }

        /// <summary>How long after the watch's start this device's polls are due (zero for the first device).</summary>
        public TimeSpan Phase { get; }

        public TimeSpan Interval { get; }

        /// <summary>Polls per device, or null for no limit.</summary>
        public int? Count { get; }

        /// <summary>When the watch ends (-Duration), the same for every device; or null for no end.</summary>
        public TimeSpan? End { get; }

        /// <summary>
        /// The phase of device <paramref name="device"/> (from 0) of a watch of <paramref name="devices"/> at
        /// <paramref name="interval"/>: device × min(interval / devices, <see cref="PhaseStep"/>). Always less
        /// than one interval; zero for a watch of one device.
        /// </summary>
        public static TimeSpan PhaseOf(int device, int devices, TimeSpan interval)
        {
            if (devices < 1 || device < 0 || device >= devices)
            {
                throw new ArgumentOutOfRangeException(nameof(device), device, $"Not a device of a watch of {devices}.");
            }

            long step = Math.Min(interval.Ticks / devices, PhaseStep.Ticks);
            return TimeSpan.FromTicks(device * step);
        }

        /// <summary>The timetable of device <paramref name="device"/> (from 0) of <paramref name="devices"/> in this watch: the same rate, count and end, on the device's own phase.</summary>
        public WatchSchedule ForDevice(int device, int devices) => new WatchSchedule(this, PhaseOf(device, devices, Interval));

        public TimeSpan DueTime(long poll) => Start + TimeSpan.FromTicks(Interval.Ticks * poll);

        /// <summary>
        /// The poll to make after poll <paramref name="previous"/> (−1 before the first) ended at
        /// <paramref name="now"/>, or null when the watch is over (-Duration): a poll due at or after the
        /// watch's end is not made, so a device whose phase puts a poll there has one poll fewer.
        /// Normally that is previous + 1. A poll whose whole slot (from its due time to the next poll's)
        /// passed while the previous one was still running is skipped, not made late: the next poll made
        /// is the one whose slot <paramref name="now"/> is in, so a device never gets two polls in one
        /// slot and the rest keep their original due times.
        /// </summary>
        public long? NextPoll(long previous, TimeSpan now)
        {
            long next = previous + 1;
            if (DueTime(next + 1) <= now)
            {
                next = (now - Start).Ticks / Interval.Ticks;
            }

            if (End.HasValue && (DueTime(next) >= End.Value || now >= End.Value))
            {
                return null;
            }

            return next;
        }
    }
}
