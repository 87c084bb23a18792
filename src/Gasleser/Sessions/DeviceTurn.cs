using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Gasleser.Hosting;

namespace Gasleser.Sessions
{
    /// <summary>
    /// A device's turn: the 10-second rule. When the device may next be asked, who in this process is asking
    /// it now, and what its "come back later" means for the caller (the 429 policy). One per device endpoint
    /// actually contacted (address and port), whatever it was called: <c>localhost:P</c>, <c>127.0.0.1:P</c>,
    /// <c>http://127.0.0.1:P/</c> and a name resolving there share one turn, and so do endpoints that
    /// answered with the same device id (see <see cref="SessionRegistry"/>). Its times are elapsed time
    /// (<see cref="IClock.Elapsed"/>), so a wall clock that jumps moves no wait.
    /// </summary>
    internal sealed class DeviceTurn
    {
        /// <summary>The vendor's documented limit: one request every 10 seconds per device.</summary>
        public static readonly TimeSpan DeviceLimit = TimeSpan.FromSeconds(10);

        /// <summary>
        /// Added to the device limit, counted from the end of the previous exchange: the device counts
        /// from its own clock, and the official Home Assistant integration, polling at exactly 10 s,
        /// still gets a 429 every few minutes.
        /// </summary>
        public static readonly TimeSpan SafetyMargin = TimeSpan.FromSeconds(0.5);

        public static TimeSpan Spacing => DeviceLimit + SafetyMargin;

        /// <summary>How often a 503 with Retry-After (a device starting up) is waited out before giving up with RateLimited.</summary>
        public const int RetriesOnRateLimit = 2;

        /// <summary>
        /// The most requests one call sends to a device that answers 429: the first, and one retry when the device
        /// should have room again. A 429 is another client's doing (this module spaces its own requests), and on a
        /// busy device every further request is paid by that client — on a device whose rejected requests restart
        /// its window, blind retries lock both out.
        /// </summary>
        public const int MostRequestsOnRateLimit = 2;

        /// <summary>
        /// The most a command waits, in all, for a device that said "come back later" (429, or 503 with
        /// Retry-After). A device asking for more is Gasleser.RateLimited at once, saying when it will accept
        /// again: a -TimeoutSec 2 read must not sit for ten minutes.
        /// </summary>
        public static readonly TimeSpan LongestWaitOut = TimeSpan.FromSeconds(60);

        /// <summary>The longest -TimeoutSec any command takes.</summary>
        public static readonly TimeSpan LongestTimeout = TimeSpan.FromSeconds(300);

        /// <summary>
        /// The furthest ahead any process legitimately claims a device in a slot file: a request's timeout,
        /// then the spacing, or a device's wait-out. A claim further ahead is corrupt (a wrong clock, a
        /// planted file) and is taken over.
        /// </summary>
        public static TimeSpan LongestClaim => LongestTimeout + Spacing + LongestWaitOut;

        private readonly object _state = new object();
        private readonly List<string> _names = new List<string>();
        private TimeSpan? _lastRequest;
        private TimeSpan? _nextAllowed;

        public DeviceTurn(string key, SlotFile? slotFile, IClock clock)
        {
            Key = key;
            SlotFile = slotFile;
            Clock = clock;
            Neighbour = new Neighbour(slotFile?.FilePath, clock);
        }

        /// <summary>What this user's processes have seen of another client using the device (its 429s).</summary>
        public Neighbour Neighbour { get; }

        /// <summary>The clock the turn's times are on; they mean nothing on another one (a test installs its own).</summary>
        public IClock Clock { get; }

        /// <summary>The endpoint the turn was made for, e.g. "127.0.0.1:20001".</summary>
        public string Key { get; }

        /// <summary>Held by the one request to the device in flight from this process.</summary>
        public SemaphoreSlim Asking { get; } = new SemaphoreSlim(1, 1);

        /// <summary>Where other processes of this user meet this device's turn; null when that is off.</summary>
        public SlotFile? SlotFile { get; }

        public TimeSpan? LastRequest { get { lock (_state) { return _lastRequest; } } }

        public TimeSpan? NextAllowed { get { lock (_state) { return _nextAllowed; } } }

        /// <summary>The names (normalised, as users gave them) whose sessions share this turn.</summary>
        public IReadOnlyList<string> Names { get { lock (_state) { return _names.ToArray(); } } }

