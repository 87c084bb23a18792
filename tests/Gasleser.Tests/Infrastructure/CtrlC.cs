using System.Diagnostics;
using System.Management.Automation;
using Xunit;

namespace Gasleser.Tests;

/// <summary>Ctrl+C as a user's shell sends it: PowerShell.Stop() on a running invocation.</summary>
internal static class CtrlC
{
    /// <summary>Stops <paramref name="ps"/> and asserts it was stopped, and within half a second.</summary>
    public static void StopsWithinHalfASecond(PowerShell ps, IAsyncResult running)
    {
        var stopwatch = Stopwatch.StartNew();
        ps.Stop();
        stopwatch.Stop();

        Assert.True(running.IsCompleted);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(0.5), $"stopped after {stopwatch.Elapsed}");
        Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
    }
}
