using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace Gasleser.Hosting
{
    /// <summary>
    /// Where the sessions take the time from: two clocks, kept apart on purpose.
    /// <see cref="Elapsed"/> is monotonic and drives everything that waits — spacing, waits for a turn, 429
    /// wait-outs, a watch's cadence — so a host clock stepped back or forward changes no wait.
    /// <see cref="UtcNow"/> is the wall clock: it only labels (readings, messages) and goes into the slot
    /// files other processes read. The module uses the system's clocks; tests and simulations install
    /// a clock they control (see <see cref="ProcessWide.Clock"/>), so 10-second windows pass without
    /// being slept through, and the wall clock can be stepped on its own.
    /// (A small interface of our own rather than System.TimeProvider: on netstandard2.0 that type comes
    /// from a back-port assembly that is not the in-box type of .NET 8+, so a host and the module could
    /// disagree about it.)
    /// </summary>
    internal interface IClock
    {
        /// <summary>The wall clock (UTC): for labels and slot files only, never for a wait.</summary>
        DateTimeOffset UtcNow { get; }

        /// <summary>Monotonic time since an arbitrary start: never jumps, never goes back.</summary>
        TimeSpan Elapsed { get; }

        /// <summary>Completes after <paramref name="delay"/> of <see cref="Elapsed"/> time, or is cancelled.</summary>
        Task Delay(TimeSpan delay, CancellationToken cancellationToken);
    }

    internal static class ClockExtensions
    {
        /// <summary>
        /// Completes once <see cref="IClock.Elapsed"/> reads <paramref name="due"/> or later. A timer can
        /// fire a fraction of a millisecond early (a 10.5 s wait measured 10.499 s); this waits out the rest,
        /// a millisecond at a time, so a turn is never taken early.
        /// </summary>
        public static async Task DelayUntilAsync(this IClock clock, TimeSpan due, CancellationToken cancellationToken)
        {
            TimeSpan wait;
            while ((wait = due - clock.Elapsed) > TimeSpan.Zero)
            {
                await clock.Delay(wait < OneMillisecond ? OneMillisecond : wait, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>The wall-clock label of a moment on the elapsed clock (for messages and slot files).</summary>
        public static DateTimeOffset WallTime(this IClock clock, TimeSpan elapsed) => clock.UtcNow + (elapsed - clock.Elapsed);

        private static readonly TimeSpan OneMillisecond = TimeSpan.FromMilliseconds(1);
    }

    /// <summary>The system's clocks: a stopwatch for elapsed time, the wall clock for labels.</summary>
    internal sealed class SystemClock : IClock
    {
        public static readonly SystemClock Instance = new SystemClock();

        private readonly Stopwatch _elapsed = Stopwatch.StartNew();

        public DateTimeOffset UtcNow => DateTimeOffset.UtcNow;

        public TimeSpan Elapsed => _elapsed.Elapsed;

        // Task.Delay's timers run on the system's monotonic tick count, not the wall clock. It refuses
        // more than about 24 days; a longer wait ends early and DelayUntilAsync waits again.
        public Task Delay(TimeSpan delay, CancellationToken cancellationToken) =>
            delay <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(delay < LongestTimer ? delay : LongestTimer, cancellationToken);

        private static readonly TimeSpan LongestTimer = TimeSpan.FromDays(1);
    }
}
