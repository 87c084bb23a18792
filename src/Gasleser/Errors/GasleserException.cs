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
        /// <summary>The longest message any error carries: each quote is bounded where it is made; this is the net under them.</summary>
        internal const int MaxMessageLength = 2000;

        // Messages quote what devices, files and users sent: whatever slipped through unescaped is escaped here,
        // so no error can put control characters on a terminal, and none is longer than MaxMessageLength.
        protected GasleserException(string message, string computerName, Exception? inner = null)
            : base(DeviceText.Printable(message, MaxMessageLength), inner)
        {
            ComputerName = DeviceText.Printable(computerName, int.MaxValue);
        }

        /// <summary>The address the failure is about (control characters escaped).</summary>
        public string ComputerName { get; }

        /// <summary>The stable error id, e.g. "Gasleser.Timeout".</summary>
        public abstract string ErrorId { get; }

        public abstract ErrorCategory Category { get; }

        /// <summary>What the user can do about it.</summary>
        public abstract string RecommendedAction { get; }

        // What the error record names as its target: the address, unless set to the object the failure is
        // about (the piped row, the log file) — also when that object is null.
        private object? _target;
        private bool _targetSet;

        /// <summary>Makes <paramref name="target"/> the error record's target object instead of <see cref="ComputerName"/>.</summary>
        private protected void SetTarget(object? target)
        {
            _target = target;
            _targetSet = true;
        }

        public ErrorRecord ToErrorRecord()
        {
            return new ErrorRecord(this, ErrorId, Category, _targetSet ? _target : ComputerName)
            {
                ErrorDetails = new ErrorDetails(Message) { RecommendedAction = RecommendedAction },
            };
        }
    }

    /// <summary>Gasleser.UnexpectedError: a failure the module did not foresee — a defect; the inner exception says what.</summary>
    public sealed class GasleserUnexpectedErrorException : GasleserException
    {
        public GasleserUnexpectedErrorException(string computerName, Exception inner)
            : base($"{computerName}: the module failed unexpectedly: {DeviceText.Printable(inner.Message, 300)}", computerName, inner) { }
        public override string ErrorId => "Gasleser.UnexpectedError";
        public override ErrorCategory Category => ErrorCategory.NotSpecified;
        public override string RecommendedAction =>
            "This is a defect in the Gasleser module: please report it with this message and the command that caused it ($Error[0] | Format-List * -Force).";
    }
}
