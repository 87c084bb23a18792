using System;
using System.Globalization;
using System.Net.Sockets;

namespace Gasleser
{
    /// <summary>
    /// Each cause of a failed exchange with a device, worded once: the error id and phase or kind, the message
    /// that names what came and where it stopped, and the advice that fits that cause. Every site that meets a
    /// cause (the name lookup, the connection, the answer's reader, the device's turn) raises it through here,
    /// and every cmdlet shows the same words: Find-Gasleser's -Verbose lines reuse the message.
    ///
    /// A connection that ends before the answer is whole is the network's or the device's trouble
    /// (Gasleser.Unreachable, phase Answer), never "not a Gasleser" or "update the firmware": what did come was a
    /// Gasleser's beginning.
    /// </summary>
    internal static class ExchangeCauses
    {
        // ---- The name lookup: no device was contacted.

        public static GasleserTimeoutException LookupTimedOut(string name, string host, TimeSpan timeout) =>
            new GasleserTimeoutException($"{name}: looking up the name {DeviceText.Quote(host)} did not finish within {Within(timeout)}; no device was contacted.", name, ExchangePhase.NameLookup);

        public static GasleserUnreachableException LookupFailed(string name, string host, SocketException ex) =>
            new GasleserUnreachableException($"{name}: the name {DeviceText.Quote(host)} could not be looked up: {Describe(ex)}; no device was contacted.", name, ex, ExchangePhase.NameLookup);

        public static GasleserUnreachableException NoAddress(string name, string host) =>
            new GasleserUnreachableException($"{name}: the name {DeviceText.Quote(host)} resolved to no address; no device was contacted.", name, null, ExchangePhase.NameLookup);

        // ---- The connection: the request never left this computer.

        /// <summary>The host answered, but nothing listens on the port (or a device restarting is not listening yet).</summary>
        public const string RefusedAdvice =
            "The address answered, but refused the connection: nothing listens on that port there. Check the port (a Gasleser listens on 80) and that the address is the Gasleser's, not another computer's (Find-Gasleser can look for it). A Gasleser that is restarting refuses for a few seconds: try again in a moment.";

        /// <summary>Refused, host or network unreachable: <paramref name="why"/> says which.</summary>
        public static GasleserUnreachableException NotConnected(string name, int port, string why, Exception inner) =>
            new GasleserUnreachableException($"{name} could not be reached{OnDefaultPort(name, port)}: {why}.", name, inner, ExchangePhase.Connect)
            {
                Advice = (inner as SocketException)?.SocketErrorCode == SocketError.ConnectionRefused ? RefusedAdvice : null,
            };

        public static GasleserTimeoutException ConnectTimedOut(string name, TimeSpan timeout) =>
            new GasleserTimeoutException($"{name} did not accept a connection within {Within(timeout)}.", name, ExchangePhase.Connect);

        /// <summary>This computer, not the device, ran out of sockets or open files.</summary>
        public static GasleserLocalResourceException OutOfResources(string name, Exception ex) =>
            new GasleserLocalResourceException(
                $"{name} was not asked: this computer ran out of sockets or open files ({ex.GetBaseException().Message.TrimEnd('.')}). Other devices of this command may not have been asked either.",
                name,
                ex);

        // ---- The answer did not come, or broke off before it was whole.

        /// <summary>Accepted, then closed or reset before a byte: a device restarting or full, or a port that takes and drops.</summary>
        public const string ClosedAtOnceAdvice =
            "The device accepted the connection and closed it at once: a Gasleser does that while it restarts or when it has too many clients. Try again in a moment; if it persists, check that the address and port are the Gasleser's (something else may listen there).";

        /// <summary>The answer began and stopped before it was whole.</summary>
        public const string StoppedAdvice =
            "The device stopped in the middle of its answer: it may have restarted, or its Wi-Fi is weak. Try again in a moment; if every try breaks off, restart the device or move it closer to the access point.";

