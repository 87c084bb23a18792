using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace Gasleser.Tests;

/// <summary>
/// The scheduled log of docs/logging.md, end to end, as a scheduler runs it (bench/ScheduledRecipe/run.sh): the
/// recipe under `env -i` with only PATH, in a read-only working folder, without a terminal, once (to keep the
/// suite short: the device answers once every 10 s), while an
/// interactive watch (with its own HOME, TMPDIR and XDG_RUNTIME_DIR) polls the same simulated device; then once with
/// the device switched off. It runs inside a network and mount namespace of its own (unshare -n -m), so it needs
/// root on Linux; elsewhere it says so and passes without running. The 20-run figures come from the same script
/// run by hand (about 4 minutes: the device answers once every 10 s).
/// </summary>
public sealed class ScheduledRecipeTests
{
    private readonly ITestOutputHelper _log;

    public ScheduledRecipeTests(ITestOutputHelper log) => _log = log;

    [Fact]
    public async Task The_cron_recipe_logs_under_a_bare_environment_shares_the_turn_with_a_watch_and_fails_loudly_when_the_device_is_off()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root" || !CanUnshare())
        {
            _log.WriteLine("Not run: needs Linux, root and unshare -n -m.");
            return;
        }

        string script = Path.GetFullPath(Path.Combine(StagedModule.Directory.TrimEnd('/'), "..", "..", "bench", "ScheduledRecipe", "run.sh"));
        var start = new ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add("1");
        using Process process = Process.Start(start)!;
        using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        Task<string> errors = process.StandardError.ReadToEndAsync(patience.Token);
        string output;
        try
        {
            output = await process.StandardOutput.ReadToEndAsync(patience.Token);
            await process.WaitForExitAsync(patience.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The scheduled recipe did not finish within 4 minutes.");
        }

        _log.WriteLine(output + await errors);

        Dictionary<string, string> figures = output.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(f => f.Split('=', 2)).Where(f => f.Length == 2).ToDictionary(f => f[0], f => f[1]);
        Assert.Equal("0", figures["exit_codes"]);           // the run logged a reading
        Assert.Equal("1", figures["rows"]);                 // one row, in the month's file
        Assert.Equal("0", figures["device_429"]);           // the runs and the watch kept one turn
        Assert.Equal("0", figures["run_stderr_bytes"]);     // nothing went wrong, nothing was said
        Assert.Equal("1", figures["off_exit"]);             // switched off: the run's exit code says so ...
        Assert.NotEqual("0", figures["off_stderr"]);        // ... its error is on stderr, naming the device ...
        Assert.Equal("1", figures["rows_after_off"]);       // ... and nothing was logged
        Assert.Equal("/tmp/gasleser-0", figures["private_folders"]); // one private folder, whatever the environment
    }

    private static bool CanUnshare()
    {
        try
        {
            using Process process = Process.Start(new ProcessStartInfo("unshare", "-n -m true") { RedirectStandardError = true })!;
            process.WaitForExit(10_000);
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
