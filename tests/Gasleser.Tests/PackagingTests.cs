using System.Diagnostics;
using System.IO.Compression;
using System.Management.Automation;
using System.Xml.Linq;
using Xunit;

namespace Gasleser.Tests;

/// <summary>
/// The version comes from one place, and the Package target makes the layout Install-Module expects and a
/// gallery-style .nupkg (it runs in a few seconds, so the test runs it, into a folder of its own).
/// </summary>
public sealed class PackagingTests : IDisposable
{
    private static readonly string RepoRoot = Path.GetFullPath(Path.Combine(StagedModule.Directory, "..", ".."));
    private readonly string _packageRoot = Path.Combine(Path.GetTempPath(), $"gasleser-package-{Environment.ProcessId}-{Guid.NewGuid():N}") + Path.DirectorySeparatorChar;
    private readonly ModuleShell _shell = new();

    public void Dispose()
    {
        _shell.Dispose();
        if (Directory.Exists(_packageRoot))
        {
            Directory.Delete(_packageRoot, recursive: true);
        }
    }

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private static string VersionPrefix() =>
        XDocument.Load(Path.Combine(RepoRoot, "Directory.Build.props")).Descendants("VersionPrefix").Single().Value;

    [Fact]
    public void The_staged_manifests_version_is_Directory_Build_props_VersionPrefix()
    {
        var manifest = (PSModuleInfo)_shell.Run($"Test-ModuleManifest '{StagedModule.Manifest}'").Output.Single().BaseObject;

        Assert.Equal(VersionPrefix(), manifest.Version.ToString(3));
        Assert.True(File.Exists(Path.Combine(RepoRoot, "LICENSE")));
        Assert.Contains("## " + VersionPrefix(), File.ReadAllText(Path.Combine(RepoRoot, "CHANGELOG.md")));
    }

    [Fact]
    public void The_Package_target_makes_Gasleser_slash_version_and_a_nupkg_with_the_module_at_its_root()
    {
        string version = VersionPrefix();
        var msbuild = Process.Start(new ProcessStartInfo("dotnet",
            new[] { "msbuild", Path.Combine(RepoRoot, "src", "Gasleser", "Gasleser.csproj"), "-t:Package", "-nologo", "-v:q", $"-p:Configuration={Configuration}", $"-p:ModulePackageRoot={_packageRoot}" })
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        string log = msbuild.StandardOutput.ReadToEnd() + msbuild.StandardError.ReadToEnd();
        Assert.True(msbuild.WaitForExit(120_000), "dotnet msbuild -t:Package did not finish in 2 minutes");
        Assert.True(msbuild.ExitCode == 0, log);

        string folder = Path.Combine(_packageRoot, "Gasleser", version);
        string[] moduleFiles = { "Gasleser.psd1", "Gasleser.dll", "Gasleser.format.ps1xml", "System.Text.Json.dll", "en-US/Gasleser.dll-Help.xml", "en-US/about_Gasleser.help.txt", "LICENSE", "CHANGELOG.md", "README.md",
                                 "dependencies/Gasleser.Dependencies.dll", "dependencies/DnsClient.dll", "dependencies/CsvHelper.dll", "dependencies/TimeZoneConverter.dll" };
        foreach (string file in moduleFiles)
        {
            Assert.True(File.Exists(Path.Combine(folder, file)), file + " is missing from " + folder);
        }

        ShellResult tested = _shell.Run($"Test-ModuleManifest '{Path.Combine(folder, "Gasleser.psd1")}'");
        Assert.Empty(tested.Errors);
        Assert.Equal(version, ((PSModuleInfo)tested.Output.Single().BaseObject).Version.ToString(3));

        using ZipArchive nupkg = ZipFile.OpenRead(Path.Combine(_packageRoot, $"Gasleser.{version}.nupkg"));
        string[] entries = nupkg.Entries.Select(e => e.FullName).ToArray();
        Assert.All(moduleFiles, f => Assert.Contains(f, entries));
        using Stream nuspecStream = nupkg.GetEntry("Gasleser.nuspec")!.Open();
        XElement metadata = XDocument.Load(nuspecStream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string Meta(string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;
        Assert.Equal("Gasleser", Meta("id"));
        Assert.Equal(version, Meta("version"));
        Assert.Equal("MIT", Meta("license"));
        Assert.Equal("README.md", Meta("readme"));
        Assert.DoesNotContain("missing a readme", log); // pack's warning before the package carried it
        Assert.False(string.IsNullOrWhiteSpace(Meta("authors")));
        Assert.False(string.IsNullOrWhiteSpace(Meta("description")));
        Assert.Contains("PSModule", Meta("tags").Split(' '));
        Assert.Contains("PSCmdlet_Get-GasleserReading", Meta("tags").Split(' '));
    }
}
