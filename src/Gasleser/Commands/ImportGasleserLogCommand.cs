using System;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using Gasleser.Logging;

namespace Gasleser.Commands
{
    /// <summary>
    /// Import-GasleserLog: typed readings back from CSV logs (Export-GasleserLog's, or Export-Csv's in any
    /// culture), streamed row by row; a bad row is a non-terminating Gasleser.InvalidReading naming file and line.
    /// </summary>
    [Cmdlet(VerbsData.Import, "GasleserLog")]
    [OutputType(typeof(GasleserReading))]
    public sealed class ImportGasleserLogCommand : GasleserCmdlet
    {
        /// <summary>Log files; wildcards allowed. From the pipeline as strings or Get-ChildItem's files.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName", "PSPath")]
        [ValidateNotNullOrEmpty]
        public string[] Path { get; set; } = Array.Empty<string>();

        protected override void ProcessRecord()
        {
            foreach (string pattern in Path)
            {
                foreach (string file in Resolve(pattern))
                {
                    try
                    {
                        ReadingLogReader.Read(file, CultureInfo.CurrentCulture, Output, StopToken);
                    }
                    catch (GasleserLogFileException ex)
                    {
                        Output.WriteError(ex);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
            }
        }

        private string[] Resolve(string pattern)
        {
            try
            {
                return SessionState.Path.GetResolvedProviderPathFromPSPath(pattern, out _).ToArray();
            }
            catch (Exception ex) when (ex is ItemNotFoundException || ex is WildcardPatternException || ex is ProviderNotFoundException
                                       || ex is DriveNotFoundException || ex is NotSupportedException || ex is ArgumentException)
            {
                Output.WriteError(new GasleserLogFileException(
                    $"No log file matches '{DeviceText.Printable(pattern, 200)}': {ex.Message}", pattern, ErrorCategory.ObjectNotFound,
                    "Check the path; wildcards such as gas-*.csv are allowed."));
                return Array.Empty<string>();
            }
        }
    }
}
