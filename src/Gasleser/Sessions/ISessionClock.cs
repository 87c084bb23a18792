using System;
using System.Threading;
using System.Threading.Tasks;

namespace Gasleser.Sessions
{
    /// <summary>
    /// Where the sessions take the time from. The module uses the wall clock; tests and simulations
    /// install a clock they control (see <see cref="SessionRegistry.Clock"/>), so 10-second windows
    /// pass without being slept through.
    /// (A small interface of our own rather than System.TimeProvider: on netstandard2.0 that type comes
    /// from a back-port assembly that is not the in-box type of .NET 8+, so a host and the module could
    /// disagree about it.)
    /// </summary>
    public interface ISessionClock
    {
        DateTimeOffset UtcNow { get; }

        /// <summary>Completes after <paramref name="delay"/> of this clock's time, or is cancelled.</summary>
        Task Delay(TimeSpan delay, CancellationToken cancellationToken);
    }

    public static class SessionClockExtensions
    {
        /// <summary>
        /// Completes once this clock reads <paramref name="when"/> or later. A timer can fire a fraction of a
        /// millisecond before the wall clock gets there (a 10.5 s wait measured 10.499 s); this waits out the
        /// rest, a millisecond at a time, so a slot is never taken early.
        /// </summary>
        public static async Task DelayUntilAsync(this ISessionClock clock, DateTimeOffset when, CancellationToken cancellationToken)
        {
            TimeSpan wait;
            while ((wait = when - clock.UtcNow) > TimeSpan.Zero)
            {
                await clock.Delay(wait < OneMillisecond ? OneMillisecond : wait, cancellationToken).ConfigureAwait(false);
            }
        }

        private static readonly TimeSpan OneMillisecond = TimeSpan.FromMilliseconds(1);
    }

    /// <summary>The wall clock.</summary>
    public sealed class SystemSessionClock : ISessionClock
    {
        public static readonly SystemSessionClock Instance = new SystemSessionClock();

        public DateTimeOffset UtcNow => DateTimeOffset.UtcNow;

        public Task Delay(TimeSpan delay, CancellationToken cancellationToken) =>
            delay <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(delay, cancellationToken);
    }
}
