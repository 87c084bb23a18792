using System;
using System.Globalization;
using System.Management.Automation;
using Gasleser.Logging;
using Gasleser.Hosting;

namespace Gasleser.Commands
{
    /// <summary>
    /// Export-GasleserLog: appends each reading to a CSV log the moment it arrives, under a lock held for
    /// that row only, so a killed process, overlapping scheduled tasks or a long watch lose no row.
    /// </summary>
    [Cmdlet(VerbsData.Export, "GasleserLog")]
    [OutputType(typeof(GasleserReading))]
    public sealed class ExportGasleserLogCommand : GasleserCmdlet
    {
        private ReadingLogWriter? _writer;
        private bool _pattern;
        private string? _lastName, _lastPath;

        /// <summary>The log file; may hold a date pattern for one file per period, e.g. gas-{0:yyyy-MM}.csv.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "";

        /// <summary>The reading to log, usually from the pipeline.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        public GasleserReading? InputObject { get; set; }

        /// <summary>This culture's list separator and decimal mark, for a spreadsheet in this culture.</summary>
        [Parameter]
        public SwitchParameter UseCulture { get; set; }

        /// <summary>Passes each reading on after it was written.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void BeginProcessing()
        {
            _pattern = Path.Contains("{0");
            if (_pattern)
            {
                try
                {
                    string.Format(CultureInfo.InvariantCulture, Path, DateTimeOffset.Now);
                }
                catch (FormatException)
                {
                    var problem = new GasleserLogFileException(
                        $"'{Path}' is not a file name with a date pattern such as gas-{{0:yyyy-MM}}.csv.", Path, ErrorCategory.InvalidArgument,
                        "Write the date part as {0:format} with .NET date format letters: {0:yyyy} a year, {0:yyyy-MM} a month, {0:yyyy-MM-dd} a day.");
                    ThrowTerminatingError(problem.ToErrorRecord());
                }
            }

            _writer = new ReadingLogWriter(UseCulture ? LogFormat.ForCulture(CultureInfo.CurrentCulture) : LogFormat.Invariant, Output);
        }

        protected override void ProcessRecord()
        {
            if (InputObject == null)
            {
                return;
            }

            if (string.IsNullOrWhiteSpace(InputObject.DeviceId))
            {
                // Import-GasleserLog and Measure-GasleserUsage refuse such a row: it is not written.
                Output.WriteError(new GasleserInvalidReadingException(Readings.RowParser.NoDeviceId, InputObject.ComputerName).WithTarget(InputObject));
                return;
            }

            string path = FileFor(InputObject);
            WriteQueued(); // what the background retry of a held file reported
            try
            {
                _writer!.Append(path, InputObject, StopToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (PassThru)
            {
                WriteObject(InputObject);
            }
        }

        protected override void EndProcessing()
        {
            WriteQueued();
            try
            {
                _writer!.Complete(ProcessWide.LogHeldFilePatience, StopToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            WriteQueued(); // what the background retry reported while the last rows waited
        }

        internal override void DisposeResources() => _writer?.Dispose();

        // The file of this reading: the path, or with a pattern the file of the reading's own local time.
        private string FileFor(GasleserReading reading)
        {
            string name = _pattern ? string.Format(CultureInfo.InvariantCulture, Path, reading.Timestamp.ToLocalTime()) : Path;
            if (name != _lastName)
            {
                _lastName = name;
                _lastPath = SessionState.Path.GetUnresolvedProviderPathFromPSPath(name);
            }

            return _lastPath!;
        }
    }
}
