using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Xml.Linq;
using Gasleser.Simulator;
using Xunit;

namespace Gasleser.Tests;

/// <summary>
/// The views in Gasleser.format.ps1xml, rendered by the engine's own formatter through Out-Default into a
/// capturing host, and read as a user would read them.
/// </summary>
public sealed class FormatViewTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private readonly SimulatedDevices _devices = new();
    private readonly CapturingHost _host = new();
    private ModuleShell? _shell;

    private ModuleShell Shell => _shell ??= new ModuleShell(_host);

    public void Dispose()
    {
        _shell?.Dispose();
        _devices.Dispose();
    }

    private string Render(ModuleShell shell, string script, IDictionary<string, object?>? variables = null)
    {
        ShellResult result = shell.Run(script, variables);
        Assert.Null(result.Terminating);
        Assert.Empty(result.Errors);
        output.WriteLine(_host.Text);
        return _host.Text;
    }

    private static string[] Line(string text, string startingWith) =>
        text.Split('\n').Single(l => l.StartsWith(startingWith)).Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static string[] LineWith(string text, string part) =>
        text.Split('\n').Single(l => l.Contains(part)).Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void A_reading_shows_as_a_table_with_local_time_and_units_in_the_headers()
    {
        DeviceServer device = _devices.Start(deviceId: "GAS_2329790123", initialTotal: 12345.8);
        DateTimeOffset time = DateTimeOffset.FromUnixTimeSeconds(_devices.Now.ToUnixTimeSeconds());

        string text = Render(Shell, $"Get-GasleserReading {device.Address} | Out-Default");

        Assert.Contains("Time (local)", text);
        Assert.Contains("Total (m³)", text);
        Assert.Contains("Flow (m³/h)", text);
        Assert.DoesNotContain("Δ (m³)", text);
        Assert.Equal(
            new[] { "GAS_2329790123", time.LocalDateTime.ToString("yyyy-MM-dd"), time.LocalDateTime.ToString("HH:mm:ss"), "12,345.800", "1.500" },
            LineWith(text, "GAS_2329790123")[1..]);
    }

    [Fact]
    public void A_watch_reading_shows_the_delta_and_average_flow_columns()
    {
        DeviceServer device = _devices.Start(deviceId: "GAS_2329790123", initialTotal: 12345.8);

        string text = Render(Shell, $"Watch-GasleserReading {device.Address} -Count 2 | Out-Default");

        Assert.Contains("Δ (m³)", text);
        Assert.Contains("Avg flow (m³/h)", text);
        // 12 s of the simulated burner's 1.5 m³/h: 0.005 m³.
        Assert.Equal(new[] { "12,345.805", "0.005", "1.500" }, LineWith(text, "12,345.805")[^3..]);
    }

    [Fact]
    public void A_found_device_shows_as_a_table_with_port_status_total_and_how_it_was_found()
    {
        DeviceServer device = _devices.Start(deviceId: "GAS_4224559459", initialTotal: 12345.8);

        string text = Render(Shell,
            $"Find-Gasleser -Subnet {device.EndPoint.Address}/32 -Port {device.EndPoint.Port} -Method Sweep | Out-Default");

        foreach (string header in new[] { "ComputerName", "Port", "DeviceId", "Status", "Total (m³)", "Via" })
        {
            Assert.Contains(header, text);
        }

        string[] row = LineWith(text, "GAS_4224559459");
        Assert.Equal(new[] { device.EndPoint.Address.ToString(), device.EndPoint.Port.ToString(), "GAS_4224559459", "Online", "12,345.800" }, row[..5]);
        Assert.Equal("Sweep", row[^1]);
    }

    [Fact]
    public void A_session_shows_as_a_table_with_its_times_counts_and_the_last_total()
    {
        DeviceServer device = _devices.Start(deviceId: "GAS_2329790123", initialTotal: 12345.8);
        Shell.Run($"Get-GasleserReading {device.Address}");
        _devices.Clock!.Advance(TimeSpan.FromSeconds(4));

        string text = Render(Shell, $"Get-GasleserSession {device.Address} | Out-Default");

        foreach (string header in new[] { "Last request", "Next allowed", "Age (s)", "Total (m³)", "Requests", "429s" })
        {
            Assert.Contains(header, text);
        }

        Assert.Equal(new[] { "4.0", "12,345.800", "1", "0" }, Line(text, device.Address)[^4..]);
    }

    [Fact]
    public void The_list_view_shows_every_property_with_units_in_the_labels()
    {
        DeviceServer device = _devices.Start(deviceId: "GAS_2329790123", initialTotal: 12345.8);

        string text = Render(Shell, $"Get-GasleserReading {device.Address} | Format-List | Out-Default");

        string[] labels = text.Split('\n').Where(l => l.Contains(" : ")).Select(l => l.Split(" : ")[0].Trim()).ToArray();
        Assert.Equal(
            new[]
            {
                "ComputerName", "DeviceId", "Timestamp (local)", "TotalConsumption (m³)", "CurrentFlowRate (m³/h)", "ConsumptionDelta (m³)",
                "AverageFlowRate (m³/h)", "PulseCount", "SignalStrength (%)", "Rssi (dBm)", "FromCache",
            },
            labels);
        Assert.Contains("TotalConsumption (m³)  : 12345.8\n", text);
        Assert.Contains("Rssi (dBm)             : -51\n", text);
    }

    [Fact]
    public void The_format_file_declares_the_reading_table_and_list_the_watch_table_the_session_table_and_the_device_table_and_loads_cleanly()
    {
        string[] views = ShippedViews()
            .Select(v => $"{v.Element("ViewSelectedBy")!.Element("TypeName")!.Value}:{v.Element("Name")!.Value}:{v.Elements().Last().Name.LocalName}")
            .ToArray();

        Assert.Equal(
            new[]
            {
                "Gasleser.GasleserReading:Gasleser.GasleserReading:TableControl",
                "Gasleser.GasleserReading:Gasleser.GasleserReading.List:ListControl",
                "Gasleser.GasleserReading#Watch:Gasleser.GasleserReading.Watch:TableControl",
                "Gasleser.GasleserSession:Gasleser.GasleserSession:TableControl",
                "Gasleser.GasleserDevice:Gasleser.GasleserDevice:TableControl",
            },
            views);

        // Loading a format file with a mistake is an error at Import-Module.
        using var shell = new ModuleShell();
        Assert.Empty(shell.Run($"Import-Module '{StagedModule.Manifest}' -Force").Errors);
    }

    private static IEnumerable<XElement> ShippedViews() =>
        XDocument.Load(Path.Combine(StagedModule.Directory, "Gasleser.format.ps1xml")).Root!.Element("ViewDefinitions")!.Elements("View");
}
