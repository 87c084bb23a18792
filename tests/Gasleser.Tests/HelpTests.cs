using System.Management.Automation;
using System.Management.Automation.Language;
using Xunit;

namespace Gasleser.Tests;

/// <summary>
/// Get-Help for every cmdlet the manifest exports (so a new cmdlet without help fails here), and the
/// about_Gasleser topic. Failures are collected, so one run lists everything that is missing.
/// </summary>
public sealed class HelpTests : IDisposable
{
    private readonly ModuleShell _shell = new();

    public void Dispose() => _shell.Dispose();

    private IReadOnlyList<string> ExportedCmdlets() =>
        _shell.Run("(Get-Module Gasleser).ExportedCmdlets.Keys").Output.Select(o => (string)o.BaseObject).Order().ToList();

    private PSObject Help(string cmdlet)
    {
        ShellResult result = _shell.Run("Get-Help $name -Full", new Dictionary<string, object?> { ["name"] = cmdlet });
        Assert.Empty(result.Errors);
        return result.Output.Single();
    }

    private static string Text(object? value) => value switch
    {
        null => "",
        PSObject p when p.BaseObject is string s => s,
        PSObject p when p.BaseObject is object[] items => string.Join(" ", items.Select(Text)),
        PSObject p => Text(p.Properties["Text"]?.Value ?? p.Properties["para"]?.Value) is { Length: > 0 } t ? t : p.ToString(),
        object[] items => string.Join(" ", items.Select(Text)),
        _ => value.ToString() ?? "",
    };

    private static IEnumerable<PSObject> Items(object? value) => value switch
    {
        null => Array.Empty<PSObject>(),
        PSObject p when p.BaseObject is object[] items => items.Select(PSObject.AsPSObject),
        object[] items => items.Select(PSObject.AsPSObject),
        _ => new[] { PSObject.AsPSObject(value) },
    };

    private static object? Get(PSObject o, string name) => o.Properties[name]?.Value;

    [Fact]
    public void The_manifest_exports_at_least_the_two_cmdlets_that_have_help_here()
    {
        Assert.Contains("Get-GasleserReading", ExportedCmdlets());
        Assert.Contains("Get-GasleserSession", ExportedCmdlets());
    }

