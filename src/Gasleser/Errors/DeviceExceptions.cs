using System;
using System.Management.Automation;

// What asking a device can end in: one exception per error id (docs/errors.md), and the 429 the session waits out.
namespace Gasleser
{
    /// <summary>Gasleser.RateLimited: the device answered 429 after the bounded retries, or -NoWait refused to wait.</summary>
    public sealed class GasleserRateLimitedException : GasleserException
    {
        public GasleserRateLimitedException(string message, string computerName, DateTimeOffset? nextAllowed = null, TimeSpan? otherClientInterval = null)
            : base(message, computerName)
        {
            NextAllowed = nextAllowed;
            OtherClientInterval = otherClientInterval;
        }

        /// <summary>When the session will next let a request go to the device (UTC), when known.</summary>
        public DateTimeOffset? NextAllowed { get; }

        /// <summary>
        /// When another client's polling caused it (429 answers): about how often that client polls the device, as
        /// estimated from the 429s this user's processes saw. Null when the wait was this module's own.
        /// </summary>
        public TimeSpan? OtherClientInterval { get; }
        public override string ErrorId => "Gasleser.RateLimited";
        public override ErrorCategory Category => ErrorCategory.ResourceBusy;
        /// <summary>Advice for one cause (see ExchangeCauses: a 503 window, this module's own spacing), in place of the general one.</summary>
        internal string? Advice { get; set; }

        public override string RecommendedAction => Advice ?? (OtherClientInterval is TimeSpan interval
            ? $"Another client polls this device about every {interval.TotalSeconds:0} s, and the device allows one request every 10 s between all its clients. Raise that client's polling interval to 30 s or more (Home Assistant: the Gasleser integration's scan interval), or read the value from that client instead, or use -MaxAge to accept a recent reading from this session."
            : "The device allows one request every 10 seconds. Another client (a Home Assistant integration, another script) may be polling it: try again after the wait the message names (NextAllowed holds the time), or use -MaxAge to accept a recent cached reading.");
    }

    /// <summary>Gasleser.FirmwareUnsupported: 404 on /v1/data.</summary>
    public sealed class GasleserFirmwareUnsupportedException : GasleserException
    {
        public GasleserFirmwareUnsupportedException(string message, string computerName) : base(message, computerName) { }
        public override string ErrorId => "Gasleser.FirmwareUnsupported";
        public override ErrorCategory Category => ErrorCategory.NotImplemented;
        public override string RecommendedAction => "If this is the Gasleser, its firmware is older than 1.0.21, which introduced /v1/data: update the Gasleser's firmware. If it is not, check the address and port (Find-Gasleser can look for the device).";
    }

    /// <summary>Which part of an exchange with a device failed: it decides what the user should check.</summary>
    public enum ExchangePhase
    {
        /// <summary>Looking up the device's name (DNS, mDNS): no device was contacted yet.</summary>
        NameLookup,
        /// <summary>Opening the TCP connection to the device's address and port.</summary>
        Connect,
        /// <summary>Connected: sending the request and reading the answer.</summary>
        Answer,
    }

    /// <summary>Gasleser.Timeout: no complete answer within the timeout.</summary>
    public sealed class GasleserTimeoutException : GasleserException
    {
        public GasleserTimeoutException(string message, string computerName, ExchangePhase phase = ExchangePhase.Answer)
            : base(message, computerName) { Phase = phase; }

        /// <summary>What had not finished when the time ran out.</summary>
        public ExchangePhase Phase { get; }
        public override string ErrorId => "Gasleser.Timeout";
        public override ErrorCategory Category => ErrorCategory.OperationTimeout;
        public override string RecommendedAction => Phase switch
        {
            ExchangePhase.NameLookup =>
                "The name lookup did not finish, so no device was contacted: check this computer's DNS server (or mDNS for .local names), or give the device's IP address instead of its name.",
            ExchangePhase.Connect =>
                "No connection could be opened in time: check that the device is powered and on the network (ping it), and that the IP address and port are right. -TimeoutSec allows longer.",
            _ => "The device accepted the connection but did not finish its answer in time: it may be busy or rebooting; try again, or allow longer with -TimeoutSec.",
        };
    }

    /// <summary>Gasleser.Unreachable: name not resolved, connection refused or reset.</summary>
    public sealed class GasleserUnreachableException : GasleserException
    {
        public GasleserUnreachableException(string message, string computerName, Exception? inner = null, ExchangePhase phase = ExchangePhase.Connect)
            : base(message, computerName, inner) { Phase = phase; }

        /// <summary>What failed: the name lookup, the connection, or the connection while the answer was read.</summary>
        public ExchangePhase Phase { get; }
        public override string ErrorId => "Gasleser.Unreachable";
        public override ErrorCategory Category => ErrorCategory.ConnectionError;

        /// <summary>Advice for one way the connection broke (see ExchangeCauses), in place of the phase's.</summary>
        internal string? Advice { get; set; }

        public override string RecommendedAction => Advice ?? Phase switch
        {
            ExchangePhase.NameLookup =>
                "The name could not be looked up, so no device was contacted: check the spelling, this computer's DNS (or mDNS for .local names), or give the device's IP address. Find-Gasleser can look for it.",
            ExchangePhase.Connect =>
                "No connection could be opened: check the network, ping the device, and check the address and port. Find-Gasleser can look for it.",
            _ => "The connection broke while the device answered: it may be rebooting or its Wi-Fi is weak; try again in a moment.",
        };
    }

    /// <summary>Whether an odd answer came from a Gasleser or from something else at that address.</summary>
    public enum InvalidResponseKind
    {
        /// <summary>Not a Gasleser's answer at all: HTML, a redirect, not HTTP, not JSON.</summary>
        NotAGasleser,
        /// <summary>A Gasleser-shaped answer (a JSON reading) with a field or framing the module cannot accept.</summary>
        UnexpectedAnswer,
    }

