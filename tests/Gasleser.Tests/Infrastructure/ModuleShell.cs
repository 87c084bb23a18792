using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace Gasleser.Tests;

/// <summary>What one command line produced, stream by stream.</summary>
internal sealed record ShellResult(
    IReadOnlyList<PSObject> Output,
    IReadOnlyList<ErrorRecord> Errors,
    IReadOnlyList<string> Verbose,
    RuntimeException? Terminating)
{
    public IReadOnlyList<string> Warnings { get; init; } = Array.Empty<string>();

    public IEnumerable<GasleserReading> Readings => Output.Select(o => o.BaseObject).OfType<GasleserReading>();

    public IEnumerable<string> ErrorIds => Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]);
}

/// <summary>
/// A PowerShell runspace with the staged module imported the way a user imports it
/// (Import-Module out/Gasleser/Gasleser.psd1), for running command lines as a user types them.
/// </summary>
internal sealed class ModuleShell : IDisposable
{
    private readonly Runspace _runspace;

    /// <param name="host">A host to run under (e.g. a <see cref="CapturingHost"/> to read Out-Default's text); none by default.</param>
    /// <param name="state">The session state to start from; InitialSessionState.CreateDefault2() by default.</param>
    public ModuleShell(System.Management.Automation.Host.PSHost? host = null, InitialSessionState? state = null)
    {
        state ??= InitialSessionState.CreateDefault2();
        _runspace = host == null ? RunspaceFactory.CreateRunspace(state) : RunspaceFactory.CreateRunspace(host, state);
        _runspace.Open();
        ShellResult imported = Run($"Import-Module '{StagedModule.Manifest}' -ErrorAction Stop");
        if (imported.Terminating != null || imported.Errors.Count > 0)
        {
            throw new InvalidOperationException("Import-Module failed: " + (imported.Terminating?.Message ?? imported.Errors[0].ToString()));
        }
    }

    public Runspace Runspace => _runspace;

    /// <summary>Runs a command line; <paramref name="variables"/> are set as PowerShell variables first.</summary>
    public ShellResult Run(string script, IDictionary<string, object?>? variables = null)
    {
        using PowerShell ps = Create(script, variables);
        return Collect(ps, () => ps.Invoke());
    }

    /// <summary>A PowerShell instance on this runspace, ready to invoke (or begin and Stop(), as Ctrl+C does).</summary>
    public PowerShell Create(string script, IDictionary<string, object?>? variables = null)
    {
        PowerShell ps = PowerShell.Create();
        ps.Runspace = _runspace;
        foreach (var (name, value) in variables ?? new Dictionary<string, object?>())
        {
            _runspace.SessionStateProxy.SetVariable(name, value);
        }

        ps.AddScript(script);
        return ps;
    }

    public static ShellResult Collect(PowerShell ps, Func<Collection<PSObject>> invoke)
    {
        Collection<PSObject> output = new();
        RuntimeException? terminating = null;
        try
        {
            output = invoke();
        }
        catch (RuntimeException ex)
        {
            terminating = ex;
        }

        return new ShellResult(
            output.Where(o => o != null).ToList(),
            ps.Streams.Error.ToList(),
            ps.Streams.Verbose.Select(v => v.Message).ToList(),
            terminating)
        {
            Warnings = ps.Streams.Warning.Select(w => w.Message).ToList(),
        };
    }

    public void Dispose() => _runspace.Dispose();
}