    [Fact]
    public void Every_exported_cmdlet_has_a_synopsis_a_description_and_at_least_three_examples_whose_code_parses()
    {
        var problems = new List<string>();
        foreach (string cmdlet in ExportedCmdlets())
        {
            PSObject help = Help(cmdlet);
            string synopsis = Text(Get(help, "Synopsis")).Trim();
            // Without MAML, Get-Help makes a synopsis from the syntax and has no description.
            if (synopsis.Length == 0 || synopsis.StartsWith(cmdlet, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{cmdlet}: no synopsis");
            }

            if (Text(Get(help, "description")).Trim().Length < 40)
            {
                problems.Add($"{cmdlet}: no description");
            }

            var examples = Items(Get(help, "examples") is PSObject e ? Get(e, "example") : null).ToList();
            if (examples.Count < 3)
            {
                problems.Add($"{cmdlet}: {examples.Count} example(s), at least 3 wanted");
            }

            foreach (PSObject example in examples)
            {
                string code = Text(Get(example, "code"));
                Parser.ParseInput(code, out _, out ParseError[] errors);
                if (code.Trim().Length == 0 || errors.Length > 0)
                {
                    problems.Add($"{cmdlet}: example '{Text(Get(example, "title")).Trim('-', ' ')}' does not parse: {string.Join("; ", errors.Select(x => x.Message))}");
                }

                if (Text(Get(example, "remarks")).Trim().Length == 0)
                {
                    problems.Add($"{cmdlet}: example '{Text(Get(example, "title")).Trim('-', ' ')}' has no remarks");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Every_public_parameter_of_every_exported_cmdlet_is_described_with_the_binding_facts_of_the_cmdlet()
    {
        var problems = new List<string>();
        var common = new HashSet<string>(Cmdlet.CommonParameters.Concat(Cmdlet.OptionalCommonParameters), StringComparer.OrdinalIgnoreCase);
        foreach (string cmdlet in ExportedCmdlets())
        {
            var command = (CmdletInfo)_shell.Run("Get-Command $name", new Dictionary<string, object?> { ["name"] = cmdlet }).Output.Single().BaseObject;
            PSObject help = Help(cmdlet);
            var described = Items(Get(help, "parameters") is PSObject ps ? Get(ps, "parameter") : null)
                .ToDictionary(p => Text(Get(p, "name")), StringComparer.OrdinalIgnoreCase);

            foreach (ParameterMetadata parameter in command.Parameters.Values.Where(p => !common.Contains(p.Name)))
            {
                if (!described.TryGetValue(parameter.Name, out PSObject? text) || Text(Get(text, "description")).Trim().Length < 20)
                {
                    problems.Add($"{cmdlet} -{parameter.Name}: no help text");
                    continue;
                }

                ParameterSetMetadata binding = parameter.ParameterSets.Values.First();
                string position = binding.Position >= 0 ? binding.Position.ToString() : "named";
                if (!string.Equals(Text(Get(text, "position")), position, StringComparison.OrdinalIgnoreCase))
                {
                    problems.Add($"{cmdlet} -{parameter.Name}: help says position {Text(Get(text, "position"))}, the cmdlet has {position}");
                }

                if (!string.Equals(Text(Get(text, "required")), binding.IsMandatory.ToString(), StringComparison.OrdinalIgnoreCase))
                {
                    problems.Add($"{cmdlet} -{parameter.Name}: help says required={Text(Get(text, "required"))}, the cmdlet has {binding.IsMandatory}");
                }

                string pipeline = Text(Get(text, "pipelineInput"));
                if (pipeline.Contains("ByValue") != binding.ValueFromPipeline || pipeline.Contains("ByPropertyName") != binding.ValueFromPipelineByPropertyName)
                {
                    problems.Add($"{cmdlet} -{parameter.Name}: help says pipeline input '{pipeline}', the cmdlet differs");
                }

                foreach (string alias in parameter.Aliases)
                {
                    if (!Text(Get(text, "aliases")).Split(',').Select(a => a.Trim()).Contains(alias, StringComparer.OrdinalIgnoreCase))
                    {
                        problems.Add($"{cmdlet} -{parameter.Name}: help does not list the alias {alias}");
                    }
                }
            }

            foreach (string extra in described.Keys.Where(k => !command.Parameters.ContainsKey(k)))
            {
                problems.Add($"{cmdlet}: help describes -{extra}, which the cmdlet does not have");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void About_Gasleser_explains_the_rate_limit_the_sessions_the_slot_file_every_error_id_and_the_simulator()
    {
        ShellResult result = _shell.Run("Get-Help about_Gasleser");
        Assert.Empty(result.Errors);
        string text = string.Concat(result.Output.Select(o => o.ToString()));

        foreach (string part in new[]
        {
            "about_Gasleser", "10 seconds", "Get-GasleserSession", ".slot", "Gasleser.RateLimited", "Gasleser.FirmwareUnsupported",
            "Gasleser.Timeout", "Gasleser.Unreachable", "Gasleser.InvalidResponse", "Gasleser.InvalidAddress", "Gasleser.Simulator",
        })
        {
            Assert.Contains(part, text);
        }
    }

    [Fact]
    public void The_help_files_are_in_the_staged_module()
    {
        Assert.True(File.Exists(Path.Combine(StagedModule.Directory, "en-US", "Gasleser.dll-Help.xml")));
        Assert.True(File.Exists(Path.Combine(StagedModule.Directory, "en-US", "about_Gasleser.help.txt")));
    }
}
