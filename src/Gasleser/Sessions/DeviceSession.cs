using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Gasleser.Hosting;

namespace Gasleser.Sessions
{
    /// <summary>
    /// The one place that knows when a device may next be asked. One per device name as the user gave it
    /// (normalised), shared by every cmdlet and runspace in the process (see <see cref="SessionRegistry"/>);
    /// every name of one device shares that device's <see cref="DeviceTurn"/>. Requests to the device go
    /// through <see cref="ReadAsync"/> one at a time, each starting no sooner than <see cref="Spacing"/>
    /// after the previous exchange ended. Every wait runs on elapsed time, and none is longer than
    /// <see cref="LongestWaitOut"/> for the device's own "come back later".
    /// </summary>
    internal sealed class DeviceSession
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

        /// <summary>How often a 429 caused by another client is waited out before giving up with RateLimited.</summary>
        public const int RetriesOnRateLimit = 2;

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

        /// <summary>How often a process waiting for another one looks at the slot file again (the holder may finish early).</summary>
        private static readonly TimeSpan SlotFileRecheck = TimeSpan.FromMilliseconds(250);

        /// <summary>
        /// At most this many exchanges are in flight at once in this process; the rest queue in order.
        /// 1 500 names at once would otherwise open 1 500 sockets and run out of file descriptors (1 024 by
        /// default on Linux, 256 on macOS), which looks like 1 500 broken devices.
        /// </summary>
        public const int MaxExchangesInFlight = 64;

        private static readonly SemaphoreSlim ExchangeSlots = new SemaphoreSlim(MaxExchangesInFlight, MaxExchangesInFlight);

        private readonly object _state = new object();
        private GasleserReading? _lastReading;
        private TimeSpan? _lastReadingAt;
        private long _requests;
        private long _rateLimitedAnswers;
        private ExchangeOutcome _lastOutcome;
        private volatile bool _askedByCommand;
        private volatile DeviceTurn? _turn;

        internal DeviceSession(DeviceEndpoint endpoint, Func<IClock> clock)
        {
            Endpoint = endpoint;
            _clock = clock;
        }

        private readonly Func<IClock> _clock;

        public DeviceEndpoint Endpoint { get; }

        private IClock Clock => _clock();

        /// <summary>When the last request to the device started, by any of its names (wall-clock label, UTC).</summary>
        public DateTimeOffset? LastRequest => WallTime(_turn?.LastRequest);

        /// <summary>The earliest time the next request may start (wall-clock label, UTC); null before the first.</summary>
        public DateTimeOffset? NextAllowed => WallTime(_turn?.NextAllowed);

        /// <summary>The names of this device that share its turn, this one included (just this one until the device was first asked).</summary>
        public IReadOnlyList<string> NamesSharingTurn => _turn?.Names ?? new[] { Endpoint.ComputerName };

        /// <summary>The last good reading, and when it arrived (wall-clock label).</summary>
        public GasleserReading? LastReading { get { lock (_state) { return _lastReading; } } }

        public DateTimeOffset? LastReadingAt { get { lock (_state) { return WallTime(_lastReadingAt); } } }

        /// <summary>How long ago the last good reading arrived (elapsed time).</summary>
        public TimeSpan? LastReadingAge { get { lock (_state) { return Clock.Elapsed - _lastReadingAt; } } }

        /// <summary>
        /// True when this process knows something of a device here: a command read it (or tried to), or a
        /// discovery probe got a reading or a 429. False for an address a sweep probed where nothing
        /// answered like a Gasleser.
        /// </summary>
        public bool Known { get { lock (_state) { return _askedByCommand || _lastReading != null || Interlocked.Read(ref _rateLimitedAnswers) > 0; } } }

        /// <summary>Requests sent to the device by this process.</summary>
        public long Requests => Interlocked.Read(ref _requests);

        /// <summary>429 answers the device gave this process.</summary>
        public long RateLimitedAnswers => Interlocked.Read(ref _rateLimitedAnswers);