        /// <summary>Accepted, and no answer, or part of one, within the timeout.</summary>
        public static GasleserTimeoutException AnswerTimedOut(string name, long bytesReceived, TimeSpan timeout) =>
            new GasleserTimeoutException(
                bytesReceived > 0
                    ? $"{name} accepted the connection and began to answer ({Bytes(bytesReceived)}) but did not finish within {Within(timeout)}."
                    : $"{name} accepted the connection but did not answer within {Within(timeout)}.",
                name,
                ExchangePhase.Answer);

        /// <summary>Accepted, then closed without a byte.</summary>
        public static GasleserUnreachableException ClosedWithoutAnswer(string name) =>
            Broken($"{name} accepted the connection and closed it without sending anything.", name, ClosedAtOnceAdvice);

        /// <summary>Accepted, then reset (not closed) without a byte.</summary>
        public static GasleserUnreachableException ResetWithoutAnswer(string name, Exception inner) =>
            Broken($"{name} accepted the connection, then reset the connection before sending anything.", name, ClosedAtOnceAdvice, inner);

        /// <summary>Reset after <paramref name="bytes"/> bytes of the answer.</summary>
        public static GasleserUnreachableException ResetMidAnswer(string name, long bytes, Exception inner) =>
            Broken($"{name} began to answer, then reset the connection after {Bytes(bytes)}, before the answer was complete.", name, StoppedAdvice, inner);

        /// <summary>Any other break of an accepted connection; <paramref name="why"/> is the system's reason.</summary>
        public static GasleserUnreachableException BrokeMidAnswer(string name, string why, Exception inner) =>
            Broken($"{name} accepted the connection, but it broke before the answer was complete: {why}.", name, StoppedAdvice, inner);

        /// <summary>Closed right after an interim answer (100 Continue), before the answer it announced.</summary>
        public static GasleserUnreachableException ClosedAfterInterim(string name, int status, string reason) =>
            Broken($"{name} sent an interim answer ({Status(status, reason)}) and closed the connection before its answer.", name, StoppedAdvice);

        /// <summary>Closed before the empty line that ends the headers.</summary>
        public static GasleserUnreachableException ClosedInHeaders(string name, long bytes) =>
            Broken($"{name} began an HTTP answer and closed the connection inside its headers, after {Bytes(bytes)}.", name, StoppedAdvice);

        /// <summary>Closed right after the headers of a 200 whose body has no other end than the connection's.</summary>
        public static GasleserUnreachableException ClosedBeforeBody(string name, int status, string reason) =>
            Broken($"{name} sent its headers ({Status(status, reason)}) and closed the connection before its body.", name, StoppedAdvice);

        /// <summary>Closed before the body reached its Content-Length.</summary>
        public static GasleserUnreachableException ClosedBeforeLength(string name, long got, long declared) =>
            Broken($"{name} closed the connection after {got.ToString(CultureInfo.InvariantCulture)} of the {declared.ToString(CultureInfo.InvariantCulture)} bytes its Content-Length announced.", name, StoppedAdvice);

        /// <summary>Closed before the last chunk of a chunked body.</summary>
        public static GasleserUnreachableException ClosedInChunks(string name, long bytes) =>
            Broken($"{name} closed the connection inside its chunked body, after {Bytes(bytes)} of body and before its last chunk.", name, StoppedAdvice);

        /// <summary>A body framed only by the connection's end, which ended inside the JSON: it was cut, not finished.</summary>
        public static GasleserUnreachableException ClosedInJson(string name, long bytes) =>
            Broken($"{name} closed the connection inside its JSON, after {Bytes(bytes)} of body (it sent no Content-Length, so the close ended the answer early).", name, StoppedAdvice);

        /// <summary>True for a failure that happened after the device accepted the connection: it was reached, and broke off.</summary>
        public static bool BrokeOff(Exception ex) =>
            ex is GasleserUnreachableException { Phase: ExchangePhase.Answer } || ex is GasleserTimeoutException { Phase: ExchangePhase.Answer };

        // ---- A whole answer that is no reading.

