using System;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;

namespace Gasleser.Sessions
{
    /// <summary>
    /// The one place that knows when a device may next be asked. One per device endpoint, shared by
    /// every cmdlet and runspace in the process (see <see cref="SessionRegistry"/>). Requests to the
    /// device go through <see cref="ReadAsync"/> one at a time, each starting no sooner than
    /// <see cref="Spacing"/> after the previous exchange ended.
    /// </summary>
    public sealed class DeviceSession
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

        private readonly SemaphoreSlim _turn = new SemaphoreSlim(1, 1);
        private readonly object _state = new object();
        private DateTimeOffset? _lastRequest;
        private DateTimeOffset? _nextAllowed;
        private GasleserReading? _lastReading;
        private DateTimeOffset? _lastReadingAt;
        private long _requests;
        private long _rateLimitedAnswers;
        private ExchangeOutcome _lastOutcome;
        private volatile bool _askedByCommand;

        internal DeviceSession(DeviceEndpoint endpoint, Func<ISessionClock> clock, MachineWideSlot? machineWide)
        {
            Endpoint = endpoint;
            _clock = clock;
            _machineWide = machineWide;
        }

        private readonly Func<ISessionClock> _clock;
        private readonly MachineWideSlot? _machineWide;

        public DeviceEndpoint Endpoint { get; }

        private ISessionClock Clock => _clock();

        /// <summary>When the last request to the device started (session clock, UTC).</summary>
        public DateTimeOffset? LastRequest { get { lock (_state) { return _lastRequest; } } }

        /// <summary>The earliest time the next request may start (session clock, UTC); null before the first.</summary>
        public DateTimeOffset? NextAllowed { get { lock (_state) { return _nextAllowed; } } }

        /// <summary>The last good reading, and when it arrived (session clock).</summary>
        public GasleserReading? LastReading { get { lock (_state) { return _lastReading; } } }

