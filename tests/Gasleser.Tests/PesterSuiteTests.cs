using System.Management.Automation.Language;
using Xunit;

namespace Gasleser.Tests;

/// <summary>
/// Pester is not available here, so CI cannot run tests/*.Tests.ps1; it can at least make sure the
/// suite parses and names only commands the module exports.
/// </summary>
public sealed class PesterSuiteTests
{
    private static readonly string TestsFolder = Path.GetFullPath(Path.Combine(StagedModule.Directory, "..", "..", "tests"));

    public static TheoryData<string> Suites()
    {
        var data = new TheoryData<string>();
        foreach (string file in Directory.GetFiles(TestsFolder, "*.Tests.ps1"))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void The_Pester_suite_parses_and_uses_only_commands_the_module_exports(string file)
    {
        ScriptBlockAst ast = Parser.ParseFile(Path.Combine(TestsFolder, file), out _, out ParseError[] errors);

        Assert.Empty(errors);
        string[] exported;
        using (var shell = new ModuleShell())
        {
            exported = shell.Run("(Get-Module Gasleser).ExportedCmdlets.Keys").Output.Select(o => (string)o.BaseObject).ToArray();
        }

        string[] gaslesers = ast.FindAll(a => a is CommandAst, searchNestedScriptBlocks: true)
            .Cast<CommandAst>()
            .Select(c => c.GetCommandName())
            .Where(n => n != null && n.Contains("Gasleser", StringComparison.OrdinalIgnoreCase))
            .Distinct()
            .ToArray()!;
        Assert.NotEmpty(gaslesers);
        Assert.All(gaslesers, name => Assert.Contains(name, exported));
    }
}
