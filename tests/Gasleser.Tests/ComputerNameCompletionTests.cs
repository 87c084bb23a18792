using Gasleser.Sessions;
using Gasleser.Simulator;
using Xunit;

namespace Gasleser.Tests;

/// <summary>Tab completion of -ComputerName, exercised as the console does it: TabExpansion2 on a command line.</summary>
public sealed class ComputerNameCompletionTests : IDisposable
{
    private readonly SimulatedDevices _devices = new();
    private readonly ModuleShell _shell = new();

    public ComputerNameCompletionTests() => SessionRegistry.Clear();

    public void Dispose()
    {
        _shell.Dispose();
        _devices.Dispose();
    }

    private IReadOnlyList<string> Complete(string line) =>
        _shell.Run("(TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | ForEach-Object CompletionText",
                new Dictionary<string, object?> { ["line"] = line })
            .Output.Select(o => (string)o.BaseObject).ToList();

    [Fact]
    public void Addresses_that_gave_a_reading_or_a_429_are_offered_and_ones_that_never_answered_are_not()
    {
        DeviceServer a = _devices.Start(), b = _devices.Start(), busy = _devices.Start(DeviceFault.Busy), old = _devices.Start(DeviceFault.OldFirmware);
        _shell.Run($"Get-GasleserReading {a.Address}, {b.Address}, {busy.Address}, {old.Address}");
        string[] expected = new[] { a.Address, b.Address, busy.Address }.OrderBy(x => x, StringComparer.OrdinalIgnoreCase).ToArray();

        Assert.Equal(expected, Complete("Get-GasleserReading 127.77."));
        Assert.Equal(expected, Complete("Get-GasleserReading -ComputerName 127.77."));
        Assert.Equal(expected, Complete("Get-GasleserSession -ComputerName "));
    }

    [Fact]
    public void Only_addresses_starting_with_the_word_typed_are_offered()
    {
        DeviceServer a = _devices.Start(), b = _devices.Start();
        _shell.Run($"Get-GasleserReading {a.Address}, {b.Address}");

        Assert.Equal(new[] { b.Address }, Complete("Get-GasleserReading " + b.Address.Substring(0, b.Address.Length - 2)));
        Assert.Equal(new[] { a.Address }, Complete("Get-GasleserReading -Port 80 -ComputerName " + a.Address));
        Assert.DoesNotContain(a.Address, Complete("Get-GasleserReading 10."));
        Assert.Contains(a.Address, string.Join(" ", Complete("Get-GasleserReading '127.77.")));
    }

    [Fact]
    public void The_completer_is_a_public_class_other_cmdlets_can_name_in_an_attribute()
    {
        DeviceServer a = _devices.Start();
        _shell.Run($"Get-GasleserReading {a.Address}");
        _shell.Run("function Test-Completion { param([ArgumentCompleter([Gasleser.Commands.ComputerNameCompleter])] [string] $ComputerName) }");

        Assert.Equal(new[] { a.Address }, Complete("Test-Completion 127.77."));
    }
}