    /// <summary>Gasleser.InvalidResponse: not JSON, missing or mistyped fields, an implausible time or total, an oversized body, a redirect.</summary>
    public sealed class GasleserInvalidResponseException : GasleserException
    {
        public GasleserInvalidResponseException(string message, string computerName, Exception? inner = null, InvalidResponseKind kind = InvalidResponseKind.NotAGasleser)
            : base(message, computerName, inner) { Kind = kind; }

        public InvalidResponseKind Kind { get; }
        public override string ErrorId => "Gasleser.InvalidResponse";
        public override ErrorCategory Category => ErrorCategory.InvalidData;

        /// <summary>Advice for one cause (see ExchangeCauses), in place of the kind's.</summary>
        internal string? Advice { get; set; }

        /// <summary>
        /// The device id a Gasleser's answer held when the answer was refused for another field (an unset clock,
        /// a BOM, milliseconds) and the id itself reads as one (<see cref="Readings.FieldText.IsDeviceId"/>); else null.
        /// </summary>
        internal string? DeviceId { get; set; }

        public override string RecommendedAction => Advice ?? (Kind == InvalidResponseKind.UnexpectedAnswer
            ? "A Gasleser answered, but with something its API does not allow (the message names the field and value): update its firmware, and report the answer to the maker if it persists."
            : "Something answered at this address, but not like a Gasleser: check that the address (and port) is the Gasleser's and not another device's.");
    }

    /// <summary>
    /// Gasleser.DeviceError: the device answered with an HTTP error (5xx, 401, 403). A rebooting or
    /// overloaded device answers 503, often with Retry-After, and recovers on its own.
    /// </summary>
    public sealed class GasleserDeviceErrorException : GasleserException
    {
        public GasleserDeviceErrorException(string message, string computerName, int statusCode, string reason, TimeSpan? retryAfter)
            : base(message, computerName)
        {
            StatusCode = statusCode;
            Reason = reason;
            RetryAfter = retryAfter;
        }

        /// <summary>The HTTP status the device answered with (500, 503, 401, ...).</summary>
        public int StatusCode { get; }

        /// <summary>The reason phrase of its status line, control characters escaped.</summary>
        public string Reason { get; }

        /// <summary>How long the device asked to be left alone (its Retry-After), when it said.</summary>
        public TimeSpan? RetryAfter { get; }
        public override string ErrorId => "Gasleser.DeviceError";
        public override ErrorCategory Category =>
            StatusCode == 401 || StatusCode == 403 ? ErrorCategory.PermissionDenied : ErrorCategory.ResourceUnavailable;
        public override string RecommendedAction => StatusCode switch
        {
            401 or 403 => "The device (or something in front of it) refused access: a Gasleser's API needs no login, so check that this address is the Gasleser and that no proxy or firewall page answers for it.",
            503 => "The device is temporarily unavailable (starting up, updating or overloaded): it recovers on its own; try again in a minute.",
            _ => "The device reported an internal error: try again in a minute; if it persists, restart the device (power it off and on).",
        };
    }

    /// <summary>
    /// Gasleser.DeviceNotFound: a device asked for by its id (-DeviceId) did not answer where it was last seen and
    /// a search did not find it, or a search a few minutes ago found nothing and the next is not due yet.
    /// </summary>
    public sealed class GasleserDeviceNotFoundException : GasleserException
    {
        public GasleserDeviceNotFoundException(string message, string deviceId, DateTimeOffset? nextSearch)
            : base(message, deviceId) { NextSearch = nextSearch; }

        /// <summary>The device id that was looked for (also the error record's target).</summary>
        public string DeviceId => ComputerName;

        /// <summary>When the module will search for the device again (UTC); null when it was not searched for.</summary>
        public DateTimeOffset? NextSearch { get; }
        public override string ErrorId => "Gasleser.DeviceNotFound";
        public override ErrorCategory Category => ErrorCategory.ObjectNotFound;
        public override string RecommendedAction =>
            "Check that the device is powered and on the network. If it is on a subnet that was not searched, or multicast does not reach it, say where to look with -Subnet (e.g. -Subnet 192.168.3.0/24), or read it once by its address (Get-GasleserReading 192.168.3.20): from then on -DeviceId asks it there first.";
    }

    /// <summary>
    /// Gasleser.LocalResourceExhausted: this computer, not the device, ran out of something a request needs
    /// (file descriptors: "too many open files"; socket buffers: "no buffer space available"). Reported once
    /// per command, not as one unreachable device per address.
    /// </summary>
    public sealed class GasleserLocalResourceException : GasleserException
    {
        public GasleserLocalResourceException(string message, string computerName, System.Exception? inner = null) : base(message, computerName, inner) { }
        public override string ErrorId => "Gasleser.LocalResourceExhausted";
        public override ErrorCategory Category => ErrorCategory.ResourceUnavailable;
        public override string RecommendedAction =>
            "This computer ran out of sockets or open files, so some devices were not asked; the devices are not at fault. Close other programs that hold many connections, raise the limit on open files (ulimit -n), or ask fewer devices per command.";
    }

}

namespace Gasleser
{
    /// <summary>A 429 from the device itself; the session waits it out and retries before it becomes RateLimited.</summary>
    internal sealed class DeviceBusyException : Exception
    {
        public DeviceBusyException(string computerName, TimeSpan? retryAfter)
            : base($"{computerName} answered 429 Too Many Requests.")
        {
            RetryAfter = retryAfter;
        }

        public TimeSpan? RetryAfter { get; }
    }
}
