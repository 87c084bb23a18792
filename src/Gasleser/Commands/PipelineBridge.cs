using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace Gasleser.Commands
{
    /// <summary>
    /// Runs a cmdlet's device work in the background and hands everything it produces back to the
    /// pipeline thread, the only thread that may call WriteObject, WriteError or WriteVerbose.
    /// One per invocation; its token is cancelled by Ctrl+C (StopProcessing).
    /// </summary>
    internal sealed class PipelineBridge : IDisposable
    {
        private readonly BlockingCollection<Action> _actions = new BlockingCollection<Action>();
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private int _running;
        private int _localResourceReported;

        public CancellationToken Token => _stop.Token;

        /// <summary>Starts background work; <paramref name="target"/> names it in an unexpected error.</summary>
        public void Run(Cmdlet cmdlet, object target, Func<CancellationToken, Task> work)
        {
            Interlocked.Increment(ref _running);
            Task.Run(() => work(_stop.Token)).ContinueWith(task =>
            {
                // Reading Exception observes it, also when Ctrl+C made the failure moot.
                if (task.Exception?.GetBaseException() is Exception error && !_stop.IsCancellationRequested)
                {
                    GasleserException known = error as GasleserException
                        ?? new GasleserUnexpectedErrorException(target.ToString() ?? "", error);
                    Post(() => cmdlet.WriteError(known.ToErrorRecord()));
                }

                Interlocked.Decrement(ref _running);
                Post(() => { }); // wakes the pipeline thread to notice the work is done
            }, TaskScheduler.Default);
        }

        /// <summary>Queues something for the pipeline thread to do.</summary>
        public void Post(Action action)
        {
            if (!_actions.IsAddingCompleted)
            {
                try
                {
                    _actions.Add(action);
                }
                catch (InvalidOperationException)
                {
                    // Completed in between: the invocation is over, nobody will write this.
                }
            }
        }

        /// <summary>On the pipeline thread: does what is queued, and with <paramref name="untilDone"/> waits for all work to end.</summary>
        public void Pump(bool untilDone)
        {
            while (true)
            {
                if (!untilDone || Volatile.Read(ref _running) == 0)
                {
                    while (_actions.TryTake(out Action? ready))
                    {
                        ready();
                    }

                    if (!untilDone || Volatile.Read(ref _running) == 0)
                    {
                        return;
                    }
                }

                Action next;
                try
                {
                    next = _actions.Take(_stop.Token);
                }
                catch (OperationCanceledException)
                {
                    throw new PipelineStoppedException();
                }

                next();
            }
        }

        /// <summary>
        /// False for a repeat of a local resource failure: running out of sockets is this computer's problem,
        /// said once per command, not once per device.
        /// </summary>
        public bool ShouldReport(GasleserException error) =>
            !(error is GasleserLocalResourceException) || Interlocked.Exchange(ref _localResourceReported, 1) == 0;

        /// <summary>Ctrl+C: cancels every wait and request of this invocation.</summary>
        public void Stop() => _stop.Cancel();

        /// <summary>After <see cref="Stop"/>: waits up to <paramref name="timeout"/> for the background work to unwind; true when it has.</summary>
        public bool WaitForWorkToEnd(TimeSpan timeout) => SpinWait.SpinUntil(() => Volatile.Read(ref _running) == 0, timeout);

        public void Dispose()
        {
            _stop.Cancel();
            _actions.CompleteAdding();
        }
    }
}