        public static GasleserFirmwareUnsupportedException FirmwareTooOld(string name) =>
            new GasleserFirmwareUnsupportedException(
                $"{name} answered 404 Not Found on /v1/data: a Gasleser answers so when its firmware is older than 1.0.21 (which brought /v1/data); anything else that answers so is not a Gasleser.", name);

        /// <summary>429: the session waits it out, within the turn's bounds, before it becomes RateLimited.</summary>
        public static DeviceBusyException TooManyRequests(string name, TimeSpan? retryAfter) => new DeviceBusyException(name, retryAfter);

        /// <summary>5xx, 401, 403.</summary>
        public static GasleserDeviceErrorException HttpError(string name, int status, string reason, TimeSpan? retryAfter) =>
            new GasleserDeviceErrorException(
                $"{name} answered with an error: {Status(status, reason)}"
                + (retryAfter.HasValue ? $"; it asks to be left alone for {retryAfter.Value.TotalSeconds:0} s (Retry-After)." : "."),
                name, status, reason, retryAfter);

        public static GasleserInvalidResponseException Redirect(string name, int status, string? location) =>
            NotAGasleser(name, $"it answered with a redirect ({status}{(location != null ? " to '" + location + "'" : "")}), which is not followed");

        public static GasleserInvalidResponseException OtherStatus(string name, int status, string reason) =>
            NotAGasleser(name, $"it answered {Status(status, reason)}");

        /// <summary>A first line of another protocol: <paramref name="excerpt"/> is what came, quoted and bounded.</summary>
        public static GasleserInvalidResponseException NotHttp(string name, string excerpt) =>
            NotAGasleser(name, "it did not answer in HTTP: " + excerpt);

        /// <summary>An answer past the cap; <paramref name="declared"/> when its Content-Length said so before the body came.</summary>
        public static GasleserInvalidResponseException AnswerTooLarge(string name, int capBytes, long? declared = null) =>
            NotAGasleser(name, declared is long length
                ? $"its answer of {length.ToString(CultureInfo.InvariantCulture)} bytes is larger than {capBytes / 1024} KiB"
                : $"the answer is larger than {capBytes / 1024} KiB");

        public static GasleserInvalidResponseException HeadersTooLarge(string name, int capBytes) =>
            NotAGasleser(name, $"its headers are larger than {capBytes / 1024} KiB");

        /// <summary>
        /// A 200 with nothing in it: whole (its length or last chunk said so) and empty. Nothing in it shows a
        /// Gasleser, which always sends its reading there, so it is not taken for one; but a device that is not
        /// ready may be what sent it, so the advice names both.
        /// </summary>
        public static GasleserInvalidResponseException EmptyAnswer(string name, int status, string reason, bool chunked) =>
            new GasleserInvalidResponseException(
                $"{name} answered {Status(status, reason)} with an empty body ({(chunked ? "a chunked body with no data" : "Content-Length: 0")}) on /v1/data: no reading, and nothing that shows a Gasleser.",
                name)
            {
                Advice = "A Gasleser always sends its reading on /v1/data. If this is the Gasleser, it is not ready (it may be starting up): try again in a minute, and restart it (power off and on) if it persists; otherwise check that the address and port are the Gasleser's, not another device's.",
            };

        /// <summary>Not a Gasleser's answer at all: <paramref name="what"/> says what came.</summary>
        public static GasleserInvalidResponseException NotAGasleser(string name, string what, Exception? inner = null) =>
            new GasleserInvalidResponseException($"{name} did not answer like a Gasleser: {what}.", name, inner, InvalidResponseKind.NotAGasleser);

        /// <summary>The device's clock is not set, or wrong: its time is no reading's.</summary>
        public const string ClockAdvice =
            "The device's clock is not right. A Gasleser that has just started sets its clock from the network within a minute or so: wait and try again. If it stays wrong, check that the device reaches the internet (it takes its time from NTP), then restart it (power it off and on).";

        /// <summary>A Gasleser-shaped reading with a field the module cannot accept: <paramref name="what"/> names it and its value.</summary>
        public static GasleserInvalidResponseException UnexpectedReading(string name, string what, Exception? inner = null, string? advice = null) =>
            new GasleserInvalidResponseException($"{name} answered like a Gasleser, but {what}.", name, inner, InvalidResponseKind.UnexpectedAnswer) { Advice = advice };

