using Gasleser.Hosting;
using Xunit;

namespace Gasleser.Tests;

/// <summary>The tests never write into the user's own private folder: only a user's own commands do.</summary>
public sealed class TestIsolationTests
{
    [Fact]
    public void Every_test_and_test_host_keeps_its_files_in_the_test_folder_not_the_users()
    {
        Assert.Equal(SimulatedDevices.SlotDirectory, ProcessWide.PrivateFolder);
        Assert.NotEqual(PrivateFolder.DefaultPath(), ProcessWide.PrivateFolder);
        Assert.Equal(SimulatedDevices.SlotDirectory, Environment.GetEnvironmentVariable(TestIsolation.Variable));
    }
}
