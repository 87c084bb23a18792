using System.Reflection;
using Gasleser.Loading;
using Xunit;

namespace Gasleser.Tests;

/// <summary>
/// The Windows PowerShell 5.1 dependency resolver: its decisions, on the staged folder's real assemblies,
/// and that on PowerShell 7 it stays out of the way. (Windows PowerShell 5.1 itself is not available here.)
/// </summary>
public sealed class WindowsPowerShellDependenciesTests
{
    private static readonly IReadOnlyDictionary<string, (AssemblyName Name, string Path)> Shipped =
        WindowsPowerShellDependencies.Shipped(StagedModule.Directory);

    private static AssemblyName Named(string name, string version) =>
        new($"{name}, Version={version}, Culture=neutral, PublicKeyToken={Token(name)}");

    private static string Token(string name) =>
        Convert.ToHexString(Shipped[name].Name.GetPublicKeyToken()!).ToLowerInvariant();

    [Fact]
    public void The_staged_folder_ships_the_netstandard_closure_the_resolver_knows()
    {
        Assert.Contains("System.Text.Json", Shipped.Keys);
        Assert.Contains("System.Memory", Shipped.Keys);
        Assert.Contains("System.Runtime.CompilerServices.Unsafe", Shipped.Keys);
        Assert.DoesNotContain("Gasleser", Shipped.Keys);
    }

    [Fact]
    public void An_older_version_asked_for_gets_the_shipped_copy_as_a_binding_redirect_would_give()
    {
        // System.Memory 4.5.5 asks for Unsafe 4.0.4.1; the folder ships 6.0.0.0 (for System.Text.Json 8).
        string? path = WindowsPowerShellDependencies.Choose(Named("System.Runtime.CompilerServices.Unsafe", "4.0.4.1"), Shipped, Array.Empty<AssemblyName>(), out AssemblyName? reuse);

        Assert.Null(reuse);
        Assert.Equal(Shipped["System.Runtime.CompilerServices.Unsafe"].Path, path);
    }

    [Fact]
    public void A_newer_version_than_shipped_a_foreign_key_or_an_unknown_name_is_left_to_others()
    {
        Version shipped = Shipped["System.Memory"].Name.Version!;
        var newer = Named("System.Memory", new Version(shipped.Major, shipped.Minor, shipped.Build, shipped.Revision + 1).ToString());

        Assert.Null(WindowsPowerShellDependencies.Choose(newer, Shipped, Array.Empty<AssemblyName>(), out _));
        Assert.Null(WindowsPowerShellDependencies.Choose(new AssemblyName("System.Memory, Version=4.0.0.0, Culture=neutral, PublicKeyToken=0123456789abcdef"), Shipped, Array.Empty<AssemblyName>(), out _));
        Assert.Null(WindowsPowerShellDependencies.Choose(new AssemblyName("Newtonsoft.Json, Version=13.0.0.0"), Shipped, Array.Empty<AssemblyName>(), out _));
    }

    [Fact]
    public void A_copy_another_module_already_loaded_is_reused_when_it_is_new_enough()
    {
        AssemblyName asked = Named("System.Memory", "4.0.1.1");
        AssemblyName loadedNewer = Named("System.Memory", "4.0.1.2");
        AssemblyName loadedOlder = Named("System.Memory", "4.0.1.0");

        Assert.Null(WindowsPowerShellDependencies.Choose(asked, Shipped, new[] { loadedOlder, loadedNewer }, out AssemblyName? reuse));
        Assert.Equal(loadedNewer.FullName, reuse!.FullName);
        Assert.Equal(Shipped["System.Memory"].Path, WindowsPowerShellDependencies.Choose(asked, Shipped, new[] { loadedOlder }, out reuse));
        Assert.Null(reuse);
    }

    [Fact]
    public void The_libraries_in_dependencies_are_known_to_the_resolver_too()
    {
        Assert.Contains("DnsClient", Shipped.Keys);
        Assert.EndsWith(Path.Combine("dependencies", "CsvHelper.dll"), Shipped["CsvHelper"].Path);
    }
}
