using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Gasleser.Sessions;

namespace Gasleser.Discovery
{
    /// <summary>
    /// Find-Gasleser's probe of one address, through the device's session so that it counts against the
    /// device's turn: at most one request, never a wait for the turn, never a retry. When this process asked the
    /// device less than the spacing ago (or another command is asking it right now and does not finish within
    /// the timeout), nothing is sent and the answer comes from what the session knows: the same status a probe
    /// would have reported (Online, RateLimited, DeviceError, InvalidResponse), or nothing. The reading a probe gets is
    /// kept as the session's last reading, and the turn is taken as by any request, so a Get-GasleserReading
    /// after it waits its turn instead of provoking a 429.
    /// </summary>
    internal static class DeviceProbe
    {
        /// <returns>What the device said, or null when the session knows nothing that shows a Gasleser there.</returns>
        /// <exception cref="GasleserException">The probe's one request failed (not a Gasleser, no answer...).</exception>
        public static async Task<ProbeResult?> ProbeAsync(DeviceSession session, TimeSpan timeout, CancellationToken cancellationToken)
        {
            DeviceSession.Target target = await session.TargetAsync(timeout, cancellationToken).ConfigureAwait(false);
            DeviceTurn turn = target.Turn;
            if (!await turn.Asking.WaitAsync(timeout, cancellationToken).ConfigureAwait(false))
            {
                return FromSession(session, turn);
            }

            try
            {
                if (!turn.IsDue)
                {
                    return FromSession(session, turn);
                }

                // Another process on this machine holds the device: a probe does not wait for it, and reports the
                // device Busy (with what this session knows of it) rather than not at all.
                DateTimeOffset? busyUntil = ExchangeGate.TryClaimForProbe(turn, timeout);
                if (busyUntil != null)
                {
                    return new ProbeResult(GasleserDeviceStatus.Busy, session.LastReading?.AsCached(), null) { NextAllowed = busyUntil };
                }

                var stopwatch = Stopwatch.StartNew();
                try
                {
                    GasleserReading reading = await session.ExchangeAsync(target, timeout, verbose: null, probe: true, cancellationToken).ConfigureAwait(false);
                    return new ProbeResult(GasleserDeviceStatus.Online, reading, stopwatch.Elapsed);
                }
                catch (DeviceBusyException busy)
                {
                    turn.StartWindow(busy.RetryAfter);
                    ExchangeGate.Release(turn, verbose: null);
                    return new ProbeResult(GasleserDeviceStatus.RateLimited, null, stopwatch.Elapsed);
                }
                catch (GasleserDeviceErrorException unavailable) when (unavailable.StatusCode == 503 && unavailable.RetryAfter is TimeSpan wait)
                {
                    // A device starting up said when to come back: its turn waits that long, as a Get's would, and
                    // the device is reported with that time (NextAllowed), here and when answered from the session.
                    turn.StartWindow(wait);
                    ExchangeGate.Release(turn, verbose: null);
                    return Reported(session, stopwatch.Elapsed)!;
                }
                catch (GasleserException) when (Reported(session, stopwatch.Elapsed) is ProbeResult gasleser)
                {
                    return gasleser;
                }
            }
            finally
            {
                turn.Asking.Release();
            }
        }

        // Not asked again: what the last exchange with the device said, by whichever of its names it was asked
        // (a read of localhost:P, a probe of 127.0.0.1 P), so that the list is the one a probe would have made.
        // Something that answered but is not a Gasleser fails as its probe failed, with the same error, so that
        // the run's summary counts it as the probe's run did.
        private static ProbeResult? FromSession(DeviceSession session, DeviceTurn turn)
        {
            DeviceSession latest = SessionRegistry.All
                .Where(s => s.Turn == turn && s.LastOutcomeAt != null)
                .OrderByDescending(s => s.LastOutcomeAt)
                .FirstOrDefault() ?? session;
            if (latest.LastNotAGasleser is GasleserException notAGasleser)
            {
                throw new NotAGasleserAgainException(notAGasleser);
            }

            return Reported(latest, responseTime: null);
        }

        // What an exchange that ended in latest.LastOutcome reports: an answer only a Gasleser gives is a device
        // found, with its status; no answer, or one that is not a Gasleser's, is none.
        private static ProbeResult? Reported(DeviceSession latest, TimeSpan? responseTime) => latest.LastOutcome switch
        {
            ExchangeOutcome.Reading when latest.LastReading != null => new ProbeResult(GasleserDeviceStatus.Online, latest.LastReading.AsCached(), responseTime),
            ExchangeOutcome.Busy => new ProbeResult(GasleserDeviceStatus.RateLimited, null, responseTime),
            ExchangeOutcome.DeviceError => new ProbeResult(GasleserDeviceStatus.DeviceError, null, responseTime)
            {
                Failure = latest.LastFailure,
                NextAllowed = latest.LastFailure is GasleserDeviceErrorException { StatusCode: 503, RetryAfter: TimeSpan _ } ? latest.NextAllowed : null,
            },
            ExchangeOutcome.InvalidAnswer => new ProbeResult(GasleserDeviceStatus.InvalidResponse, null, responseTime) { Failure = latest.LastFailure },
            _ => null,
        };
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

        /// <summary>
        /// For <see cref="GasleserDeviceStatus.Busy"/>: when another process's turn at the device ends; for a 503
        /// with Retry-After (<see cref="GasleserDeviceStatus.DeviceError"/>): when the device said to come back.
        /// </summary>
        public DateTimeOffset? NextAllowed { get; set; }

        /// <summary>For <see cref="GasleserDeviceStatus.DeviceError"/> and <see cref="GasleserDeviceStatus.InvalidResponse"/>: what the device answered.</summary>
        public GasleserException? Failure { get; set; }

        public bool FromSession => ResponseTime == null;
    }

    /// <summary>A probe answered from the session: the device's last answer showed it is not a Gasleser (<see cref="Answer"/>).</summary>
    internal sealed class NotAGasleserAgainException : Exception
    {
        public NotAGasleserAgainException(GasleserException answer) : base(answer.Message) => Answer = answer;

        public GasleserException Answer { get; }
    }
}
