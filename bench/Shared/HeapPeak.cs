namespace Gasleser.Bench;

/// <summary>
/// The highest managed heap seen while it runs, sampled every 5 ms (garbage included), above the heap when it
/// started (after a full collection). Shared by the benchmarks that report "peak heap".
/// </summary>
internal sealed class HeapPeak : IDisposable
{
    private readonly long _before;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampler;
    private long _peak;

    public HeapPeak()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        _before = GC.GetTotalMemory(true);
        _peak = _before;
        _sampler = Task.Run(Sample);
    }

    /// <summary>Stops sampling; the peak above the start, in MiB.</summary>
    public double StopMiB()
    {
        Stop();
        return (Interlocked.Read(ref _peak) - _before) / 1048576.0;
    }

    public void Dispose()
    {
        Stop();
        _stop.Dispose();
    }

    private void Stop()
    {
        _stop.Cancel();
        _sampler.Wait();
    }

    private void Sample()
    {
        while (!_stop.IsCancellationRequested)
        {
            long now = GC.GetTotalMemory(false);
            if (now > Interlocked.Read(ref _peak))
            {
                Interlocked.Exchange(ref _peak, now);
            }

            Thread.Sleep(5);
        }
    }
}
