using System.Globalization;
using Gasleser.Simulator;
using Xunit;
using Xunit.Abstractions;

namespace Gasleser.Tests;

/// <summary>
/// Every table view at 80 columns, with long and short values: through the real Format-Table | Out-String -Width 80,
/// and through Out-Default into an 80-column host (what a terminal shows). Each header whole on one line, the key
/// columns present, no line longer than 79 characters (the console host leaves its last column free).
/// </summary>
public sealed class ViewsAt80ColumnsTests(ITestOutputHelper output) : IDisposable
{
    private const string LongId = "GAS_PULSE_2329790123";
    private readonly SimulatedDevices _devices = new();
    private readonly CapturingHost _host = new(columns: 80);
    private ModuleShell? _shell;

    private ModuleShell Shell => _shell ??= new ModuleShell(_host);

    public void Dispose()
    {
        _shell?.Dispose();
        _devices.Dispose();
    }

    /// <summary>The objects <paramref name="script"/> writes, as Format-Table | Out-String -Width 80 renders them, checked against Out-Default's text.</summary>
    private string[] Render(string script)
    {
        ShellResult result = Shell.Run($"$shown = @({script}); $shown | Out-Default; $shown | Format-Table | Out-String -Width 80");
        Assert.Null(result.Terminating);
        Assert.Empty(result.Errors);
        string text = string.Concat(result.Output.Select(o => o.BaseObject as string));
        output.WriteLine(text);
        string[] lines = Lines(text);
        Assert.All(lines, l => Assert.True(l.Length <= 79, $"{l.Length} characters: '{l}'"));
        Assert.Equal(lines, Lines(_host.Text));
        return lines;
    }

    private static string[] Lines(string text) => text.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToArray();

    /// <summary>The header line holds every label whole (none broken over two lines), and the dashes line follows it.</summary>
    private static void HeadersWhole(string[] lines, params string[] labels)
    {
        int header = Array.FindIndex(lines, l => l.Contains(labels[0]));
        Assert.True(header >= 0, "no header line");
        Assert.All(labels, label => Assert.Contains(label, lines[header]));
        Assert.Matches("^[- ]+$", lines[header + 1]);
    }

    [Fact]
    public void The_reading_table_shows_address_id_time_total_and_flow_for_a_long_and_a_short_id()
    {
        DeviceServer pulse = _devices.Start(deviceId: LongId, initialTotal: 99999.999);
        DeviceServer plain = _devices.Start(deviceId: "GAS_1", initialTotal: 0.5);

        string[] lines = Render($"Get-GasleserReading {pulse.Address}, {plain.Address}");

        HeadersWhole(lines, "ComputerName", "DeviceId", "Time (local)", "Total (m³)", "Flow (m³/h)");
        Assert.Contains(lines, l => l.Contains(LongId) && l.Contains("99,999.999") && l.EndsWith("1.500"));
        Assert.Contains(lines, l => l.Contains("GAS_1 ") && l.Contains("0.500"));
    }

    [Fact]
    public void The_watch_table_shows_address_time_total_delta_and_average_flow()
    {
        DeviceServer device = _devices.Start(deviceId: LongId, initialTotal: 12345.8);

        string[] lines = Render($"Watch-GasleserReading {device.Address} -Count 2");

        HeadersWhole(lines, "ComputerName", "Time (local)", "Total (m³)", "Δ (m³)", "Avg flow (m³/h)");
        Assert.Contains(lines, l => l.StartsWith(device.Address) && l.EndsWith("12,345.805    0.005           1.500"));
    }

