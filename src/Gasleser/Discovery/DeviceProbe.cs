using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Gasleser.Sessions;

namespace Gasleser.Discovery
{
    /// <summary>
    /// Find-Gasleser's probe of one address, through the device's session so that it counts against the
    /// device's turn: at most one request, never a wait for the turn, never a retry. When this process asked the
    /// device less than the spacing ago (or another command is asking it right now and does not finish within
    /// the timeout), nothing is sent and the answer comes from what the session knows. The reading a probe gets is
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
                return FromSession(session);
            }

            try
            {
                if (!turn.IsDue)
                {
                    return FromSession(session);
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
            }
            finally
            {
                turn.Asking.Release();
            }
        }

        private static ProbeResult? FromSession(DeviceSession session)
        {
            if (session.LastOutcome == ExchangeOutcome.Busy)
            {
                return new ProbeResult(GasleserDeviceStatus.RateLimited, null, null);
            }

            // A device that answered with a reading before is a Gasleser, even if its last exchange failed.
            GasleserReading? last = session.LastReading;
            return last != null ? new ProbeResult(GasleserDeviceStatus.Online, last.AsCached(), null) : null;
        }
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
