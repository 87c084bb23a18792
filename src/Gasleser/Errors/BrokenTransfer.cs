using System;
using System.Globalization;

namespace Gasleser
{
    /// <summary>
    /// Each way an exchange with a device can break off, worded once: the message that names what came and
    /// where it stopped, the error id and phase, and the advice that fits that shape. A connection that ends
    /// before the answer is whole is the network's or the device's trouble (Gasleser.Unreachable, phase
    /// Answer), never "not a Gasleser" or "update the firmware": what did come was a Gasleser's beginning.
    /// </summary>
    internal static class BrokenTransfer
    {
        /// <summary>Accepted, then closed or reset before a byte: a device restarting or full, or a port that takes and drops.</summary>
        public const string ClosedAtOnceAdvice =
            "The device accepted the connection and closed it at once: a Gasleser does that while it restarts or when it has too many clients. Try again in a moment; if it persists, check that the address and port are the Gasleser's (something else may listen there).";

        /// <summary>The answer began and stopped before it was whole.</summary>
        public const string StoppedAdvice =
            "The device stopped in the middle of its answer: it may have restarted, or its Wi-Fi is weak. Try again in a moment; if every try breaks off, restart the device or move it closer to the access point.";

        /// <summary>Accepted, then closed without a byte.</summary>
        public static GasleserUnreachableException ClosedWithoutAnswer(string name) =>
            Broken($"{name} accepted the connection and closed it without sending anything.", name, ClosedAtOnceAdvice);

        /// <summary>Accepted, then reset (not closed) without a byte.</summary>
        public static GasleserUnreachableException ResetWithoutAnswer(string name, Exception inner) =>
            Broken($"{name} accepted the connection, then reset the connection before sending anything.", name, ClosedAtOnceAdvice, inner);

        /// <summary>Reset after <paramref name="bytes"/> bytes of the answer.</summary>
        public static GasleserUnreachableException ResetMidAnswer(string name, long bytes, Exception inner) =>
            Broken($"{name} began to answer, then reset the connection after {Bytes(bytes)}, before the answer was complete.", name, StoppedAdvice, inner);

        /// <summary>Closed before the empty line that ends the headers.</summary>
        public static GasleserUnreachableException ClosedInHeaders(string name, int bytes) =>
            Broken($"{name} began an HTTP answer and closed the connection inside its headers, after {Bytes(bytes)}.", name, StoppedAdvice);

        /// <summary>Closed right after the headers of a 200 whose body has no other end than the connection's.</summary>
        public static GasleserUnreachableException ClosedBeforeBody(string name, int status, string reason) =>
            Broken($"{name} sent its headers (HTTP {status} {reason}".TrimEnd() + ") and closed the connection before its body.", name, StoppedAdvice);

        /// <summary>Closed before the body reached its Content-Length.</summary>
        public static GasleserUnreachableException ClosedBeforeLength(string name, long got, long declared) =>
            Broken($"{name} closed the connection after {got.ToString(CultureInfo.InvariantCulture)} of the {declared.ToString(CultureInfo.InvariantCulture)} bytes its Content-Length announced.", name, StoppedAdvice);

        /// <summary>Closed before the last chunk of a chunked body.</summary>
        public static GasleserUnreachableException ClosedInChunks(string name, int bytes) =>
            Broken($"{name} closed the connection inside its chunked body, after {Bytes(bytes)} of body and before its last chunk.", name, StoppedAdvice);

        /// <summary>A body framed only by the connection's end, which ended inside the JSON: it was cut, not finished.</summary>
        public static GasleserUnreachableException ClosedInJson(string name, int bytes) =>
            Broken($"{name} closed the connection inside its JSON, after {Bytes(bytes)} of body (it sent no Content-Length, so the close ended the answer early).", name, StoppedAdvice);

        private static string Bytes(long n) => n.ToString(CultureInfo.InvariantCulture) + (n == 1 ? " byte" : " bytes");

        private static GasleserUnreachableException Broken(string message, string name, string advice, Exception? inner = null) =>
            new GasleserUnreachableException(message, name, inner, ExchangePhase.Answer) { Advice = advice };
    }
}
