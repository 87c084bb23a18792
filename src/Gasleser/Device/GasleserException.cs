using System;
using System.Management.Automation;

namespace Gasleser
{
    /// <summary>
    /// The base of every failure the module reports. Each subclass is one error id of the
    /// product's error model, so a script can catch exactly the case it handles.
    /// </summary>
    public abstract class GasleserException : Exception
    {
        protected GasleserException(string message, string computerName, Exception? inner = null)
            : base(message, inner)
        {
            ComputerName = computerName;
        }

        /// <summary>The address the failure is about.</summary>
        public string ComputerName { get; }

        /// <summary>The stable error id, e.g. "Gasleser.Timeout".</summary>
        public abstract string ErrorId { get; }

        public abstract ErrorCategory Category { get; }

        /// <summary>What the user can do about it.</summary>
        public abstract string RecommendedAction { get; }

        public ErrorRecord ToErrorRecord()
        {
            return new ErrorRecord(this, ErrorId, Category, ComputerName)
            {
                ErrorDetails = new ErrorDetails(Message) { RecommendedAction = RecommendedAction },
            };
        }
    }

    /// <summary>Gasleser.RateLimited: the device answered 429 after the bounded retries, or -NoWait refused to wait.</summary>
    public sealed class GasleserRateLimitedException : GasleserException
    {
        public GasleserRateLimitedException(string message, string computerName, DateTimeOffset? nextAllowed = null)
            : base(message, computerName) { NextAllowed = nextAllowed; }

        /// <summary>When the session will next let a request go to the device (UTC), when known.</summary>
        public DateTimeOffset? NextAllowed { get; }
        public override string ErrorId => "Gasleser.RateLimited";
        public override ErrorCategory Category => ErrorCategory.ResourceBusy;
        public override string RecommendedAction =>
            "The device allows one request every 10 seconds. Another client (a Home Assistant integration, another script) may be polling it: wait 10 s and try again, or use -MaxAge to accept a recent cached reading.";
    }

    /// <summary>Gasleser.FirmwareUnsupported: 404 on /v1/data.</summary>
    public sealed class GasleserFirmwareUnsupportedException : GasleserException
    {
        public GasleserFirmwareUnsupportedException(string message, string computerName) : base(message, computerName) { }
        public override string ErrorId => "Gasleser.FirmwareUnsupported";
        public override ErrorCategory Category => ErrorCategory.NotImplemented;
        public override string RecommendedAction => "The device's firmware is older than 1.0.21, which introduced /v1/data: update the Gasleser firmware.";
    }

    /// <summary>Gasleser.Timeout: no complete answer within the timeout.</summary>
    public sealed class GasleserTimeoutException : GasleserException
    {
        public GasleserTimeoutException(string message, string computerName) : base(message, computerName) { }
        public override string ErrorId => "Gasleser.Timeout";
        public override ErrorCategory Category => ErrorCategory.OperationTimeout;
        public override string RecommendedAction => "The device did not answer in time: check that it is powered and on the network (ping it), and that the IP address is right. -TimeoutSec allows longer.";
    }

    /// <summary>Gasleser.Unreachable: name not resolved, connection refused or reset.</summary>
    public sealed class GasleserUnreachableException : GasleserException
    {
        public GasleserUnreachableException(string message, string computerName, Exception? inner = null) : base(message, computerName, inner) { }
        public override string ErrorId => "Gasleser.Unreachable";
        public override ErrorCategory Category => ErrorCategory.ConnectionError;
        public override string RecommendedAction => "The device could not be reached: check the network, ping the device, and check the address and port. Find-Gasleser can look for it.";
    }

    /// <summary>Gasleser.InvalidResponse: not JSON, missing or mistyped fields, bad timestamp, oversized body, redirect.</summary>
    public sealed class GasleserInvalidResponseException : GasleserException
    {
        public GasleserInvalidResponseException(string message, string computerName, Exception? inner = null) : base(message, computerName, inner) { }
        public override string ErrorId => "Gasleser.InvalidResponse";
        public override ErrorCategory Category => ErrorCategory.InvalidData;
        public override string RecommendedAction => "Something answered at this address, but not like a Gasleser: check that the address is the Gasleser's and not another device.";
    }

    /// <summary>Gasleser.InvalidAddress: an address or subnet that cannot be parsed, or a refused scan.</summary>
    public sealed class GasleserInvalidAddressException : GasleserException
    {
        public const string AcceptedForms =
            "192.168.2.132, 192.168.2.132:8080, gasleser.local, http://192.168.2.132/, [fe80::1]:80";

        private readonly string? _recommendedAction;

        public GasleserInvalidAddressException(string message, string input) : base(message, input) { }

        /// <summary>For a refused sweep, whose remedy is not an address form.</summary>
        public GasleserInvalidAddressException(string message, string input, string recommendedAction) : base(message, input)
        {
            _recommendedAction = recommendedAction;
        }

        public override string ErrorId => "Gasleser.InvalidAddress";
        public override ErrorCategory Category => ErrorCategory.InvalidArgument;
        public override string RecommendedAction => _recommendedAction ?? "Give the device's address in one of these forms: " + AcceptedForms + ".";
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
