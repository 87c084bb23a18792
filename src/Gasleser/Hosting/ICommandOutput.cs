using System.Management.Automation;

namespace Gasleser.Hosting
{
    /// <summary>
    /// Where a command's work reports what it produces: objects, errors, warnings, verbose lines and progress.
    /// The one way background work talks to a cmdlet; the cmdlet's implementation hands everything to the
    /// pipeline thread, the only thread that may write to the pipeline.
    /// </summary>
    internal interface ICommandOutput
    {
        void WriteObject(object item);

        /// <summary>A failure for one device, file or row; the command goes on with the others.</summary>
        void WriteError(GasleserException error);

        void WriteWarning(string message);

        void WriteVerbose(string message);

        void WriteProgress(ProgressRecord progress);
    }
}
