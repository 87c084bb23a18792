using System.Runtime.CompilerServices;
using Gasleser.Hosting;

namespace Gasleser.Tests;

/// <summary>
/// Only a user's own commands write into the user's private folder (slot files, the known-devices file that
/// tab completion offers): from the moment this test assembly loads, every test in the process, and every
/// test host process it starts (<c>Gasleser.TestHost</c> reads <see cref="Variable"/>), keeps its files in
/// <see cref="SimulatedDevices.SlotDirectory"/> instead, deleted when the process exits.
/// </summary>
internal static class TestIsolation
{
    /// <summary>Names the test folder for the processes the tests start; the module itself never reads it.</summary>
    public const string Variable = "GASLESER_TEST_PRIVATE_FOLDER";

    [ModuleInitializer]
    internal static void KeepOutOfTheUsersFolder()
    {
        ProcessWide.PrivateFolder = SimulatedDevices.SlotDirectory;
        Environment.SetEnvironmentVariable(Variable, SimulatedDevices.SlotDirectory);
    }
}