        /// <summary>
        /// Returns a reading: from the cache when <paramref name="maxAge"/> allows, otherwise by asking
        /// the device once its slot has come (waiting for it unless <paramref name="noWait"/>).
        /// </summary>
        public async Task<GasleserReading> ReadAsync(
            TimeSpan timeout,
            TimeSpan? maxAge,
            bool noWait,
            ICommandOutput output,
            CancellationToken cancellationToken)
        {
            Action<string> verbose = output.WriteVerbose;
            string name = Endpoint.ComputerName;
            if (TryGetCached(maxAge, out GasleserReading? cached))
            {
                verbose?.Invoke($"{name}: answered from the session's reading of {Age()} ago (within -MaxAge).");
                return cached!;
            }

            DeviceTurn turn = await TurnAsync(timeout, cancellationToken).ConfigureAwait(false);
            if (!turn.Asking.Wait(0))
            {
                if (noWait)
                {
                    throw RateLimited($"{name} is being asked by another command in this process right now{AlsoKnownAs(turn)}; -NoWait does not wait for it.");
                }

                verbose?.Invoke($"{name}: waiting for another request to the same device{AlsoKnownAs(turn)} to finish.");
                await turn.Asking.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            GasleserReading? reading = null;
            try
            {
                // Whoever held the turn may have just fetched a reading fresh enough for this caller.
                if (TryGetCached(maxAge, out cached))
                {
                    return cached!;
                }

                TimeSpan waitedOut = TimeSpan.Zero;
                for (int attempt = 0; ; attempt++)
                {
                    // After a "come back later" the wait was announced with its reason; it is not told twice.
                    await WaitForSlotAsync(turn, noWait, attempt == 0 ? verbose : null, cancellationToken).ConfigureAwait(false);
                    await TakeExchangeSlotAsync(turn, timeout, noWait, verbose, cancellationToken).ConfigureAwait(false);
                    try
                    {
                        verbose?.Invoke($"{name}: asking http://{Endpoint.HostHeader}/v1/data (timeout {timeout.TotalSeconds:0.###} s).");
                        reading = await ExchangeAsync(turn, timeout, verbose, probe: false, cancellationToken).ConfigureAwait(false);
                        return reading;
                    }
                    catch (Exception ex) when (AsksToComeBackLater(ex, out TimeSpan? retryAfter, out string answer, out string why))
                    {
                        TimeSpan window = RecordComeBackLater(turn, retryAfter, counts429: ex is DeviceBusyException, verbose);
                        string when = $"It will accept requests again at {Clock.WallTime(Clock.Elapsed + window).ToLocalTime():HH:mm:ss} (in {Seconds(window)} s).";
                        if (waitedOut + window > LongestWaitOut)
                        {
                            throw RateLimited($"{name} answered {answer}. {when} That is longer than the {LongestWaitOut.TotalSeconds:0} s a command waits out: try again then.");
                        }

                        if (attempt >= RetriesOnRateLimit || noWait)
                        {
                            throw RateLimited($"{name} answered {answer} {attempt + 1} time(s): {why}. {when}");
                        }

                        waitedOut += window;
                        verbose?.Invoke($"{name}: answered {answer} ({why}); waiting its {Seconds(window)} s window, then retrying ({attempt + 1} of {RetriesOnRateLimit}).");
                    }
                    finally
                    {
                        ExchangeSlots.Release();
                    }
                }
            }
            finally
            {
                turn.Asking.Release();
                if (reading != null && !string.IsNullOrEmpty(reading.DeviceId))
                {
                    ShareTurnOfDevice(turn, reading.DeviceId);
                }
            }
        }

        /// <summary>
        /// The device's "come back later", waited out within <see cref="LongestWaitOut"/>: a 429, or a 503 with
        /// Retry-After (a device starting up). <paramref name="answer"/> and <paramref name="why"/> are for messages.
        /// </summary>
        private static bool AsksToComeBackLater(Exception ex, out TimeSpan? retryAfter, out string answer, out string why)
        {
            (retryAfter, answer, why) = ex switch
            {
                DeviceBusyException busy => (busy.RetryAfter, "429 Too Many Requests", "another client is polling it"),
                GasleserDeviceErrorException { StatusCode: 503, RetryAfter: TimeSpan wait } => (wait, "503 Service Unavailable", "it is starting up or busy"),
                _ => ((TimeSpan?)null, "", ""),
            };
            return answer.Length > 0;
        }

        // The device's window (its Retry-After, at least our spacing) starts now, here and machine-wide.
        private TimeSpan RecordComeBackLater(DeviceTurn turn, TimeSpan? retryAfter, bool counts429, Action<string>? verbose)
        {
            if (counts429)
            {
                Interlocked.Increment(ref _rateLimitedAnswers);
            }

            TimeSpan window = retryAfter > Spacing ? retryAfter.Value : Spacing;
            TimeSpan next = turn.NotBefore(Clock.Elapsed + window);
            // Other processes are told no more than a legitimate claim: beyond it they would take the file for corrupt.
            TimeSpan told = next - Clock.Elapsed < LongestClaim ? next : Clock.Elapsed + LongestClaim;
            turn.MachineWide?.Release(Clock.WallTime(told), verbose);
            return window;
        }

        private async Task WaitForSlotAsync(DeviceTurn turn, bool noWait, Action<string>? verbose, CancellationToken cancellationToken)
        {
            TimeSpan? next = turn.NextAllowed;
            TimeSpan wait = next.HasValue ? next.Value - Clock.Elapsed : TimeSpan.Zero;
            if (wait <= TimeSpan.Zero)
            {
                return;
            }

            string at = $"{Clock.WallTime(next!.Value).ToLocalTime():HH:mm:ss} (in {Seconds(wait)} s)";
            if (noWait)
            {
                throw RateLimited($"{Endpoint.ComputerName} may next be asked at {at}; -NoWait does not wait.");
            }

            if (wait > LongestWaitOut)
            {
                throw RateLimited($"{Endpoint.ComputerName} asked not to be asked before {at}, longer than the {LongestWaitOut.TotalSeconds:0} s a command waits out: try again then.");
            }

            verbose?.Invoke($"{Endpoint.ComputerName}: waiting {Seconds(wait)} s for the device's slot: it allows one request every {DeviceLimit.TotalSeconds:0} s, and this process asked it last at {LastRequest?.ToLocalTime():HH:mm:ss}{AlsoKnownAs(turn)}.");
            await Clock.DelayUntilAsync(next.Value, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// Takes one of the process's exchange slots and, machine-wide, the device's slot file. Other processes
        /// on this machine (a scheduled task, another shell) keep their own sessions; the slot file is where they
        /// meet. While another process holds the device, the wait looks at the file again every
        /// <see cref="SlotFileRecheck"/>, so a holder that finishes early is noticed and its real end (plus the
        /// spacing) is waited for, not its pessimistic reservation. Returns holding an exchange slot.
        /// </summary>
        private async Task TakeExchangeSlotAsync(DeviceTurn turn, TimeSpan timeout, bool noWait, Action<string>? verbose, CancellationToken cancellationToken)
        {
            DateTimeOffset? toldUntil = null;
            while (true)
            {
                await ExchangeSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
                if (turn.MachineWide == null)
                {
                    return;
                }

                DateTimeOffset now = Clock.UtcNow;
                DateTimeOffset? busyUntil = turn.MachineWide.TryClaim(now, now + timeout + Spacing, LongestClaim, verbose);
                if (busyUntil == null)
                {
                    return;
                }

                ExchangeSlots.Release();
                TimeSpan wait = busyUntil.Value - now;
                if (noWait)
                {
                    throw RateLimited($"{Endpoint.ComputerName} was asked by another process on this machine; it may next be asked at {busyUntil.Value.ToLocalTime():HH:mm:ss} (in {Seconds(wait)} s). -NoWait does not wait.");
                }

                if (busyUntil != toldUntil)
                {
                    verbose?.Invoke(toldUntil == null
                        ? $"{Endpoint.ComputerName}: another process on this machine is asking the device; waiting up to {Seconds(wait)} s for its slot."
                        : $"{Endpoint.ComputerName}: the other process is done with the device; its slot ends in {Seconds(wait)} s.");
                    toldUntil = busyUntil;
                }

                await Clock.Delay(wait < SlotFileRecheck ? wait : SlotFileRecheck, cancellationToken).ConfigureAwait(false);
            }
        }

        private async Task<GasleserReading> ExchangeAsync(DeviceTurn turn, TimeSpan timeout, Action<string>? verbose, bool probe, CancellationToken cancellationToken)
        {
            if (!probe)
            {
                _askedByCommand = true;
            }

            turn.Started(Clock.Elapsed);
            Interlocked.Increment(ref _requests);
            try
            {
                GasleserReading reading;
                try
                {
                    reading = await DeviceClient.GetReadingAsync(Endpoint, timeout, cancellationToken).ConfigureAwait(false);
                }
                catch (GasleserUnreachableException ex) when (IsLocalResourceFailure(ex))
                {
                    throw new GasleserLocalResourceException(
                        $"{Endpoint.ComputerName} was not asked: this computer ran out of sockets or open files ({ex.InnerException!.GetBaseException().Message.TrimEnd('.')}). Other devices of this command may not have been asked either.",
                        Endpoint.ComputerName,
                        ex);
                }

                lock (_state)
                {
                    _lastReading = reading;
                    _lastReadingAt = Clock.Elapsed;
                    _lastOutcome = ExchangeOutcome.Reading;
                }

                KnownDevices.Remember(Endpoint.ComputerName, reading.DeviceId, DateTimeOffset.UtcNow);
                return reading;
            }
            catch (DeviceBusyException)
            {
                lock (_state)
                {
                    _lastOutcome = ExchangeOutcome.Busy;
                }

                throw;
            }
            catch (Exception)
            {
                lock (_state)
                {
                    _lastOutcome = ExchangeOutcome.Failed;
                }

                throw;
            }
            finally
            {
                // Whatever the outcome, the request may have reached the device: the next one waits its turn.
                TimeSpan next = turn.NotBefore(Clock.Elapsed + Spacing);
                bool noGasleser;
                lock (_state)
                {
                    noGasleser = _lastOutcome == ExchangeOutcome.Failed;
                }

                turn.MachineWide?.Release(Clock.WallTime(next), verbose, onlyIfPresent: probe && noGasleser);
            }
        }

        // Too many open files, no buffer space: the computer's own limits, whichever device was being asked.
        // Out of descriptors, the runtime cannot even open an assembly the exchange needs (a FileLoadException,
        // which is an IOException): that is no more the device's fault.
        private static bool IsLocalResourceFailure(GasleserUnreachableException ex) => ex.InnerException?.GetBaseException() switch
        {
            SocketException socket => socket.SocketErrorCode == SocketError.TooManyOpenSockets || socket.SocketErrorCode == SocketError.NoBufferSpaceAvailable,
            System.IO.FileLoadException _ => true,
            System.IO.FileNotFoundException missing => missing.FileName?.IndexOf(", Version=", StringComparison.Ordinal) > 0, // an assembly, not a file of ours
            _ => false,
        };

        /// <summary>
        /// This session's turn: found once, by resolving the name to the endpoint it reaches. A name that
        /// does not resolve now keeps a turn of its own for this request and is resolved again next time.
        /// </summary>
        private async Task<DeviceTurn> TurnAsync(TimeSpan timeout, CancellationToken cancellationToken)
        {
            DeviceTurn? turn = _turn;
            if (turn == null || turn.Clock != Clock)
            {
                turn = await SessionRegistry.ResolveTurnAsync(Endpoint, timeout, cancellationToken).ConfigureAwait(false);
                if (turn == null)
                {
                    turn = SessionRegistry.UnresolvedTurn(Endpoint);
                    turn.AddName(Endpoint.ComputerName);
                    return turn;
                }

                turn.AddName(Endpoint.ComputerName);
                _turn = turn;
            }

            return turn;
        }

        // Endpoints that answered with one device id are one device (reached over IPv4 and IPv6, say): they share its turn.
        private void ShareTurnOfDevice(DeviceTurn turn, string deviceId)
        {
            DeviceTurn device = SessionRegistry.TurnOfDevice(turn, deviceId);
            if (device != turn)
            {
                device.NotBefore(turn.NextAllowed ?? TimeSpan.Zero);
                foreach (string name in turn.Names)
                {
                    device.AddName(name);
                }

                _turn = device;
            }
        }

        /// <summary>
        /// Find-Gasleser's probe: at most one request, never a wait for the device's slot, never a retry.
        /// When this process asked the device less than <see cref="Spacing"/> ago (or another command is
        /// asking it right now and does not finish within <paramref name="timeout"/>), nothing is sent and
        /// the answer comes from what the session knows. The reading a probe gets is kept as the session's
        /// last reading, and the slot is taken as by any request, so a Get-GasleserReading after it waits
        /// its turn instead of provoking a 429.
        /// </summary>
        /// <returns>What the device said, or null when the session knows nothing that shows a Gasleser there.</returns>
        /// <exception cref="GasleserException">The probe's one request failed (not a Gasleser, no answer...).</exception>
        public async Task<ProbeResult?> ProbeAsync(TimeSpan timeout, CancellationToken cancellationToken)
        {
            DeviceTurn turn = await TurnAsync(timeout, cancellationToken).ConfigureAwait(false);
            if (!await turn.Asking.WaitAsync(timeout, cancellationToken).ConfigureAwait(false))
            {
                return FromSession();
            }

            try
            {
                TimeSpan? next = turn.NextAllowed;
                if (next.HasValue && next.Value > Clock.Elapsed)
                {
                    return FromSession();
                }

                // Not bounded by the process's exchange slots: Find-Gasleser bounds its probes itself (-ThrottleLimit,
                // 256 by default), and a sweep's probes mostly wait out silent addresses; queued behind 64 slots a
                // /24 would take four probe timeouts instead of one.

                // Another process on this machine holds the device: a probe does not wait for it, and
                // reports the device Busy (with what this session knows of it) rather than not at all.
                DateTimeOffset now = Clock.UtcNow;
                DateTimeOffset? busyUntil = turn.MachineWide?.TryClaim(now, now + timeout + Spacing, LongestClaim, verbose: null, onlyIfPresent: true);
                if (busyUntil != null)
                {
                    return new ProbeResult(GasleserDeviceStatus.Busy, LastReading?.AsCached(), null) { NextAllowed = busyUntil };
                }

                var stopwatch = System.Diagnostics.Stopwatch.StartNew();
                try
                {
                    GasleserReading reading = await ExchangeAsync(turn, timeout, verbose: null, probe: true, cancellationToken).ConfigureAwait(false);
                    return new ProbeResult(GasleserDeviceStatus.Online, reading, stopwatch.Elapsed);
                }
                catch (DeviceBusyException busy)
                {
                    RecordComeBackLater(turn, busy.RetryAfter, counts429: true, verbose: null);
                    return new ProbeResult(GasleserDeviceStatus.RateLimited, null, stopwatch.Elapsed);
                }
            }
            finally
            {
                turn.Asking.Release();
            }
        }

        private ProbeResult? FromSession()
        {
            lock (_state)
            {
                if (_lastOutcome == ExchangeOutcome.Busy)
                {
                    return new ProbeResult(GasleserDeviceStatus.RateLimited, null, null);
                }

                // A device that answered with a reading before is a Gasleser, even if its last exchange failed.
                return _lastReading != null ? new ProbeResult(GasleserDeviceStatus.Online, _lastReading.AsCached(), null) : null;
            }
        }

        private enum ExchangeOutcome
        {
            None,
            Reading,
            Busy,
            Failed,
        }

        private bool TryGetCached(TimeSpan? maxAge, out GasleserReading? reading)
        {
            reading = null;
            if (maxAge == null)
            {
                return false;
            }

            lock (_state)
            {
                if (_lastReading != null && Clock.Elapsed - _lastReadingAt!.Value <= maxAge.Value)
                {
                    reading = _lastReading.AsCached();
                }
            }

            return reading != null;
        }

        private string Age() => LastReadingAge is TimeSpan age ? Seconds(age) + " s" : "?";

        // ", also known here as localhost:20001" when the device has other names in this process.
        private string AlsoKnownAs(DeviceTurn turn)
        {
            string[] others = turn.Names.Where(n => !string.Equals(n, Endpoint.ComputerName, StringComparison.OrdinalIgnoreCase)).ToArray();
            return others.Length == 0 ? "" : " (also known here as " + string.Join(", ", others) + ")";
        }

        private DateTimeOffset? WallTime(TimeSpan? elapsed) => elapsed.HasValue ? Clock.WallTime(elapsed.Value) : (DateTimeOffset?)null;

        private GasleserRateLimitedException RateLimited(string message) =>
            new GasleserRateLimitedException(message, Endpoint.ComputerName, NextAllowed);

        private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
    }

    /// <summary>What a probe learnt: the status, the reading when there was one, and how long the exchange took (null when answered from the session).</summary>
    internal sealed class ProbeResult
    {
        public ProbeResult(GasleserDeviceStatus status, GasleserReading? reading, TimeSpan? responseTime)
        {
            Status = status;
            Reading = reading;
            ResponseTime = responseTime;
        }

        public GasleserDeviceStatus Status { get; }

        public GasleserReading? Reading { get; }

        public TimeSpan? ResponseTime { get; }

        /// <summary>For <see cref="GasleserDeviceStatus.Busy"/>: when another process's turn at the device ends.</summary>
        public DateTimeOffset? NextAllowed { get; set; }

        public bool FromSession => ResponseTime == null;
    }
}
