using System.Management.Automation;
using Xunit;

namespace Gasleser.Tests;

/// <summary>The staged folder is a module a user can import, and the manifest says what a gallery wants.</summary>
public sealed class ModuleManifestTests : IDisposable
{
    private readonly ModuleShell _shell = new();

    public void Dispose() => _shell.Dispose();

    [Fact]
    public void Test_ModuleManifest_passes_and_the_version_is_the_assemblys()
    {
        ShellResult result = _shell.Run($"Test-ModuleManifest '{StagedModule.Manifest}'");

        Assert.Empty(result.Errors);
        var manifest = (PSModuleInfo)result.Output.Single().BaseObject;
        Assert.Equal(typeof(GasleserReading).Assembly.GetName().Version!.ToString(3), manifest.Version.ToString(3));
        Assert.Contains("Core", manifest.CompatiblePSEditions);
        Assert.Contains("Desktop", manifest.CompatiblePSEditions);
        Assert.Equal(new Version(5, 1), manifest.PowerShellVersion);
        Assert.False(string.IsNullOrWhiteSpace(manifest.Description));
        Assert.NotNull(manifest.ProjectUri);
        Assert.NotNull(manifest.LicenseUri);
        Assert.NotEmpty(manifest.Tags);
    }

    [Fact]
    public void The_module_exports_its_cmdlets_and_the_import_comes_from_the_staged_folder()
    {
        ShellResult result = _shell.Run("(Get-Module Gasleser).ModuleBase; Get-Command -Module Gasleser | ForEach-Object Name");

        Assert.Equal(Path.TrimEndingDirectorySeparator(StagedModule.Directory), Path.TrimEndingDirectorySeparator((string)result.Output[0].BaseObject));
        Assert.Contains("Get-GasleserReading", result.Output.Skip(1).Select(o => (string)o.BaseObject));
        Assert.Contains("Find-Gasleser", result.Output.Skip(1).Select(o => (string)o.BaseObject));
        Assert.StartsWith(StagedModule.Directory, typeof(GasleserReading).Assembly.Location);
    }

    [Fact]
    public void The_staged_folder_holds_every_file_the_module_needs()
    {
        foreach (string file in new[] { "Gasleser.psd1", "Gasleser.dll", "Gasleser.format.ps1xml", "System.Text.Json.dll", "System.Memory.dll",
                                             "dependencies/Gasleser.Dependencies.dll", "dependencies/DnsClient.dll", "dependencies/CsvHelper.dll", "dependencies/TimeZoneConverter.dll" })
        {
            Assert.True(File.Exists(Path.Combine(StagedModule.Directory, file)), file + " is missing from the staged module");
        }

        Assert.False(File.Exists(Path.Combine(StagedModule.Directory, "System.Management.Automation.dll")));
    }
}