        public void AddName(string name)
        {
            lock (_state)
            {
                if (!_names.Contains(name, StringComparer.OrdinalIgnoreCase))
                {
                    _names.Add(name);
                }
            }
        }

        /// <summary>A request to the device starts now; returns when the previous one started, for <see cref="NotSent"/>.</summary>
        public TimeSpan? Started()
        {
            lock (_state)
            {
                TimeSpan? previous = _lastRequest;
                _lastRequest = Clock.Elapsed;
                return previous;
            }
        }

        /// <summary>
        /// The request that <see cref="Started"/> never left this computer (the connection was refused or not
        /// accepted): the device saw nothing, so its turn is as it was before.
        /// </summary>
        public void NotSent(TimeSpan? previousStart)
        {
            lock (_state)
            {
                _lastRequest = previousStart;
            }
        }

        /// <summary>An exchange ended: whatever its outcome, the request may have reached the device, so the next one waits the spacing.</summary>
        public TimeSpan Ended() => NotBefore(Clock.Elapsed + Spacing);

        /// <summary>Moves the next allowed start to <paramref name="earliest"/> unless it is already later; returns it.</summary>
        public TimeSpan NotBefore(TimeSpan earliest)
        {
            lock (_state)
            {
                if (_nextAllowed == null || _nextAllowed < earliest)
                {
                    _nextAllowed = earliest;
                }

                return _nextAllowed.Value;
            }
        }

        /// <summary>True when the device may be asked now.</summary>
        public bool IsDue => !(NextAllowed > Clock.Elapsed);