        /// <summary>An HTTP answer to /v1/data whose framing or encoding cannot be read (gzip, a bad length or chunk size).</summary>
        public static GasleserInvalidResponseException UnexpectedFraming(string name, string what) =>
            new GasleserInvalidResponseException($"{name} answered /v1/data, but {what}.", name, null, InvalidResponseKind.UnexpectedAnswer);

        // ---- The device's turn: waits that would run too long, or were not to be waited.

        /// <summary>-NoWait met this module's own spacing (this process, another command or another process asked last).</summary>
        public const string OwnSpacingAdvice =
            "The device allows one request every 10 s, so this module leaves 10 s between requests to a device, across this user's processes; the wait is its own, not another client's. Run the command without -NoWait to wait for the device's turn (10 s at most), or use -MaxAge to take a recent reading this session already has.";

        /// <summary>A 503 (starting up, updating) whose come-back time is past what a command waits.</summary>
        public const string UnavailableAdvice =
            "The device said it is temporarily unavailable (starting up, updating or overloaded) and when to come back: it recovers on its own. Try again after the time the message names (NextAllowed holds it); if it says so for long, restart the device (power it off and on).";

        /// <summary>-NoWait, and the device's turn (<paramref name="next"/>, in <paramref name="wait"/>) has not come.</summary>
        public static GasleserRateLimitedException NotDueNoWait(string name, DateTimeOffset next, TimeSpan wait) =>
            new GasleserRateLimitedException($"{name} may next be asked at {At(next, wait)}; -NoWait does not wait.", name, next) { Advice = OwnSpacingAdvice };

        /// <summary>The device asked for a wait longer than a command waits for it.</summary>
        public static GasleserRateLimitedException AskedForTooLong(string name, DateTimeOffset next, TimeSpan wait, TimeSpan longestWaitOut) =>
            new GasleserRateLimitedException(
                $"{name} asked not to be asked before {At(next, wait)}, longer than the {longestWaitOut.TotalSeconds:0} s a command waits for a device: try again then.", name, next);

        /// <summary>-NoWait, and another command of this process is asking the device now.</summary>
        public static GasleserRateLimitedException AskedByAnotherCommand(string name, string alsoKnownAs, DateTimeOffset? next) =>
            new GasleserRateLimitedException($"{name} is being asked by another command in this process right now{alsoKnownAs}; -NoWait does not wait for it.", name, next) { Advice = OwnSpacingAdvice };

        /// <summary>-NoWait, and another process on this machine holds the device until <paramref name="busyUntil"/>.</summary>
        public static GasleserRateLimitedException AskedByAnotherProcess(string name, DateTimeOffset busyUntil, TimeSpan wait, DateTimeOffset? next) =>
            new GasleserRateLimitedException(
                $"{name} was asked by another process on this machine; it may next be asked at {At(busyUntil, wait)}. -NoWait does not wait.", name, next) { Advice = OwnSpacingAdvice };

        /// <summary>
        /// A "come back later" (<paramref name="answer"/>, e.g. "429 Too Many Requests") whose window would take the
        /// command past <paramref name="longestWaitOut"/>: the window alone, or with what it already waited out.
        /// </summary>
        public static GasleserRateLimitedException WindowTooLong(string name, string answer, bool rateLimit, DateTimeOffset acceptsAt, TimeSpan window, TimeSpan waitedOut, TimeSpan longestWaitOut, DateTimeOffset? next) =>
            new GasleserRateLimitedException(
                waitedOut >= TimeSpan.FromSeconds(1) // its turn, its exchanges and earlier windows
                    ? $"{name} answered {answer}. {AcceptsAgain(acceptsAt, window)} This command has already waited {Seconds(waitedOut)} s for it, and waits at most {longestWaitOut.TotalSeconds:0} s in all: try again then."
                    : $"{name} answered {answer}. {AcceptsAgain(acceptsAt, window)} That is longer than the {longestWaitOut.TotalSeconds:0} s a command waits for a device: try again then.",
                name,
                next) { Advice = rateLimit ? null : UnavailableAdvice };

