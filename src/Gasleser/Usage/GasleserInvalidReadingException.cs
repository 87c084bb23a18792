using System.Management.Automation;

namespace Gasleser
{
    /// <summary>
    /// Gasleser.InvalidReading: a reading given to Measure-GasleserUsage whose device id, timestamp or
    /// meter total is missing or cannot be read. The reading is skipped; the others go on.
    /// </summary>
    public sealed class GasleserInvalidReadingException : GasleserException
    {
        public GasleserInvalidReadingException(string message, string computerName = "") : base(message, computerName) { }

        public override string ErrorId => "Gasleser.InvalidReading";
        public override ErrorCategory Category => ErrorCategory.InvalidData;
        public override string RecommendedAction =>
            "Give readings with a DeviceId, a Timestamp (a date-time with offset such as 2026-11-25T15:05:39+01:00, " +
            "as Get-GasleserReading and Export-Csv write it, or Unix seconds) and a TotalConsumption in m³ (12345.8 or 12345,8).";

        /// <summary>The error record for the input object the reading came from (its target).</summary>
        public ErrorRecord ToErrorRecord(object? inputObject) =>
            new ErrorRecord(this, ErrorId, Category, inputObject)
            {
                ErrorDetails = new ErrorDetails(Message) { RecommendedAction = RecommendedAction },
            };
    }
}