        /// <summary>
        /// Waits until the device may be asked (at once when it may). With <paramref name="noWait"/>, or when the
        /// device asked for more than <see cref="LongestWaitOut"/>, fails with RateLimited instead.
        /// </summary>
        public async Task WaitAsync(string name, bool noWait, Action<string>? verbose, CancellationToken cancellationToken)
        {
            TimeSpan? next = NextAllowed;
            TimeSpan wait = next.HasValue ? next.Value - Clock.Elapsed : TimeSpan.Zero;
            if (wait <= TimeSpan.Zero)
            {
                return;
            }

            DateTimeOffset at = Clock.WallTime(next!.Value);
            if (noWait)
            {
                throw ExchangeCauses.NotDueNoWait(name, at, wait);
            }

            if (wait > LongestWaitOut)
            {
                throw ExchangeCauses.AskedForTooLong(name, at, wait, LongestWaitOut);
            }

            verbose?.Invoke($"{name}: waiting {Seconds(wait)} s for the device's turn: it allows one request every {DeviceLimit.TotalSeconds:0} s, and this process asked it last at {WallTime(LastRequest)?.ToLocalTime():HH:mm:ss}{AlsoKnownAs(name)}.");
            await Clock.DelayUntilAsync(next.Value, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// The device's "come back later" to be waited out within <see cref="LongestWaitOut"/>: a 429, or a 503 with
        /// Retry-After (a device starting up). Null for any other failure.
        /// </summary>
        public static ComeBackLater? AsksToComeBackLater(Exception ex) => ex switch
        {
            DeviceBusyException busy => new ComeBackLater(busy.RetryAfter, "429 Too Many Requests", "another client is polling it", isRateLimit: true),
            GasleserDeviceErrorException { StatusCode: 503, RetryAfter: TimeSpan wait } => new ComeBackLater(wait, "503 Service Unavailable", "it is starting up or busy"),
            _ => null,
        };

        /// <summary>
        /// Before a call asks: while another client is known to leave the device no room, a call that does not
        /// insist (<see cref="WhenSaturated.FailAtOnce"/>) fails at once, sending nothing: its request would fail
        /// and cost that client its reading. Returns how many requests the call may send if the device answers 429.
        /// </summary>
        public int RequestsAllowedOnRateLimit(string name, WhenSaturated whenSaturated)
        {
            NeighbourEstimate neighbour = Neighbour.Estimate();
            if (!neighbour.Saturated)
            {
                return MostRequestsOnRateLimit;
            }

            if (whenSaturated == WhenSaturated.FailAtOnce)
            {
                DateTimeOffset askAgain = neighbour.LastRejected!.Value + Neighbour.SaturationMemory;
                throw ExchangeCauses.KeptBusyNotAsked(name, neighbour.IntervalText, neighbour.Evidence, askAgain, MostRequestsOnRateLimit, neighbour.Interval);
            }

            return whenSaturated == WhenSaturated.AskOnce ? 1 : MostRequestsOnRateLimit;
        }

        /// <summary>
        /// The device said "come back later": its window (its Retry-After, at least the spacing) starts now.
        /// Returns the window to wait before the next try of a command that made <paramref name="attempt"/> + 1
        /// tries and spent <paramref name="waitedOut"/> on the device so far (its turn, its exchanges, earlier windows); throws RateLimited when it must not try again
        /// (its requests spent — <paramref name="requestsAllowed"/> for a 429 — -NoWait, or more than
        /// <see cref="LongestWaitOut"/> in all). A RateLimited after a 429 names the other client and its rhythm.
        /// </summary>
        public TimeSpan ComeBackLaterFor(ComeBackLater answer, string name, int attempt, TimeSpan waitedOut, bool noWait, int requestsAllowed = MostRequestsOnRateLimit)
        {
            TimeSpan window = StartWindow(answer.RetryAfter);
            DateTimeOffset acceptsAt = Clock.WallTime(Clock.Elapsed + window);
            if (waitedOut + window > LongestWaitOut)
            {
                throw ExchangeCauses.WindowTooLong(name, answer.Answer, answer.IsRateLimit, acceptsAt, window, waitedOut, LongestWaitOut, WallTime(NextAllowed));
            }

            bool spent = answer.IsRateLimit ? attempt + 1 >= requestsAllowed : attempt >= RetriesOnRateLimit;
            if (spent || noWait)
            {
                if (answer.IsRateLimit)
                {
                    NeighbourEstimate neighbour = Neighbour.Estimate();
                    throw ExchangeCauses.KeptBusyAfterAnswers(name, answer.Answer, attempt + 1, neighbour.IntervalText, neighbour.Saturated, neighbour.Evidence,
                        acceptsAt, window, WallTime(NextAllowed), neighbour.Interval);
                }

                throw ExchangeCauses.StillUnavailable(name, answer.Answer, attempt + 1, answer.Why, acceptsAt, window, WallTime(NextAllowed));
            }

            return window;
        }

        /// <summary>The device's window after a "come back later": its Retry-After, at least the spacing, from now.</summary>
        public TimeSpan StartWindow(TimeSpan? retryAfter)
        {
            TimeSpan window = retryAfter > Spacing ? retryAfter.Value : Spacing;
            NotBefore(Clock.Elapsed + window);
            return window;
        }

        /// <summary>", also known here as localhost:20001" when the device has other names in this process than <paramref name="name"/>.</summary>
        public string AlsoKnownAs(string name)
        {
            string[] others = Names.Where(n => !string.Equals(n, name, StringComparison.OrdinalIgnoreCase)).ToArray();
            return others.Length == 0 ? "" : " (also known here as " + string.Join(", ", others) + ")";
        }

        /// <summary>The wall-clock label of a time on this turn's clock.</summary>
        public DateTimeOffset? WallTime(TimeSpan? elapsed) => elapsed.HasValue ? Clock.WallTime(elapsed.Value) : (DateTimeOffset?)null;

        public static string Seconds(TimeSpan span) => ExchangeCauses.Seconds(span);
    }

    /// <summary>A device's "come back later": how long it asked for (if it said), and words for messages.</summary>
    internal sealed class ComeBackLater
    {
        public ComeBackLater(TimeSpan? retryAfter, string answer, string why, bool isRateLimit = false)
        {
            RetryAfter = retryAfter;
            Answer = answer;
            Why = why;
            IsRateLimit = isRateLimit;
        }

        /// <summary>A 429: another client's doing, with the bound of <see cref="DeviceTurn.MostRequestsOnRateLimit"/>.</summary>
        public bool IsRateLimit { get; }

        public TimeSpan? RetryAfter { get; }

        /// <summary>The status, e.g. "429 Too Many Requests".</summary>
        public string Answer { get; }

        /// <summary>Why a device says it, e.g. "another client is polling it".</summary>
        public string Why { get; }
    }

    /// <summary>What a call does while another client is known to leave the device no room.</summary>
    internal enum WhenSaturated
    {
        /// <summary>Get-GasleserReading: fail at once with RateLimited, sending nothing.</summary>
        FailAtOnce,
        /// <summary>A watch's poll: one request, no retry.</summary>
        AskOnce,
        /// <summary>Get-GasleserReading -Force: ask anyway, within the usual bound of requests.</summary>
        TryAnyway,
    }
}
