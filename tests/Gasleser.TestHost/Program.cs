using System;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

// usage: Gasleser.TestHost <module manifest> <command line>
// Imports the module as a user's shell does, runs the command line, prints each output object and
// each error as "output: …" / "error: <FullyQualifiedErrorId>", and exits 0.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: Gasleser.TestHost <module manifest> <command line>");
    return 2;
}

using Runspace runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
runspace.Open();
using PowerShell ps = PowerShell.Create();
ps.Runspace = runspace;
// The module keeps one private folder per user whatever the environment says (/tmp/gasleser-<uid>); a test
// that gives this host a TMPDIR of its own gets a private folder of its own there, apart from the user's.
string? temp = Environment.GetEnvironmentVariable("TMPDIR");
string folder = string.IsNullOrEmpty(temp) ? "" : $"[Gasleser.InternalHooks]::SetTestHook('PrivateFolder', '{System.IO.Path.Combine(temp, "gasleser-testhost").Replace("'", "''")}'); ";
ps.AddScript($"Import-Module '{args[0]}' -ErrorAction Stop; {folder}{args[1]}");
foreach (PSObject? item in ps.Invoke())
{
    Console.WriteLine("output: " + item);
}

foreach (ErrorRecord error in ps.Streams.Error)
{
    Console.WriteLine("error: " + error.FullyQualifiedErrorId + " " + error);
}

return 0;
