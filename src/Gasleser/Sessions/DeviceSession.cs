using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Gasleser.Hosting;

namespace Gasleser.Sessions
{
    /// <summary>
    /// Reads one device by one name as the user gave it (normalised): the name's cached reading and counts,
    /// shared by every cmdlet and runspace in the process (see <see cref="SessionRegistry"/>). A read goes:
    /// the <see cref="ReadingCache"/> when -MaxAge allows, else the device's <see cref="DeviceTurn"/> (the
    /// 10-second rule and the 429 policy), the <see cref="ExchangeGate"/> (a permit and the cross-process
    /// claim in the slot file), then one <see cref="DeviceClient"/> exchange with the addresses the turn is keyed by.
    /// </summary>
    internal sealed class DeviceSession
    {
        private readonly Func<IClock> _clock;
        private long _requests;
        private long _rateLimitedAnswers;
        private volatile ExchangeOutcome _lastOutcome;
        private volatile GasleserException? _lastFailure;
        private volatile GasleserException? _notAGasleser;
        private TimeSpan? _lastOutcomeAt;
        private readonly object _outcomeLock = new object();
        private volatile bool _askedByCommand;
        private volatile DeviceTurn? _turn;

        internal DeviceSession(DeviceEndpoint endpoint, Func<IClock> clock)
        {
            Endpoint = endpoint;
            _clock = clock;
        }

        public DeviceEndpoint Endpoint { get; }

        /// <summary>The last good reading, and when it arrived.</summary>
        public ReadingCache Cache { get; } = new ReadingCache();

        private IClock Clock => _clock();

        private string Name => Endpoint.ComputerName;

        /// <summary>When the last request to the device started, by any of its names (wall-clock label, UTC).</summary>
        public DateTimeOffset? LastRequest => _turn?.WallTime(_turn.LastRequest);

        /// <summary>The earliest time the next request may start (wall-clock label, UTC); null before the first.</summary>
        public DateTimeOffset? NextAllowed => _turn?.WallTime(_turn.NextAllowed);

        /// <summary>What this user's processes have seen of another client using the device; null before it was first asked.</summary>
        public NeighbourEstimate? Neighbour => _turn?.Neighbour.Estimate();

        /// <summary>The names of this device that share its turn, this one included (just this one until the device was first asked).</summary>
        public IReadOnlyList<string> NamesSharingTurn => _turn?.Names ?? new[] { Name };

        public GasleserReading? LastReading => Cache.Last;

        /// <summary>How long ago the last good reading arrived (elapsed time).</summary>
        public TimeSpan? LastReadingAge => Clock.Elapsed - Cache.LastAt;

        /// <summary>What the last exchange with the device ended in.</summary>
        public ExchangeOutcome LastOutcome => _lastOutcome;

        /// <summary>The error of the last exchange when it was a Gasleser's (an HTTP error, a field it cannot accept); else null.</summary>
        public GasleserException? LastFailure => _lastFailure;

        /// <summary>
        /// When the last exchange found no Gasleser but something that answered HTTP (404 on /v1/data, an HTML
        /// page): what it answered, so that Find answered from the session says so as its probe did; else null.
        /// </summary>
        public GasleserException? LastNotAGasleser => _notAGasleser;

        /// <summary>When the last exchange ended (elapsed time); null before the first.</summary>
        public TimeSpan? LastOutcomeAt { get { lock (_outcomeLock) { return _lastOutcomeAt; } } }

        /// <summary>The device's turn, once this name was first asked.</summary>
        internal DeviceTurn? Turn => _turn;

        /// <summary>
        /// True when this process knows something of a device here: a command read it (or tried to), or a
        /// discovery probe got an answer only a Gasleser gives (a reading, a 429, an HTTP error or a
        /// reading with a bad field on /v1/data). False for an address a sweep probed where nothing
        /// answered like a Gasleser.
        /// </summary>
        public bool Known => _askedByCommand || Cache.Last != null || RateLimitedAnswers > 0 || _lastFailure != null;

        /// <summary>Requests sent to the device by this process.</summary>
        public long Requests => Interlocked.Read(ref _requests);

        /// <summary>429 answers the device gave this process.</summary>
        public long RateLimitedAnswers => Interlocked.Read(ref _rateLimitedAnswers);

