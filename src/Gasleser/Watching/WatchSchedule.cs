using System;
using Gasleser.Sessions;

namespace Gasleser.Watching
{
    /// <summary>
    /// A watch's fixed-rate timetable: poll k is due at <see cref="Start"/> + k × <see cref="Interval"/>,
    /// whatever the requests before it cost, so the cadence never drifts. Shared by every device of one
    /// watch; each device keeps its own place in it. Its times are elapsed time (<see cref="Hosting.IClock.Elapsed"/>),
    /// so a host clock stepped back or forward moves no poll.
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

        /// <summary>The shortest -Interval accepted: the device's own limit.</summary>
        public static TimeSpan MinimumInterval => DeviceTurn.DeviceLimit;

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

        public TimeSpan Start { get; }

        public TimeSpan Interval { get; }

        /// <summary>Polls per device, or null for no limit.</summary>
        public int? Count { get; }

        /// <summary>When the watch ends (-Duration), or null for no end.</summary>
        public TimeSpan? End { get; }

        public TimeSpan DueTime(long poll) => Start + TimeSpan.FromTicks(Interval.Ticks * poll);

        /// <summary>
        /// The poll to make after poll <paramref name="previous"/> (−1 before the first) ended at
        /// <paramref name="now"/>, or null when the watch is over (-Duration).
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
