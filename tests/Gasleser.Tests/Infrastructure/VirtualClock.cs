using System.Diagnostics;
using Gasleser.Sessions;
using Gasleser.Hosting;

namespace Gasleser.Tests;

/// <summary>
/// A session clock the tests control. With <see cref="AutoAdvance"/> it jumps to the next waiter's due
/// time (or the next scheduled event's, if sooner) as soon as nothing new has happened for a few real
/// milliseconds, so a 10 s window passes in milliseconds; without it, time moves only by <see cref="Advance"/>.
/// It jumps only while something waits on it: a request in flight with nobody waiting (a watch of one
/// device, say) takes no virtual time, however many real milliseconds it takes, and a scheduled event
/// later in the day is not pulled forward into it.
/// Two knobs, as on a real host: elapsed time (what every wait runs on) moves by <see cref="Advance"/> and
/// auto-advance; the wall clock (<see cref="UtcNow"/>) moves with it and can also be stepped on its own
/// (<see cref="StepWallClock"/>), as an NTP correction or a user changing the time would.
/// </summary>
internal sealed class VirtualClock : IClock, IDisposable
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(5);
    private readonly object _lock = new();
    private readonly List<(TimeSpan Due, TaskCompletionSource Done)> _waiters = new();
    private readonly List<(TimeSpan Due, Action Action)> _scheduled = new();
    private readonly Stopwatch _sinceChange = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private readonly DateTimeOffset _start;
    private TimeSpan _elapsed;
    private TimeSpan _wallStep;

    public VirtualClock(DateTimeOffset? start = null)
    {
        _start = start ?? new DateTimeOffset(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);
        _ = Task.Run(PumpAsync);
    }

    public bool AutoAdvance { get; set; } = true;

    /// <summary>
    /// With <see cref="AutoAdvance"/>, one more condition for jumping: that the work released so far has
    /// settled, as this says (null: the quiet few milliseconds alone). The devices of a watch are staggered,
    /// so while one device's poll is on its way to the device, others wait for their own due times; on a
    /// loaded machine a poll could take longer than the quiet milliseconds to get there, and the clock
    /// would jump past it. Evaluated outside this clock's lock (it may read the simulated devices, which
    /// read this clock).
    /// </summary>
    public Func<bool>? Settled { get; set; }

    /// <summary>The host's wall clock: true time plus every step made by <see cref="StepWallClock"/>.</summary>
    public DateTimeOffset UtcNow { get { lock (_lock) { return _start + _elapsed + _wallStep; } } }

    public TimeSpan Elapsed { get { lock (_lock) { return _elapsed; } } }

    /// <summary>What the time really is (the devices' clocks): untouched by wall-clock steps.</summary>
    public DateTimeOffset TrueNow { get { lock (_lock) { return _start + _elapsed; } } }

    /// <summary>Steps the wall clock alone (an hour back, a day ahead); elapsed time does not move.</summary>
    public void StepWallClock(TimeSpan by)
    {
        lock (_lock)
        {
            _wallStep += by;
        }
    }

    /// <summary>How many waits are pending (a cmdlet waiting for its slot shows here).</summary>
    public int Waiters { get { lock (_lock) { return _waiters.Count; } } }

    public Task Delay(TimeSpan delay, CancellationToken cancellationToken)
    {
        if (delay <= TimeSpan.Zero)
        {
            return Task.CompletedTask;
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _waiters.Add((_elapsed + delay, done));
            _sinceChange.Restart();
        }

        cancellationToken.Register(() =>
        {
            lock (_lock)
            {
                _waiters.RemoveAll(w => w.Done == done);
            }

            done.TrySetCanceled(cancellationToken);
        });
        return done.Task;
    }

    /// <summary>
    /// Runs <paramref name="action"/> when this clock reaches now + <paramref name="after"/>, synchronously
    /// and before any waiter due at the same time is released: a test's scripted event (a device going
    /// away, coming back) happens exactly then, whatever the thread pool is doing. The clock stops there on
    /// its way to a later waiter, but an event alone does not make it move.
    /// </summary>
    public void Schedule(TimeSpan after, Action action)
    {
        lock (_lock)
        {
            _scheduled.Add((_elapsed + after, action));
            _sinceChange.Restart();
        }
    }

    public void Advance(TimeSpan by)
    {
        lock (_lock)
        {
            _elapsed += by;
        }

        Release();
    }

    private async Task PumpAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            await Task.Delay(1).ConfigureAwait(false);
            if (!AutoAdvance)
            {
                continue;
            }

            if (Settled is { } settled)
            {
                lock (_lock)
                {
                    if (_waiters.Count == 0 || _sinceChange.Elapsed < Quiet)
                    {
                        continue;
                    }
                }

                if (!settled())
                {
                    continue;
                }
            }

            lock (_lock)
            {
                // (After Settled, again: something may have started waiting while it was asked.)
                if (_waiters.Count == 0 || _sinceChange.Elapsed < Quiet)
                {
                    continue;
                }

                TimeSpan next = _waiters.Select(w => w.Due).Concat(_scheduled.Select(s => s.Due)).Min();
                if (next > _elapsed)
                {
                    _elapsed = next;
                }

                _sinceChange.Restart();
            }

            Release();
        }
    }

    private void Release()
    {
        List<Action> actions;
        lock (_lock)
        {
            actions = _scheduled.Where(s => s.Due <= _elapsed).OrderBy(s => s.Due).Select(s => s.Action).ToList();
            _scheduled.RemoveAll(s => s.Due <= _elapsed);
        }

        actions.ForEach(action => action());
        List<TaskCompletionSource> due;
        lock (_lock)
        {
            due = _waiters.Where(w => w.Due <= _elapsed).Select(w => w.Done).ToList();
            _waiters.RemoveAll(w => w.Due <= _elapsed);
        }

        foreach (TaskCompletionSource done in due)
        {
            done.TrySetResult();
        }
    }

    public void Dispose() => _stop.Cancel();
}
