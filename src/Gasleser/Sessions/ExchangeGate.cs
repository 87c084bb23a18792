using System;
using System.Threading;
using System.Threading.Tasks;
using Gasleser.Hosting;

namespace Gasleser.Sessions
{
    /// <summary>
    /// The gate every exchange of a command passes: one of this process's <see cref="MaxExchangesInFlight"/>
    /// permits, and, machine-wide, the device's slot file, where the other processes of this user (a
    /// scheduled task, another shell) meet the device's turn. While another process holds the device, the
    /// wait looks at the file again every <see cref="ClaimRecheck"/>, so a holder that finishes early is noticed
    /// and its real end (plus the spacing) is waited for, not its pessimistic claim.
    /// </summary>
    internal static class ExchangeGate
    {
        /// <summary>
        /// At most this many exchanges are in flight at once in this process; the rest queue in order.
        /// 1 500 names at once would otherwise open 1 500 sockets and run out of file descriptors (1 024 by
        /// default on Linux, 256 on macOS), which looks like 1 500 broken devices.
        /// </summary>
        public const int MaxExchangesInFlight = 64;

        private static readonly SemaphoreSlim Permits = new SemaphoreSlim(MaxExchangesInFlight, MaxExchangesInFlight);

        /// <summary>How often a command waiting for another process looks at the slot file again.</summary>
        private static readonly TimeSpan ClaimRecheck = TimeSpan.FromMilliseconds(250);

        /// <summary>
        /// Returns holding a permit and the device's claim (until the exchange's <paramref name="timeout"/> and the
        /// spacing after it); disposing the result gives the permit back. With <paramref name="noWait"/>, a device
        /// another process holds is RateLimited instead of waited for.
        /// </summary>
        public static async Task<IDisposable> EnterAsync(DeviceTurn turn, string name, TimeSpan timeout, bool noWait, Action<string>? verbose, CancellationToken cancellationToken)
        {
            IClock clock = turn.Clock;
            DateTimeOffset? toldUntil = null;
            while (true)
            {
                await Permits.WaitAsync(cancellationToken).ConfigureAwait(false);
                if (turn.SlotFile == null)
                {
                    return new Permit();
                }

                DateTimeOffset now = clock.UtcNow;
                DateTimeOffset? busyUntil = turn.SlotFile.TryClaim(now, now + timeout + DeviceTurn.Spacing, DeviceTurn.LongestClaim, verbose);
                if (busyUntil == null)
                {
                    return new Permit();
                }

                Permits.Release();
                TimeSpan wait = busyUntil.Value - now;
                if (noWait)
                {
                    throw ExchangeCauses.AskedByAnotherProcess(name, busyUntil.Value, wait, turn.WallTime(turn.NextAllowed));
                }

                if (busyUntil != toldUntil)
                {
                    verbose?.Invoke(toldUntil == null
                        ? $"{name}: another process on this machine is asking the device; waiting up to {DeviceTurn.Seconds(wait)} s for its turn."
                        : $"{name}: the other process is done with the device; its turn ends in {DeviceTurn.Seconds(wait)} s.");
                    toldUntil = busyUntil;
                }

                await clock.Delay(wait < ClaimRecheck ? wait : ClaimRecheck, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// Claims the device for one probe without waiting and without a permit (Find-Gasleser bounds its probes
        /// itself), only where a slot file exists: a sweep's silent addresses get none. Returns null when claimed,
        /// otherwise when another process's turn at the device ends.
        /// </summary>
        public static DateTimeOffset? TryClaimForProbe(DeviceTurn turn, TimeSpan timeout)
        {
            DateTimeOffset now = turn.Clock.UtcNow;
            return turn.SlotFile?.TryClaim(now, now + timeout + DeviceTurn.Spacing, DeviceTurn.LongestClaim, verbose: null, onlyIfPresent: true);
        }

        /// <summary>
        /// Tells the other processes when the device may next be asked (<see cref="DeviceTurn.NextAllowed"/>), no
        /// further ahead than a legitimate claim: beyond it they would take the file for corrupt. With
        /// <paramref name="onlyIfPresent"/> no slot file is made where none is.
        /// </summary>
        public static void Release(DeviceTurn turn, Action<string>? verbose, bool onlyIfPresent = false)
        {
            if (turn.SlotFile == null)
            {
                return;
            }

            // A device never asked (the one request never left) is free now: the claim made for it is withdrawn.
            IClock clock = turn.Clock;
            TimeSpan next = turn.NextAllowed ?? clock.Elapsed;
            TimeSpan told = next - clock.Elapsed < DeviceTurn.LongestClaim ? next : clock.Elapsed + DeviceTurn.LongestClaim;
            turn.SlotFile.Release(clock.WallTime(told), verbose, onlyIfPresent);
        }

        private sealed class Permit : IDisposable
        {
            private int _released;

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _released, 1) == 0)
                {
                    Permits.Release();
                }
            }
        }
    }
}