        /// <summary>A "come back later" that is not a 429 (a 503 starting up), still after the retries.</summary>
        public static GasleserRateLimitedException StillUnavailable(string name, string answer, int times, string why, DateTimeOffset acceptsAt, TimeSpan window, DateTimeOffset? next) =>
            new GasleserRateLimitedException($"{name} answered {answer} {times} time(s): {why}. {AcceptsAgain(acceptsAt, window)}", name, next) { Advice = UnavailableAdvice };

        /// <summary>
        /// 429 after the requests a call may send: another client polls the device <paramref name="intervalText"/>
        /// (<paramref name="evidence"/> says from what), and may leave no room for another reading.
        /// </summary>
        public static GasleserRateLimitedException KeptBusyAfterAnswers(string name, string answer, int times, string? intervalText, bool saturated, string evidence,
            DateTimeOffset acceptsAt, TimeSpan window, DateTimeOffset? next, TimeSpan? otherClientInterval) =>
            new GasleserRateLimitedException(
                $"{name} answered {answer} {times} time(s): another client, not this module, is asking it"
                + (intervalText != null ? $"; it seems to poll {intervalText}" : "")
                + (saturated ? ", which leaves no room for another reading" : "") + $" ({evidence}). {AcceptsAgain(acceptsAt, window)}",
                name, next, otherClientInterval);

        /// <summary>Not asked at all: another client is known to leave the device no room, and the call does not insist.</summary>
        public static GasleserRateLimitedException KeptBusyNotAsked(string name, string? intervalText, string evidence, DateTimeOffset askAgain, int mostRequests, TimeSpan? otherClientInterval) =>
            new GasleserRateLimitedException(
                $"{name} is kept busy by another client, not by this module"
                + (intervalText != null ? $": it seems to poll the device {intervalText}, which" : ", which") + $" leaves no room for another reading ({evidence}). "
                + $"So it was not asked: a request now would fail and cost that client its reading. This module asks it again after {askAgain.ToLocalTime():HH:mm:ss}; -Force asks now (at most {mostRequests} requests).",
                name, askAgain, otherClientInterval);

        // ---- Words the causes share.

        /// <summary>A socket's failure in words: what the system's code means here.</summary>
        public static string Describe(SocketException ex) => ex.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => "connection refused (nothing listens on that port)",
            SocketError.ConnectionReset => "the connection was reset",
            SocketError.HostNotFound => "host not found",
            SocketError.TryAgain => "name lookup failed",
            SocketError.HostUnreachable => "host unreachable",
            SocketError.NetworkUnreachable => "network unreachable",
            _ => ex.Message,
        };

        /// <summary>A span in seconds with one decimal, as waits are told ("10.5").</summary>
        public static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);

        // " on port 80" when the name does not show the port (the default one): the user sees which port was tried.
        private static string OnDefaultPort(string name, int port) =>
            name.EndsWith(":" + port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal) ? "" : $" on port {port.ToString(CultureInfo.InvariantCulture)}";

        private static string Within(TimeSpan timeout) => timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";

        private static string At(DateTimeOffset when, TimeSpan wait) => $"{when.ToLocalTime():HH:mm:ss} (in {Seconds(wait)} s)";

        private static string AcceptsAgain(DateTimeOffset when, TimeSpan window) => $"It will accept requests again at {At(when, window)}.";

        private static string Status(int status, string reason) => $"HTTP {status.ToString(CultureInfo.InvariantCulture)} {reason}".TrimEnd();

        private static string Bytes(long n) => n.ToString(CultureInfo.InvariantCulture) + (n == 1 ? " byte" : " bytes");

        private static GasleserUnreachableException Broken(string message, string name, string advice, Exception? inner = null) =>
            new GasleserUnreachableException(message, name, inner, ExchangePhase.Answer) { Advice = advice };
    }
}
