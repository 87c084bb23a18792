using Gasleser.Hosting;
using Xunit;

namespace Gasleser.Tests;

/// <summary>
/// What scripts may rely on: the cmdlets, their output types and enums, the exceptions, and what PowerShell
/// itself must reach. Anything else public would be a promise no one meant to make.
/// </summary>
public sealed class PublicSurfaceTests : IDisposable
{
    private readonly ModuleShell _shell = new();

    public void Dispose() => _shell.Dispose();

    [Fact]
    public void Only_the_cmdlets_their_output_the_exceptions_and_what_PowerShell_needs_are_public()
    {
        string[] exported = typeof(GasleserReading).Assembly.GetExportedTypes().Select(t => t.FullName!).Order(StringComparer.Ordinal).ToArray();

        string[] expected =
        {
            // the cmdlets
            "Gasleser.Commands.ExportGasleserLogCommand", "Gasleser.Commands.FindGasleserCommand", "Gasleser.Commands.GetGasleserReadingCommand",
            "Gasleser.Commands.GetGasleserSessionCommand", "Gasleser.Commands.ImportGasleserLogCommand", "Gasleser.Commands.MeasureGasleserUsageCommand",
            "Gasleser.Commands.WatchGasleserReadingCommand",
            // their abstract bases, public because a public class cannot derive from an internal one (constructors internal)
            "Gasleser.Commands.GasleserCmdlet", "Gasleser.Commands.GasleserDeviceCmdlet",
            // their output and its enums
            "Gasleser.GasleserDevice", "Gasleser.GasleserDeviceStatus", "Gasleser.GasleserDiscoveryMethod", "Gasleser.GasleserReading",
            "Gasleser.GasleserSession", "Gasleser.GasleserUsage", "Gasleser.UsagePeriod",
            // the exceptions, one per error id, and their enums
            "Gasleser.ExchangePhase", "Gasleser.GasleserDependencyException", "Gasleser.GasleserDeviceErrorException", "Gasleser.GasleserException", "Gasleser.GasleserFirmwareUnsupportedException",
            "Gasleser.GasleserInvalidAddressException", "Gasleser.GasleserInvalidParameterException", "Gasleser.GasleserInvalidReadingException",
            "Gasleser.GasleserInvalidResponseException", "Gasleser.GasleserLocalResourceException", "Gasleser.GasleserLogFileException",
            "Gasleser.GasleserRateLimitedException", "Gasleser.GasleserSessionNotFoundException", "Gasleser.GasleserTimeoutException",
            "Gasleser.GasleserUnexpectedErrorException", "Gasleser.GasleserUnreachableException", "Gasleser.InvalidResponseKind",
            // what PowerShell reaches: the type converter ([Gasleser.GasleserReading]$row), the module initializer, the test hook
            "Gasleser.GasleserReadingConverter", "Gasleser.InternalHooks", "Gasleser.Loading.ModuleInitAndCleanup",
        };

        Assert.Equal(expected.Order(StringComparer.Ordinal), exported);
    }

    [Fact]
    public void The_test_hook_sets_a_process_wide_setting_by_name_and_refuses_an_unknown_one()
    {
        string? before = ProcessWide.PrivateFolder;
        try
        {
            ShellResult set = _shell.Run("[Gasleser.InternalHooks]::SetTestHook('PrivateFolder', '/tmp/gasleser-hook-test')");
            Assert.Empty(set.Errors);
            Assert.Equal("/tmp/gasleser-hook-test", ProcessWide.PrivateFolder);

            ShellResult unknown = _shell.Run("[Gasleser.InternalHooks]::SetTestHook('NoSuchSetting', 1)");
            Assert.Contains("no test hook named 'NoSuchSetting'", unknown.Terminating?.Message ?? unknown.Errors.Single().ToString());
        }
        finally
        {
            ProcessWide.PrivateFolder = before;
        }
    }
}