        /// <summary>
        /// Returns a reading: from the cache when <paramref name="maxAge"/> allows, otherwise by asking
        /// the device once its turn has come (waiting for it unless <paramref name="noWait"/>), waiting out a
        /// "come back later" as the turn's policy allows; <paramref name="whenSaturated"/> says what to do while
        /// another client is known to leave the device no room.
        /// </summary>
        public async Task<GasleserReading> ReadAsync(TimeSpan timeout, TimeSpan? maxAge, bool noWait, ICommandOutput output, CancellationToken cancellationToken,
            WhenSaturated whenSaturated = WhenSaturated.FailAtOnce)
        {
            Action<string> verbose = output.WriteVerbose;
            if (Cache.TryGet(maxAge, Clock.Elapsed, out GasleserReading? cached))
            {
                verbose($"{Name}: answered from the session's reading of {Age()} ago (within -MaxAge).");
                return cached!;
            }

            Target target = await TargetAsync(timeout, cancellationToken).ConfigureAwait(false);
            DeviceTurn turn = target.Turn;
            if (!turn.Asking.Wait(0))
            {
                if (noWait)
                {
                    throw ExchangeCauses.AskedByAnotherCommand(Name, turn.AlsoKnownAs(Name), turn.WallTime(turn.NextAllowed));
                }

                verbose($"{Name}: waiting for another request to the same device{turn.AlsoKnownAs(Name)} to finish.");
                await turn.Asking.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            GasleserReading? reading = null;
            try
            {
                // Whoever held the turn may have just fetched a reading fresh enough for this caller.
                if (Cache.TryGet(maxAge, Clock.Elapsed, out cached))
                {
                    return cached!;
                }

                int requestsAllowed = turn.RequestsAllowedOnRateLimit(Name, whenSaturated);
                if (requestsAllowed < DeviceTurn.MostRequestsOnRateLimit)
                {
                    verbose($"{Name}: another client keeps the device busy (see Get-GasleserSession); asking once, with no retry after a 429.");
                }

                // What a command waits for a device in all (DeviceTurn.LongestWaitOut) counts from here: the wait for
                // its turn, the exchanges and the windows of its "come back later" answers.
                TimeSpan began = Clock.Elapsed;
                for (int attempt = 0; ; attempt++)
                {
                    // After a "come back later" the wait was announced with its reason; it is not told twice.
                    await turn.WaitAsync(Name, noWait, attempt == 0 ? verbose : null, cancellationToken).ConfigureAwait(false);
                    using (await ExchangeGate.EnterAsync(turn, Name, timeout, noWait, verbose, cancellationToken).ConfigureAwait(false))
                    {
                        try
                        {
                            verbose($"{Name}: asking http://{Endpoint.HostHeader}/v1/data (timeout {timeout.TotalSeconds:0.###} s).");
                            reading = await ExchangeAsync(target, timeout, verbose, probe: false, cancellationToken, firstRequest: attempt == 0).ConfigureAwait(false);
                            return reading;
                        }
                        catch (Exception ex) when (DeviceTurn.AsksToComeBackLater(ex) is ComeBackLater answer)
                        {
                            TimeSpan window;
                            try
                            {
                                window = turn.ComeBackLaterFor(answer, Name, attempt, Clock.Elapsed - began, noWait, requestsAllowed);
                            }
                            finally
                            {
                                ExchangeGate.Release(turn, verbose);
                            }

                            verbose($"{Name}: answered {answer.Answer} ({answer.Why}); waiting its {DeviceTurn.Seconds(window)} s window, then retrying ({attempt + 1} of {(answer.IsRateLimit ? requestsAllowed - 1 : DeviceTurn.RetriesOnRateLimit)}).");
                        }
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
        /// One request to the device, counted; its reading is kept as the session's last. When the request was
        /// sent, whatever the outcome, the turn's next start moves to the spacing after it, here and in the slot
        /// file (a probe makes no slot file where no Gasleser answered). A request that never left — the
        /// connection was refused or not accepted in time — did not reach the device and spends no turn.
        /// </summary>
        internal async Task<GasleserReading> ExchangeAsync(Target target, TimeSpan timeout, Action<string>? verbose, bool probe, CancellationToken cancellationToken, bool firstRequest = true)
        {
            if (!probe)
            {
                _askedByCommand = true;
            }

            DeviceTurn turn = target.Turn;
            TimeSpan? previousStart = turn.Started();
            Interlocked.Increment(ref _requests);
            ExchangeOutcome outcome = ExchangeOutcome.Failed;
            GasleserException? failure = null, notAGasleser = null;
            bool sent = true;
            try
            {
                GasleserReading reading = await DeviceClient.GetReadingAsync(Endpoint, target.Addresses, timeout, cancellationToken).ConfigureAwait(false);
                Cache.Store(reading, Clock.Elapsed);
                outcome = ExchangeOutcome.Reading;
                turn.Neighbour.Saw(served: true, retryAfter: null, firstRequest);
                return reading;
            }
            catch (DeviceBusyException busy)
            {
                Interlocked.Increment(ref _rateLimitedAnswers);
                outcome = ExchangeOutcome.Busy;
                turn.Neighbour.Saw(served: false, busy.RetryAfter, firstRequest);
                throw;
            }
            catch (GasleserDeviceErrorException ex)
            {
                (outcome, failure) = (ExchangeOutcome.DeviceError, ex);
                throw;
            }
            catch (GasleserInvalidResponseException ex) when (ex.Kind == InvalidResponseKind.UnexpectedAnswer)
            {
                (outcome, failure) = (ExchangeOutcome.InvalidAnswer, ex);
                throw;
            }
            catch (GasleserException ex) when (ex is GasleserFirmwareUnsupportedException || ex is GasleserInvalidResponseException { Kind: InvalidResponseKind.NotAGasleser })
            {
                notAGasleser = ex;
                throw;
            }
            catch (Exception ex) when (DeviceClient.NeverSent(ex))
            {
                sent = false;
                throw;
            }
            finally
            {
                lock (_outcomeLock)
                {
                    _lastOutcome = outcome;
                    _lastFailure = failure;
                    _notAGasleser = notAGasleser;
                    _lastOutcomeAt = Clock.Elapsed;
                }

                if (sent)
                {
                    turn.Ended();
                }
                else
                {
                    turn.NotSent(previousStart);
                    Interlocked.Decrement(ref _requests);
                }

                ExchangeGate.Release(turn, verbose, onlyIfPresent: probe && outcome == ExchangeOutcome.Failed);
            }
        }

        /// <summary>
        /// The device's turn and the addresses it is keyed by, which the exchange connects to: a literal address
        /// is its own; a name is looked up once, within <paramref name="timeout"/>, and shares the turn of every
        /// address it resolves to.
        /// </summary>
        internal async Task<Target> TargetAsync(TimeSpan timeout, CancellationToken cancellationToken)
        {
            IPAddress[] addresses = await EndpointResolver.ResolveAsync(Endpoint, timeout, cancellationToken).ConfigureAwait(false);
            DeviceTurn? turn = _turn;
            if (turn == null || turn.Clock != Clock || Endpoint.Address == null)
            {
                turn = SessionRegistry.TurnFor(addresses, Endpoint.Port);
                turn.AddName(Name);
                _turn = turn;
            }

            return new Target(turn, addresses);
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

        private string Age() => LastReadingAge is TimeSpan age ? age.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s" : "?";

        /// <summary>Where one read goes: the device's turn and the addresses the exchange connects to.</summary>
        internal sealed class Target
        {
            public Target(DeviceTurn turn, IReadOnlyList<IPAddress> addresses)
            {
                Turn = turn;
                Addresses = addresses;
            }

            public DeviceTurn Turn { get; }

            public IReadOnlyList<IPAddress> Addresses { get; }
        }
    }

    /// <summary>What a session's last exchange with its device ended in.</summary>
    internal enum ExchangeOutcome
    {
        None,
        /// <summary>A reading.</summary>
        Reading,
        /// <summary>429 Too Many Requests.</summary>
        Busy,
        /// <summary>An HTTP error on /v1/data (5xx, 401, 403): a Gasleser that is unwell or starting up.</summary>
        DeviceError,
        /// <summary>A Gasleser's answer with a field or framing the module cannot accept (an unset clock, a BOM, ...).</summary>
        InvalidAnswer,
        /// <summary>No answer, or not a Gasleser's.</summary>
        Failed,
    }
}
