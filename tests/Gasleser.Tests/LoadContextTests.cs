using System.Reflection;
using System.Runtime.Loader;
using Gasleser.Loading;
using Xunit;

namespace Gasleser.Tests;

/// <summary>
/// The module's libraries live in a load context of their own (the Pester suite LoadContext.Tests.ps1 shows it in
/// real pwsh processes beside other modules' versions; these are the in-process checks).
/// </summary>
public sealed class LoadContextTests : IDisposable
{
    private static readonly string[] Libraries = { "Gasleser.Dependencies", "DnsClient", "CsvHelper", "TimeZoneConverter" };
    private readonly ModuleShell _shell = new();
    private readonly string _log = Path.Combine(Path.GetTempPath(), $"gasleser-alc-{Environment.ProcessId}-{Guid.NewGuid():N}.csv");

    public void Dispose()
    {
        _shell.Dispose();
        File.Delete(_log);
    }

    [Fact]
    public void Each_library_loads_once_from_dependencies_into_the_modules_context_and_System_Text_Json_is_PowerShells()
    {
        File.WriteAllText(_log, "\"ComputerName\",\"DeviceId\",\"Timestamp\",\"TotalConsumption\"\n\"127.0.0.1:8080\",\"GAS_1\",\"2026-11-25T18:37:45+01:00\",\"1234.5\"\n");
        ShellResult used = _shell.Run(
            $"Import-GasleserLog '{_log}' | Measure-GasleserUsage -TimeZone Europe/Berlin; (Import-GasleserLog '{_log}').TotalConsumption");
        Assert.Empty(used.Errors);
        Assert.Equal(1234.5, used.Output.Last().BaseObject);
        byte[] query = Gasleser.Discovery.MdnsMessage.BuildPtrQuery("_gasleser._tcp.local", 1);
        Assert.Single(Gasleser.Discovery.MdnsMessage.Parse(query, query.Length).Questions);

        foreach (string name in Libraries)
        {
            Assembly loaded = Assert.Single(AppDomain.CurrentDomain.GetAssemblies(), a => a.GetName().Name == name);
            Assert.Equal(PrivateDependencies.ContextName, AssemblyLoadContext.GetLoadContext(loaded)!.Name);
            Assert.Equal(Path.Combine(StagedModule.Directory, "dependencies", name + ".dll"), loaded.Location);
        }

        Assembly json = Assembly.Load(typeof(GasleserReading).Assembly.GetReferencedAssemblies().Single(r => r.Name == "System.Text.Json"));
        Assert.Same(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(json));
        Assert.DoesNotContain(StagedModule.Directory.TrimEnd('/'), json.Location);
    }

    [Fact]
    public void Beside_Gasleser_dll_only_what_PowerShell_has_in_box_and_in_dependencies_only_what_it_has_not()
    {
        // The trusted platform assemblies of this host: .NET and the PowerShell SDK 7.6.9, as in pwsh.
        var inBox = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Select(Path.GetFileNameWithoutExtension).ToHashSet(StringComparer.OrdinalIgnoreCase);
        string[] beside = Directory.GetFiles(StagedModule.Directory, "*.dll").Select(Path.GetFileNameWithoutExtension)
            .Where(n => n != "Gasleser").ToArray()!;
        string[] own = Directory.GetFiles(Path.Combine(StagedModule.Directory, "dependencies"), "*.dll").Select(Path.GetFileNameWithoutExtension).ToArray()!;

        Assert.Contains("System.Text.Json", beside);
        Assert.All(beside, name => Assert.True(inBox.Contains(name), name + " is beside Gasleser.dll but not in-box on PowerShell 7"));
        Assert.Equal(Libraries.OrderBy(n => n), own.OrderBy(n => n));
        Assert.All(own, name => Assert.False(inBox.Contains(name), name + " is in-box: it belongs beside Gasleser.dll"));
    }

    [Fact]
    public void A_shipped_assembly_that_cannot_load_is_a_Gasleser_error_naming_it_the_version_found_and_what_to_do()
    {
        var tooNew = new FileLoadException("Could not load file or assembly.", "CsvHelper, Version=99.0.0.0, Culture=neutral, PublicKeyToken=8c4959082be5c823");

        GasleserDependencyException error = PrivateDependencies.AsFailure(new TargetInvocationException(tooNew))!;

        Assert.Equal("Gasleser.DependencyNotLoaded", error.ErrorId);
        Assert.Equal(("CsvHelper", new Version(99, 0, 0, 0), new Version(34, 0, 0, 0)), (error.AssemblyName, error.RequiredVersion, error.FoundVersion));
        Assert.Contains("could not load CsvHelper 99.0.0.0, which it needs for reading logs", error.Message);
        Assert.Contains($"{Path.Combine(StagedModule.Directory, "dependencies", "CsvHelper.dll")}, is version 34.0.0.0", error.Message);
        Assert.Contains("Install-PSResource Gasleser -Reinstall", error.RecommendedAction);
        Assert.Equal("CsvHelper", error.ToErrorRecord().TargetObject);
        Assert.Null(PrivateDependencies.AsFailure(new FileLoadException("x", "Newtonsoft.Json, Version=13.0.0.0")));
        Assert.Null(PrivateDependencies.AsFailure(new InvalidOperationException("no")));
    }

    [Fact]
    public void Every_import_registers_the_resolver_and_it_stays_until_the_last_removal()
    {
        Assert.True(PrivateDependencies.Registered);
        ShellResult removed = _shell.Run("Remove-Module Gasleser; Import-Module '" + StagedModule.Manifest + "'; Remove-Module Gasleser");
        Assert.Empty(removed.Errors);
        Assert.True(PrivateDependencies.Registered); // this class's own import, and the tests' own registration, still count

        using var other = new ModuleShell();
        Assert.Empty(other.Run("@() | Measure-GasleserUsage -TimeZone Europe/Berlin").Errors);
    }
}
