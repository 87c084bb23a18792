using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Gasleser.Hosting;

namespace Gasleser.Commands
{
    /// <summary>
    /// The base of every Gasleser cmdlet: owns what each invocation shares — the output sink that background
    /// work reports through (<see cref="Output"/>), the work itself, Ctrl+C (<see cref="StopProcessing"/>
    /// cancels <see cref="StopToken"/>, which every wait and request of the invocation is given), and disposal.
    ///
    /// Public only because C# forbids a public cmdlet class deriving from a less accessible one (CS0060), and
    /// PowerShell binds only public cmdlet classes. Its constructor is internal, so no class outside this module
    /// derives from it, and besides <see cref="IDisposable"/> (implemented explicitly) it shows nothing public.
    /// </summary>
    public abstract class GasleserCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly PipelineOutput _output;

        internal GasleserCmdlet()
        {
            _output = new PipelineOutput(this, _stop.Token);
        }

        /// <summary>Where this invocation's work writes objects, errors, warnings, verbose lines and progress, from any thread.</summary>
        internal ICommandOutput Output => _output;

        /// <summary>Cancelled by Ctrl+C (and when the invocation ends): given to every wait and request.</summary>
        internal CancellationToken StopToken => _stop.Token;

        /// <summary>How long a stopped command waits for its background work to unwind before it returns.</summary>
        internal virtual TimeSpan StopGrace => TimeSpan.Zero;

        /// <summary>The sink, with each object written given <paramref name="typeName"/> first, to pick its view.</summary>
        internal ICommandOutput OutputShownAs(string typeName) => new TypeNamedOutput(_output, typeName);

        /// <summary>Starts background work; <paramref name="target"/> names it in an unexpected error.</summary>
        internal void RunInBackground(object target, Func<CancellationToken, Task> work) => _output.Run(target, work);

        /// <summary>On the pipeline thread: writes what background work has reported so far.</summary>
        internal void WriteQueued() => _output.Pump(untilDone: false);

        /// <summary>
        /// On the pipeline thread: writes what background work reports until all of it has ended. Stopped
        /// (Ctrl+C, or an error made terminating by -ErrorAction Stop), nothing of the work goes on.
        /// </summary>
        internal void WriteUntilWorkEnds()
        {
            try
            {
                _output.Pump(untilDone: true);
            }
            catch
            {
                Stop();
                throw;
            }
        }

        protected sealed override void StopProcessing() => Stop();

        /// <summary>What a cmdlet holds besides the invocation's own (a file writer, say), released at its end.</summary>
        internal virtual void DisposeResources()
        {
        }

        // The token source is left to the collector, not disposed: work still unwinding may look at its token,
        // and a late Ctrl+C may still cancel it.
        void IDisposable.Dispose()
        {
            _stop.Cancel();
            _output.Close();
            DisposeResources();
        }

        private void Stop()
        {
            _stop.Cancel();
            if (StopGrace > TimeSpan.Zero)
            {
                _output.WaitForWorkToEnd(StopGrace);
            }
        }

        /// <summary>Gives every object written an extra type name first, for its view; the rest passes as it is.</summary>
        private sealed class TypeNamedOutput : ICommandOutput
        {
            private readonly ICommandOutput _output;
            private readonly string _typeName;

            public TypeNamedOutput(ICommandOutput output, string typeName)
            {
                _output = output;
                _typeName = typeName;
            }

            public void WriteObject(object item)
            {
                PSObject shown = PSObject.AsPSObject(item);
                shown.TypeNames.Insert(0, _typeName);
                _output.WriteObject(shown);
            }

            public void WriteError(GasleserException error) => _output.WriteError(error);

            public void WriteWarning(string message) => _output.WriteWarning(message);

            public void WriteVerbose(string message) => _output.WriteVerbose(message);

            public void WriteProgress(ProgressRecord progress) => _output.WriteProgress(progress);
        }
    }
}
