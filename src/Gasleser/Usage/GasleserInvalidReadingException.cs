using System.Management.Automation;

namespace Gasleser
{
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
            "in m³ (12345.8 or 12345,8). The rules: Get-Help about_Gasleser, READING LOGS BACK.";

        /// <summary>The error record for the input object the reading came from (its target).</summary>
        public ErrorRecord ToErrorRecord(object? inputObject) =>
            new ErrorRecord(this, ErrorId, Category, inputObject)
            {
                ErrorDetails = new ErrorDetails(Message) { RecommendedAction = RecommendedAction },
            };
    }
}
