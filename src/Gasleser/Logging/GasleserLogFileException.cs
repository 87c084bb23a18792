using System.Management.Automation;

namespace Gasleser
{
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
