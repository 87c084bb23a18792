using System.Management.Automation;

// What a user, a file or a pipeline gave that cannot be used: one exception per error id (docs/errors.md).
namespace Gasleser
{
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

    /// <summary>Gasleser.InvalidParameter: a parameter value, or a combination of them, the command cannot use.</summary>
    public sealed class GasleserInvalidParameterException : GasleserException
    {
        private readonly string _recommendedAction;

        public GasleserInvalidParameterException(string message, string parameterName, string recommendedAction)
            : base(message, parameterName)
        {
            _recommendedAction = recommendedAction;
        }

        public override string ErrorId => "Gasleser.InvalidParameter";
        public override ErrorCategory Category => ErrorCategory.InvalidArgument;
        public override string RecommendedAction => _recommendedAction;
    }

    /// <summary>Gasleser.SessionNotFound: Get-GasleserSession was given an address this process has not asked.</summary>
    public sealed class GasleserSessionNotFoundException : GasleserException
    {
        public GasleserSessionNotFoundException(string message, string computerName) : base(message, computerName) { }
        public override string ErrorId => "Gasleser.SessionNotFound";
        public override ErrorCategory Category => ErrorCategory.ObjectNotFound;
        public override string RecommendedAction =>
            "Sessions exist only for devices this process has asked (Get-GasleserReading). Run Get-GasleserSession without a name to list them.";
    }

    /// <summary>
    /// Gasleser.InvalidReading: a logged or piped row (Import-GasleserLog, Measure-GasleserUsage, the cast)
    /// that is no reading: a device id, timestamp or meter total missing or unreadable, or not plausible.
    /// The row is skipped; the others go on.
    /// </summary>
    public sealed class GasleserInvalidReadingException : GasleserException
    {
        public GasleserInvalidReadingException(string message, string computerName = "") : base(message, computerName) { }

        public override string ErrorId => "Gasleser.InvalidReading";
        public override ErrorCategory Category => ErrorCategory.InvalidData;
        public override string RecommendedAction =>
            "Fix or drop the row. A reading needs a DeviceId, a Timestamp from 2020 on and not ahead of this computer's clock " +
            "(2026-11-25T15:05:39+01:00 as Export-GasleserLog writes it, what Export-Csv writes, or Unix seconds) and a TotalConsumption " +
            "in m³ (12345.8 or 12345,8; where ',' groups thousands, as in en-US, 123,456 is ambiguous: read such a file in the culture that wrote it). " +
            "The rules: Get-Help about_Gasleser, READING LOGS BACK.";

        /// <summary>Makes the input object the reading came from (the piped row, the log file) the error record's target; returns this.</summary>
        internal GasleserInvalidReadingException WithTarget(object? inputObject)
        {
            SetTarget(inputObject);
            return this;
        }
    }

    /// <summary>
    /// Gasleser.LogFileError: a log file that cannot be read or appended to as asked: not found, a header
    /// with other columns, or held by another program for longer than the readings could be kept.
    /// The target object is the file's path.
    /// </summary>
    public sealed class GasleserLogFileException : GasleserException
    {
        private readonly string _recommendedAction;

        public GasleserLogFileException(string message, string path, ErrorCategory category, string recommendedAction)
            : base(message, path)
        {
            Category = category;
            _recommendedAction = recommendedAction;
        }

        /// <summary>The log file's path.</summary>
        public string Path => ComputerName;

        public override string ErrorId => "Gasleser.LogFileError";
        public override ErrorCategory Category { get; }
        public override string RecommendedAction => _recommendedAction;
    }
}
