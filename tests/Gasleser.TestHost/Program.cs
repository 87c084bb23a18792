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
// The tests' own private folder (GASLESER_TEST_PRIVATE_FOLDER, set by the test process), never the user's: a
// command line that names another folder sets it after this.
string? folder = Environment.GetEnvironmentVariable("GASLESER_TEST_PRIVATE_FOLDER");
string isolate = string.IsNullOrEmpty(folder) ? "" : $"[Gasleser.InternalHooks]::SetTestHook('PrivateFolder', '{folder.Replace("'", "''")}'); ";
ps.AddScript($"Import-Module '{args[0]}' -ErrorAction Stop; {isolate}{args[1]}");
foreach (PSObject? item in ps.Invoke())
{
    Console.WriteLine("output: " + item);
}

foreach (ErrorRecord error in ps.Streams.Error)
{
    Console.WriteLine("error: " + error.FullyQualifiedErrorId + " " + error);
}

return 0;