    [Fact]
    public void The_session_table_shows_times_age_total_requests_and_429s()
    {
        DeviceServer device = _devices.Start(deviceId: LongId, initialTotal: 12345.8);
        Shell.Run($"Get-GasleserReading {device.Address}");
        _devices.Clock!.Advance(TimeSpan.FromSeconds(4));

        string[] lines = Render($"Get-GasleserSession {device.Address}");

        HeadersWhole(lines, "ComputerName", "Last request", "Next allowed", "Age (s)", "Total (m³)", "Requests", "429s");
        string row = lines.Single(l => l.StartsWith(device.Address));
        Assert.Equal(new[] { "4.0", "12,345.800", "1", "0" }, row.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^4..]);
    }

    [Fact]
    public void The_found_device_table_shows_address_port_id_status_total_and_how_it_was_found()
    {
        DeviceServer device = _devices.Start(deviceId: LongId, initialTotal: 12345.8);

        string[] lines = Render($"Find-Gasleser -Subnet {device.EndPoint.Address}/32 -Port {device.EndPoint.Port}");

        HeadersWhole(lines, "ComputerName", "Port", "DeviceId", "Status", "Total (m³)", "Via");
        Assert.Equal(
            new[] { device.EndPoint.Address.ToString(), device.EndPoint.Port.ToString(CultureInfo.InvariantCulture), LongId, "Online", "12,345.800", "Sweep" },
            lines.Single(l => l.Contains(LongId)).Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void A_busy_device_shows_until_when_in_the_status_column()
    {
        DeviceServer device = _devices.Start(deviceId: LongId);
        DateTimeOffset busyUntil = _devices.Now.AddSeconds(7);
        Directory.CreateDirectory(SimulatedDevices.SlotDirectory);
        File.WriteAllText(
            Path.Combine(SimulatedDevices.SlotDirectory, $"gasleser-{device.EndPoint.Address}-{device.EndPoint.Port}.slot"),
            busyUntil.UtcDateTime.ToString("o", CultureInfo.InvariantCulture));

        string[] lines = Render($"Find-Gasleser -Subnet {device.EndPoint.Address}/32 -Port {device.EndPoint.Port}");

        Assert.Contains(lines, l => l.Contains($"Busy until {busyUntil.ToLocalTime():HH:mm:ss}"));
    }

    private const string Readings = """
        $t0 = [DateTimeOffset]'2026-01-05T00:00:00Z'
        0..48 | ForEach-Object { [pscustomobject]@{ DeviceId = 'GAS_PULSE_2329790123'; Timestamp = $t0.AddHours($_); TotalConsumption = 12345.8 + 0.5 * $_ } }
        """;

    [Fact]
    public void The_usage_table_shows_id_start_and_m3()
    {
        string[] lines = Render(Readings + " | Measure-GasleserUsage -Per Day -TimeZone UTC");

        HeadersWhole(lines, "DeviceId", "Start", "Used (m³)", "Readings", "Estimated", "Resets");
        Assert.Contains(lines, l => l.StartsWith(LongId + " 2026-01-05 00:00") && l.Contains("12.000"));
        Assert.DoesNotContain(lines, l => l.Contains("kWh"));
    }

    [Fact]
    public void With_the_bill_the_usage_table_shows_its_lines_per_device()
    {
        string[] lines = Render(Readings + " | Measure-GasleserUsage -Per Day -TimeZone UTC -CalorificValue 11.2 -PricePerKWh 0.12 -StandingChargePerDay 0.45");

        Assert.Contains(lines, l => l.Trim() == "DeviceId: " + LongId);
        HeadersWhole(lines, "Start", "Used (m³)", "kWh", "Energy cost", "Standing", "Cost", "Longest gap");
        // 12 m³ × 11.2 kWh/m³ = 134.4 kWh, at 0.12 = 16.128; a day's standing charge 0.45; 16.578 in all; a reading every hour.
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^2026-01-05 00:00 +12\.000 +134\.40 +16\.13 +0\.45 +16\.58 +01:00$"));
    }

    [Fact]
    public void The_bill_of_a_billing_year_with_a_week_without_readings_fits_80_columns()
    {
        string[] lines = Render("""
            $t0 = [DateTimeOffset]'2025-10-01T00:00:00Z'
            0..365 | Where-Object { $_ -lt 100 -or $_ -gt 107 } | ForEach-Object { [pscustomobject]@{ DeviceId = 'GAS_2329790123'; Timestamp = $t0.AddDays($_); TotalConsumption = 12345.8 + 4.1 * $_ } } |
                Measure-GasleserUsage -Per Year -PeriodStart 2025-10-01 -TimeZone UTC -Tariff @{ ValidFrom = '2025-01-01'; CalorificValue = 11.2; ConversionFactor = 0.9537; PricePerKWh = 0.1212; StandingChargePerDay = 0.4521 }
            """);

        // 1,496.5 m³ × 0.9537 × 11.2 = 15,984.77 kWh; × 0.1212 = 1,937.35; 365 days × 0.4521 = 165.02; 2,102.37 in all; no reading on days 100 to 107.
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^2025-10-01 00:00 +1,496\.500 +15,984\.77 +1,937\.35 +165\.02 +2,102\.37 +9d 00:00$"));
    }
}

/// <summary>The shipped format files themselves: what makes rows show at once and fit 80 columns.</summary>
public sealed class FormatFileWidthTests
{
    public static TheoryData<string> TableViews()
    {
        var data = new TheoryData<string>();
        foreach (string file in new[] { "Gasleser.format.ps1xml", "Gasleser.Usage.format.ps1xml" })
        {
            foreach (System.Xml.Linq.XElement view in Views(file).Where(v => v.Element("TableControl") != null))
            {
                data.Add(file + ":" + (string)view.Element("Name")!);
            }
        }

        return data;
    }

    private static IEnumerable<System.Xml.Linq.XElement> Views(string file) =>
        System.Xml.Linq.XDocument.Load(Path.Combine(StagedModule.Directory, file)).Root!.Element("ViewDefinitions")!.Elements("View");

    [Theory]
    [MemberData(nameof(TableViews))]
    public void Every_column_has_a_width_no_header_is_wider_than_its_column_and_the_row_fits_79_characters(string fileAndView)
    {
        string[] parts = fileAndView.Split(':');
        System.Xml.Linq.XElement[] headers = Views(parts[0]).Single(v => (string)v.Element("Name")! == parts[1])
            .Element("TableControl")!.Element("TableHeaders")!.Elements("TableColumnHeader").ToArray();

        Assert.All(headers, h => Assert.NotNull(h.Element("Width")));
        int[] widths = headers.Select(h => int.Parse((string)h.Element("Width")!, CultureInfo.InvariantCulture)).ToArray();
        Assert.All(headers.Zip(widths), hw => Assert.True(((string?)hw.First.Element("Label") ?? "").Length <= hw.Second, $"'{hw.First.Element("Label")}' is wider than {hw.Second}"));
        Assert.True(widths.Sum() + widths.Length - 1 <= 79, $"{widths.Sum() + widths.Length - 1} characters");
    }
}