        public DateTimeOffset? LastReadingAt { get { lock (_state) { return _lastReadingAt; } } }

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
            Action<string>? verbose,
            CancellationToken cancellationToken)
        {
            string name = Endpoint.ComputerName;
            if (TryGetCached(maxAge, out GasleserReading? cached))
            {
                verbose?.Invoke($"{name}: answered from the session's reading of {Age(cached!)} ago (within -MaxAge).");
                return cached!;
            }

            if (!_turn.Wait(0))
            {
                if (noWait)
                {
                    throw RateLimited($"{name} is being asked by another command in this process right now; -NoWait does not wait for it.");
                }

                verbose?.Invoke($"{name}: waiting for another request to the same device to finish.");
                await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            try
            {
                // Whoever held the turn may have just fetched a reading fresh enough for this caller.
                if (TryGetCached(maxAge, out cached))
                {
                    return cached!;
                }

                for (int attempt = 0; ; attempt++)
                {
                    await WaitForSlotAsync(noWait, verbose, cancellationToken).ConfigureAwait(false);
                    await ClaimMachineWideSlotAsync(timeout, noWait, verbose, cancellationToken).ConfigureAwait(false);
                    try
                    {
                        return await ExchangeAsync(timeout, verbose, probe: false, cancellationToken).ConfigureAwait(false);
                    }
                    catch (DeviceBusyException busy)
                    {
                        TimeSpan window = RecordBusy(busy, verbose);
                        if (attempt >= RetriesOnRateLimit || noWait)
                        {
                            throw RateLimited(
                                $"{name} answered 429 Too Many Requests {attempt + 1} time(s): another client is polling it. Wait 10 s and try again.");
                        }

                        verbose?.Invoke($"{name}: answered 429 Too Many Requests (another client is polling it); waiting its {Seconds(window)} s window, then retrying ({attempt + 1} of {RetriesOnRateLimit}).");
                    }
                }
            }
            finally
            {
                _turn.Release();
            }
        }

        // A 429: the device's window (its Retry-After, at least our spacing) starts now, here and machine-wide.
        private TimeSpan RecordBusy(DeviceBusyException busy, Action<string>? verbose)
        {
            Interlocked.Increment(ref _rateLimitedAnswers);
            TimeSpan window = busy.RetryAfter > Spacing ? busy.RetryAfter.Value : Spacing;
            DateTimeOffset next;
            lock (_state)
            {
                next = Clock.UtcNow + window;
                _nextAllowed = next;
            }

            _machineWide?.Release(next, verbose);
            return window;
        }

        private async Task WaitForSlotAsync(bool noWait, Action<string>? verbose, CancellationToken cancellationToken)
        {
            DateTimeOffset? next = NextAllowed;
            TimeSpan wait = next.HasValue ? next.Value - Clock.UtcNow : TimeSpan.Zero;
            if (wait <= TimeSpan.Zero)
            {
                return;
            }

            if (noWait)
            {
                throw RateLimited($"{Endpoint.ComputerName} may next be asked at {next!.Value.ToLocalTime():HH:mm:ss} (in {Seconds(wait)} s); -NoWait does not wait.");
            }

            verbose?.Invoke($"{Endpoint.ComputerName}: waiting {Seconds(wait)} s for the device's slot: it allows one request every {DeviceLimit.TotalSeconds:0} s, and this process asked it last at {LastRequest?.ToLocalTime():HH:mm:ss}.");
            await Clock.DelayUntilAsync(next!.Value, cancellationToken).ConfigureAwait(false);
        }

        // Other processes on this machine (a scheduled task, another shell) keep their own sessions;
        // the slot file is where they meet.
        private async Task ClaimMachineWideSlotAsync(TimeSpan timeout, bool noWait, Action<string>? verbose, CancellationToken cancellationToken)
        {
            while (_machineWide != null)
            {
                DateTimeOffset now = Clock.UtcNow;
                DateTimeOffset? busyUntil = _machineWide.TryClaim(now, now + timeout + Spacing, verbose);
                if (busyUntil == null)
                {
                    return;
                }

                TimeSpan wait = busyUntil.Value - now;
                if (noWait)
                {
                    throw RateLimited($"{Endpoint.ComputerName} was asked by another process on this machine; it may next be asked at {busyUntil.Value.ToLocalTime():HH:mm:ss} (in {Seconds(wait)} s). -NoWait does not wait.");
                }

                verbose?.Invoke($"{Endpoint.ComputerName}: another process on this machine asked the device; waiting {Seconds(wait)} s for its slot.");
                await Clock.Delay(wait, cancellationToken).ConfigureAwait(false);
            }
        }

        private async Task<GasleserReading> ExchangeAsync(TimeSpan timeout, Action<string>? verbose, bool probe, CancellationToken cancellationToken)
        {
            if (!probe)
            {
                _askedByCommand = true;
            }

            lock (_state)
            {
                _lastRequest = Clock.UtcNow;
            }

            Interlocked.Increment(ref _requests);
            try
            {
                GasleserReading reading = await DeviceClient.GetReadingAsync(Endpoint, timeout, cancellationToken).ConfigureAwait(false);
                lock (_state)
                {
                    _lastReading = reading;
                    _lastReadingAt = Clock.UtcNow;
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
                DateTimeOffset next;
                bool noGasleser;
                lock (_state)
                {
                    DateTimeOffset earliest = Clock.UtcNow + Spacing;
                    if (_nextAllowed == null || _nextAllowed < earliest)
                    {
                        _nextAllowed = earliest;
                    }

                    next = _nextAllowed.Value;
                    noGasleser = _lastOutcome == ExchangeOutcome.Failed;
                }

                _machineWide?.Release(next, verbose, onlyIfPresent: probe && noGasleser);
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
            if (!await _turn.WaitAsync(timeout, cancellationToken).ConfigureAwait(false))
            {
                return FromSession();
            }

            try
            {
                DateTimeOffset? next = NextAllowed;
                if (next.HasValue && next.Value > Clock.UtcNow)
                {
                    return FromSession();
                }

                // Another process on this machine holds the device: a probe does not wait for it, and
                // reports the device Busy (with what this session knows of it) rather than not at all.
                DateTimeOffset now = Clock.UtcNow;
                DateTimeOffset? busyUntil = _machineWide?.TryClaim(now, now + timeout + Spacing, verbose: null, onlyIfPresent: true);
                if (busyUntil != null)
                {
                    return new ProbeResult(GasleserDeviceStatus.Busy, LastReading?.AsCached(), null) { NextAllowed = busyUntil };
                }

                var stopwatch = System.Diagnostics.Stopwatch.StartNew();
                try
                {
                    GasleserReading reading = await ExchangeAsync(timeout, verbose: null, probe: true, cancellationToken).ConfigureAwait(false);
                    return new ProbeResult(GasleserDeviceStatus.Online, reading, stopwatch.Elapsed);
                }
                catch (DeviceBusyException busy)
                {
                    RecordBusy(busy, verbose: null);
                    return new ProbeResult(GasleserDeviceStatus.RateLimited, null, stopwatch.Elapsed);
                }
            }
            finally
            {
                _turn.Release();
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
                if (_lastReading != null && Clock.UtcNow - _lastReadingAt!.Value <= maxAge.Value)
                {
                    reading = _lastReading.AsCached();
                }
            }

            return reading != null;
        }

        private string Age(GasleserReading reading)
        {
            DateTimeOffset? at = LastReadingAt;
            return at.HasValue ? Seconds(Clock.UtcNow - at.Value) + " s" : "?";
        }

        private GasleserRateLimitedException RateLimited(string message) =>
            new GasleserRateLimitedException(message, Endpoint.ComputerName, NextAllowed);

        private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
    }

    /// <summary>What a probe learnt: the status, the reading when there was one, and how long the exchange took (null when answered from the session).</summary>
    public sealed class ProbeResult
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
