using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)] // the session clock is process-wide, as in a user's shell

namespace Gasleser.Tests;

/// <summary>The path of the build's staged module folder, written into this assembly at build time.</summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class ModuleDirectoryAttribute(string path) : Attribute
{
    public string Path { get; } = path;
}

/// <summary>
/// The module folder a user would import (out/Gasleser/). The tests compile against the module project
/// but do not copy its assembly: the one Gasleser.dll in this process is the staged one, loaded by
/// Import-Module or, when test code touches a module type first, by the resolver below.
/// </summary>
internal static class StagedModule
{
    public static string Directory { get; } =
        typeof(StagedModule).Assembly.GetCustomAttribute<ModuleDirectoryAttribute>()!.Path;

    public static string Manifest => System.IO.Path.Combine(Directory, "Gasleser.psd1");

    [ModuleInitializer]
    internal static void LoadModuleTypesFromStagedFolder()
    {
        AssemblyLoadContext.Default.Resolving += (context, name) =>
            name.Name == "Gasleser" ? context.LoadFromAssemblyPath(System.IO.Path.Combine(Directory, "Gasleser.dll")) : null;
        // What Import-Module does first, for the tests that use the module's internals without importing it: the
        // resolver that loads dependencies/ into the module's own load context (the imports count on top of this one).
        RegisterDependencyResolver();
    }

    private static void RegisterDependencyResolver() => Gasleser.Loading.PrivateDependencies.Register();
}

/// <summary>The path of the second-host program (tests/Gasleser.TestHost), written in at build time.</summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class TestHostAttribute(string path) : Attribute
{
    public string Path { get; } = path;
}
