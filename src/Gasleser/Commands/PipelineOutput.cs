using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Gasleser.Hosting;
using Gasleser.Loading;

namespace Gasleser.Commands
{
    /// <summary>
    /// A cmdlet's one output sink, usable from any thread. On the pipeline thread (the thread that made the
    /// cmdlet, the only one that may call WriteObject, WriteError, WriteVerbose…) it writes at once; from
    /// background work it queues the write for the pipeline thread, which does it in <see cref="Pump"/>.
    /// Also runs that background work and counts it, so the pipeline thread knows when all of it has ended.
    /// One per invocation (<see cref="GasleserCmdlet"/> makes it).
    /// </summary>
    internal sealed class PipelineOutput : ICommandOutput
    {
        private readonly Cmdlet _cmdlet;
        private readonly CancellationToken _stop;
        private readonly int _pipelineThread = Environment.CurrentManagedThreadId;
        private readonly BlockingCollection<Action> _actions = new BlockingCollection<Action>();
        private ProgressRecord? _pendingProgress;
        private int _running;
        private int _localResourceReported;

        public PipelineOutput(Cmdlet cmdlet, CancellationToken stop)
        {
            _cmdlet = cmdlet;
            _stop = stop;
        }

        private bool OnPipelineThread => Environment.CurrentManagedThreadId == _pipelineThread;

        public void WriteObject(object item) => Write(() => _cmdlet.WriteObject(item));

        /// <summary>
        /// A local resource failure is written once: running out of sockets is this computer's problem,
        /// said once per command, not once per device.
        /// </summary>
        public void WriteError(GasleserException error)
        {
            if (error is GasleserLocalResourceException && Interlocked.Exchange(ref _localResourceReported, 1) != 0)
            {
                return;
            }

            Write(() => _cmdlet.WriteError(error.ToErrorRecord()));
        }

        public void WriteWarning(string message) => Write(() => _cmdlet.WriteWarning(message));

        public void WriteVerbose(string message) => Write(() => _cmdlet.WriteVerbose(message));

        public void WriteProgress(ProgressRecord progress)
        {
            if (OnPipelineThread)
            {
                _cmdlet.WriteProgress(progress);
                return;
            }

            // One progress update queued at a time, and it shows the newest record when its turn comes:
            // a /24 finishes faster than the host can draw 254 bars.
            if (Interlocked.Exchange(ref _pendingProgress, progress) == null)
            {
                Post(() =>
                {
                    if (Interlocked.Exchange(ref _pendingProgress, null) is ProgressRecord newest)
                    {
                        _cmdlet.WriteProgress(newest);
                    }
                });
            }
        }

        /// <summary>
        /// Starts background work. A failure it does not handle itself is written as an error (a
        /// <see cref="GasleserException"/> as it is, a dependency that could not be loaded as a
        /// <see cref="GasleserDependencyException"/>, anything else as an unexpected error naming
        /// <paramref name="target"/>), unless the command was stopped.
        /// </summary>
        public void Run(object target, Func<CancellationToken, Task> work)
        {
            Interlocked.Increment(ref _running);
            Task.Run(() => work(_stop)).ContinueWith(task =>
            {
                // Reading Exception observes it, also when Ctrl+C made the failure moot.
                if (task.Exception?.GetBaseException() is Exception error && !_stop.IsCancellationRequested)
                {
                    WriteError(error as GasleserException ?? PrivateDependencies.AsFailure(error)
                        ?? (GasleserException)new GasleserUnexpectedErrorException(target.ToString() ?? "", error));
                }

                Interlocked.Decrement(ref _running);
                Post(() => { }); // wakes the pipeline thread to notice the work is done
            }, TaskScheduler.Default);
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
                    next = _actions.Take(_stop);
                }
                catch (OperationCanceledException)
                {
                    throw new PipelineStoppedException();
                }

                next();
            }
        }

        /// <summary>After the command was stopped: waits up to <paramref name="timeout"/> for the background work to unwind; true when it has.</summary>
        public bool WaitForWorkToEnd(TimeSpan timeout) => SpinWait.SpinUntil(() => Volatile.Read(ref _running) == 0, timeout);

        /// <summary>The invocation is over: what is written from now on is dropped.</summary>
        public void Close() => _actions.CompleteAdding();

        private void Write(Action write)
        {
            if (OnPipelineThread)
            {
                write();
            }
            else
            {
                Post(write);
            }
        }

        private void Post(Action action)
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
    }
}
