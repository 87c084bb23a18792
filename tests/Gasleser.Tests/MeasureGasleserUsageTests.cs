using System.Globalization;
using System.Management.Automation;
using System.Text;
using Gasleser.Simulator;
using Xunit;

namespace Gasleser.Tests;

/// <summary>Measure-GasleserUsage as a user pipes into it: live readings, Import-Csv rows (strings), in any culture.</summary>
public sealed class MeasureGasleserUsageTests : IDisposable
{
    private readonly ModuleShell _shell = new();

    public MeasureGasleserUsageTests()
    {
        // The hosted engine has no Import-Csv: this stands in for it, making rows of strings as Import-Csv does.
        _shell.Run(
            """
            function ImportCsv([string] $Text) {
                $lines = $Text.Trim() -split "`n"
                $names = $lines[0].Trim('"') -split '","'
                for ($i = 1; $i -lt $lines.Count; $i++) {
                    $values = $lines[$i].Trim('"') -split '","'
                    $row = [ordered]@{}
                    for ($c = 0; $c -lt $names.Count; $c++) { $row[$names[$c]] = [string]$values[$c] }
                    [pscustomobject]$row
                }
            }
            """);
    }

    public void Dispose() => _shell.Dispose();

    private static GasleserReading Reading(string at, double total, string id = "GAS_2329790123") => new()
    {
        ComputerName = "192.168.2.132",
        DeviceId = id,
        Timestamp = DateTimeOffset.Parse(at, CultureInfo.InvariantCulture),
        TotalConsumption = total,
        CurrentFlowRate = 0.5,
    };

    private static IEnumerable<GasleserUsage> Rows(ShellResult result) => result.Output.Select(o => o.BaseObject).OfType<GasleserUsage>();

    private static List<GasleserReading> ADayAcrossMidnight() => new()
    {
        Reading("2026-11-24T20:00:00+01:00", 12340.0),
        Reading("2026-11-24T23:00:00+01:00", 12341.5),
        Reading("2026-11-25T01:00:00+01:00", 12342.5),
        Reading("2026-11-25T15:05:39+01:00", 12345.8),
        Reading("2026-11-26T00:00:00+01:00", 12346.3),
    };

    [Fact]
    public void Readings_piped_in_give_one_typed_row_per_day_with_energy_and_cost_from_the_bill()
    {
        ShellResult result = _shell.Run(
            "$readings | Measure-GasleserUsage -Per Day -TimeZone Europe/Berlin -CalorificValue 11.2 -ConversionFactor 0.9537 -PricePerKWh 0.12",
            new Dictionary<string, object?> { ["readings"] = ADayAcrossMidnight() });

        Assert.Null(result.Terminating);
        Assert.Empty(result.Errors);
        // With kWh, the rows carry the bill's type name first (it picks the table with kWh and cost), then their own.
        Assert.Equal(new[] { "Gasleser.GasleserUsage#Bill", "Gasleser.GasleserUsage" }, result.Output[0].TypeNames.Take(2));
        var rows = Rows(result).ToList();
        Assert.Equal(new[] { "2026-11-24", "2026-11-25", "2026-11-26" }, rows.Select(r => r.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        GasleserUsage day = rows[1];
        Assert.Equal(DateTimeOffset.Parse("2026-11-25T00:00:00+01:00"), day.Start);
        Assert.Equal(TimeSpan.FromHours(24), day.End - day.Start);
        // 23:00 → 01:00 rose 1.0 m³: 0.5 before midnight (interpolated), 0.5 after; then 3.3 and 0.5.
        Assert.Equal(0.5 + 3.3 + 0.5, day.Consumption, 6);
        Assert.True(day.Estimated);
        Assert.Equal(2, day.Readings);
        Assert.Equal(4.3 * 0.9537 * 11.2, day.Energy!.Value, 5);
        Assert.Equal(4.3 * 0.9537 * 11.2 * 0.12, day.Cost!.Value, 5);
        Assert.Equal(2.0, rows[0].Consumption, 6);
    }

    [Fact]
    public void The_DST_days_in_Berlin_are_23_and_25_hours()
    {
        ShellResult result = _shell.Run(
            "$readings | Measure-GasleserUsage -TimeZone 'W. Europe Standard Time'",
            new Dictionary<string, object?>
            {
                ["readings"] = new[]
                {
                    Reading("2026-03-29T00:00:00+01:00", 100), Reading("2026-03-30T00:00:00+02:00", 123),
                    Reading("2026-10-25T00:00:00+02:00", 200), Reading("2026-10-26T00:00:00+01:00", 225),
                },
            });

        var rows = Rows(result).ToList();
        GasleserUsage spring = Assert.Single(rows, r => r.Start.Month == 3 && r.Start.Day == 29);
        GasleserUsage autumn = Assert.Single(rows, r => r.Start.Month == 10 && r.Start.Day == 25);
        Assert.Equal(TimeSpan.FromHours(23), spring.End - spring.Start);
        Assert.Equal(TimeSpan.FromHours(25), autumn.End - autumn.Start);
        Assert.Equal(23.0, spring.Consumption, 6);
        Assert.Equal(25.0, autumn.Consumption, 6);
    }

    [Theory]
    [InlineData("de-DE", "de-DE")]
    [InlineData("", "")]
    [InlineData("", "de-DE")]
    [InlineData("de-DE", "")]
    [InlineData("en-US", "en-US")]
    public void A_CSV_log_written_in_one_culture_and_read_in_another_gives_the_rows_of_the_live_readings(string writtenIn, string readIn)
    {
        List<GasleserReading> live = ADayAcrossMidnight();
        string csv = ExportCsv(live, CultureInfo.GetCultureInfo(writtenIn));

        ShellResult expected = _shell.Run("$readings | Measure-GasleserUsage -TimeZone Europe/Berlin", new Dictionary<string, object?> { ["readings"] = live });
        ShellResult fromCsv = _shell.Run(
            """
            $saved = [cultureinfo]::CurrentCulture
            try {
                [cultureinfo]::CurrentCulture = [cultureinfo]::GetCultureInfo($culture)
                $rows = ImportCsv $csv
                $rows | Measure-GasleserUsage -TimeZone Europe/Berlin
            }
            finally { [cultureinfo]::CurrentCulture = $saved }
            """,
            new Dictionary<string, object?> { ["csv"] = csv, ["culture"] = readIn });

        Assert.Null(fromCsv.Terminating);
        Assert.Empty(fromCsv.Errors);
        UsageMeterTests.AssertSameRows(Rows(expected).ToList(), Rows(fromCsv).ToList());
    }

    [Fact]
    public void Unusable_rows_are_errors_that_name_the_row_and_nothing_else_is_lost()
    {
        string csv = ExportCsv(ADayAcrossMidnight(), CultureInfo.InvariantCulture);
        ShellResult expected = _shell.Run("ImportCsv $csv | Measure-GasleserUsage -TimeZone Europe/Berlin", new Dictionary<string, object?> { ["csv"] = csv });

        ShellResult result = _shell.Run(
            """
            $bad = @(
                [pscustomobject]@{ DeviceId = 'GAS_2329790123'; Timestamp = 'yesterday'; TotalConsumption = '12345.8' }
                [pscustomobject]@{ DeviceId = 'GAS_2329790123'; Timestamp = '2026-11-25T10:00:00+01:00'; TotalConsumption = 'n/a' }
                [pscustomobject]@{ DeviceId = ''; Timestamp = '2026-11-25T10:00:00+01:00'; TotalConsumption = '12345.8' }
                [pscustomobject]@{ DeviceId = 'GAS_2329790123'; Timestamp = '2026-11-25T10:00:00+01:00' }
                [pscustomobject]@{ DeviceId = 'GAS_2329790123'; Timestamp = '2026-11-25T10:00:00+01:00'; TotalConsumption = '-1' }
            )
            $rows = @(ImportCsv $csv)
            $rows[0], $bad[0], $rows[1], $bad[1], $bad[2], $rows[2], $bad[3], $rows[3], $bad[4], $rows[4] |
                Measure-GasleserUsage -TimeZone Europe/Berlin
            """,
            new Dictionary<string, object?> { ["csv"] = csv });

        Assert.Null(result.Terminating);
        Assert.Equal(5, result.Errors.Count);
        Assert.All(result.Errors, e =>
        {
            Assert.Equal("Gasleser.InvalidReading,Gasleser.Commands.MeasureGasleserUsageCommand", e.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidData, e.CategoryInfo.Category);
            Assert.IsType<GasleserInvalidReadingException>(e.Exception);
            Assert.NotNull(e.ErrorDetails.RecommendedAction);
        });
        Assert.Equal("yesterday", ((PSObject)result.Errors[0].TargetObject).Properties["Timestamp"].Value);
        Assert.Contains("'yesterday'", result.Errors[0].Exception.Message);
        Assert.Contains("'n/a'", result.Errors[1].Exception.Message);
        UsageMeterTests.AssertSameRows(Rows(expected).ToList(), Rows(result).ToList());
    }

    [Fact]
    public void Unsorted_input_from_several_devices_with_duplicates_gives_the_rows_of_sorted_input()
    {
        var a = ADayAcrossMidnight();
        var b = ADayAcrossMidnight().Select(r => Reading(r.Timestamp.AddMinutes(7).ToString("o"), r.TotalConsumption / 10, "GAS_PULSE_77")).ToList();
        var messy = a.Concat(b).Reverse().Concat(new[] { a[2], b[3] }).ToList();

        ShellResult sortedA = _shell.Run("$r | Measure-GasleserUsage -TimeZone Europe/Berlin", new Dictionary<string, object?> { ["r"] = a });
        ShellResult sortedB = _shell.Run("$r | Measure-GasleserUsage -TimeZone Europe/Berlin", new Dictionary<string, object?> { ["r"] = b });
        ShellResult result = _shell.Run("$r | Measure-GasleserUsage -TimeZone Europe/Berlin -WarningVariable w; $w.Count", new Dictionary<string, object?> { ["r"] = messy });

        var rows = Rows(result).ToList();
        UsageMeterTests.AssertSameRows(Rows(sortedA).ToList(), rows.Where(r => r.DeviceId == "GAS_2329790123").ToList());
        UsageMeterTests.AssertSameRows(Rows(sortedB).ToList(), rows.Where(r => r.DeviceId == "GAS_PULSE_77").ToList());
        Assert.Equal(0, (int)result.Output[^1].BaseObject);
    }

    [Fact]
    public void Get_GasleserReading_output_pipes_straight_in()
    {
        using var devices = new SimulatedDevices();
        DeviceServer device = devices.Start(deviceId: "GAS_2329790123", initialTotal: 500.0);

        ShellResult result = _shell.Run($"$a = Get-GasleserReading {device.Address}; $b = Get-GasleserReading {device.Address}; $a, $b | Measure-GasleserUsage -Per Hour -TimeZone UTC");

        Assert.Empty(result.Errors);
        GasleserUsage first = Rows(result).First();
        Assert.Equal("GAS_2329790123", first.DeviceId);
        Assert.True(first.Readings >= 1);
        Assert.True(Rows(result).Sum(r => r.Consumption) >= 0);
    }

    [Fact]
    public void Bad_parameters_stop_before_any_input_is_read()
    {
        ShellResult zone = _shell.Run("$readings | Measure-GasleserUsage -TimeZone Mars/Olympus_Mons", new Dictionary<string, object?> { ["readings"] = ADayAcrossMidnight() });
        // Statement-terminating: the command stops at once with one error, and writes nothing.
        Assert.Equal("Gasleser.InvalidParameter,Gasleser.Commands.MeasureGasleserUsageCommand", Assert.Single(zone.Errors).FullyQualifiedErrorId);
        Assert.Empty(Rows(zone));

        ShellResult price = _shell.Run("$readings | Measure-GasleserUsage -PricePerKWh 0.12", new Dictionary<string, object?> { ["readings"] = ADayAcrossMidnight() });
        Assert.Equal("Gasleser.InvalidParameter,Gasleser.Commands.MeasureGasleserUsageCommand", Assert.Single(price.Errors).FullyQualifiedErrorId);
        Assert.Empty(Rows(price));
    }

    [Theory]
    [InlineData("@{ CalorificValue = 11.2 }", "Tariff row 1 has no ValidFrom")]
    [InlineData("@{ ValidFrom = '2026-01-01'; CalorificValue = 11.2 }, @{ ValidFrom = '2026-13-01'; CalorificValue = 11.3 }", "Tariff row 2 (ValidFrom '2026-13-01'): ValidFrom is not a date")]
    [InlineData("@{ ValidFrom = '20260101'; CalorificValue = 11.2 }", "Tariff row 1 (ValidFrom '20260101'): ValidFrom is not a date")]
    [InlineData("[pscustomobject]@{ ValidFrom = '2026-01-01'; CalorificValue = 'elf' }", "Tariff row 1 (ValidFrom '2026-01-01'): its CalorificValue 'elf' is not a number")]
    [InlineData("[pscustomobject]@{ ValidFrom = '2026-01-01'; CalorificValue = '1.234,5' }", "its CalorificValue '1.234,5' can be read more than one way")]
    [InlineData("@{ ValidFrom = '2026-01-01'; CalorificValue = 0 }", "has a CalorificValue of 0: it must be a positive number")]
    [InlineData("@{ ValidFrom = '2026-01-01'; CalorificValue = 11.2; PricePerKWh = '-0,12' }", "has a PricePerKWh of -0.12: it must be at least 0")]
    [InlineData("@{ ValidFrom = '2026-01-01'; CalorificValue = 11.2; Price = 0.12 }", "has a column 'Price' that is none of ValidFrom, CalorificValue")]
    [InlineData("@{ ValidFrom = '2026-01-01'; CalorificValue = 11.2 }, [pscustomobject]@{ ValidFrom = '2026-02-01'; CalorificValue = ''; PricePerKWh = ' ' }", "Tariff row 2 (ValidFrom '2026-02-01') sets none of")]
    [InlineData("@{ ValidFrom = '2026-01-01'; CalorificValue = 11.2 }, @{ ValidFrom = '01.01.2026'; CalorificValue = 11.3 }", "Tariff row 2 (ValidFrom '01.01.2026') sets CalorificValue to 11.3, but tariff row 1 sets it to 11.2 from the same instant")]
    [InlineData("'tariff.csv'", "Tariff row 1 is 'tariff.csv', not a row")]
    [InlineData("@{ ValidFrom = '2026-01-01'; PricePerKWh = 0.12 }", "sets PricePerKWh but no CalorificValue")]
    [InlineData("@()", "-Tariff has no rows")]
    public void A_tariff_row_that_cannot_be_read_is_refused_naming_it_before_any_reading_is_read(string tariff, string message)
    {
        ShellResult result = _shell.Run(
            $"$global:readingsRead = 0; $readings | ForEach-Object {{ $global:readingsRead++; $_ }} | Measure-GasleserUsage -TimeZone Europe/Berlin -Tariff ({tariff}); $global:readingsRead",
            new Dictionary<string, object?> { ["readings"] = ADayAcrossMidnight() });

        ErrorRecord error = Assert.Single(result.Errors);
        Assert.Equal("Gasleser.InvalidParameter,Gasleser.Commands.MeasureGasleserUsageCommand", error.FullyQualifiedErrorId);
        Assert.Contains(message, error.Exception.Message);
        Assert.Equal("Tariff", error.TargetObject);
        Assert.Contains("ValidFrom", error.ErrorDetails.RecommendedAction);
        Assert.Empty(Rows(result));
        Assert.Equal(0, (int)result.Output.Single().BaseObject);
    }

    [Theory]
    [InlineData("-Tariff @{ ValidFrom = '2026-01-01'; CalorificValue = 11.2 } -PricePerKWh 0.12", "does not mix with -CalorificValue")]
    [InlineData("-Tariff @{ ValidFrom = '2026-01-01'; CalorificValue = 11.2 } -StandingChargePerDay 0.45", "does not mix with")]
    [InlineData("-StandingChargePerDay -1", "-StandingChargePerDay must be a number of at least 0")]
    [InlineData("-Per Day -PeriodStart 2026-10-01", "-PeriodStart moves the start of -Per Month and -Per Year")]
    [InlineData("-Per Month -PeriodStart 2026-01-30", "a month starts on a day from 1 to 28")]
    [InlineData("-Per Year -PeriodStart 29.02.2028", "29 February")]
    [InlineData("-Per Year -PeriodStart 'soon'", "-PeriodStart 'soon' is not a date")]
    public void Parameters_that_do_not_go_together_stop_before_any_input_is_read(string parameters, string message)
    {
        ShellResult result = _shell.Run($"$readings | Measure-GasleserUsage -TimeZone Europe/Berlin {parameters}", new Dictionary<string, object?> { ["readings"] = ADayAcrossMidnight() });

        ErrorRecord error = Assert.Single(result.Errors);
        Assert.Equal("Gasleser.InvalidParameter,Gasleser.Commands.MeasureGasleserUsageCommand", error.FullyQualifiedErrorId);
        Assert.Contains(message, error.Exception.Message);
        Assert.Empty(Rows(result));
    }

    [Fact]
    public void A_single_standing_charge_and_a_billing_year_from_a_dotted_date()
    {
        ShellResult result = _shell.Run(
            "$readings | Measure-GasleserUsage -Per Year -PeriodStart '25.11.2025' -TimeZone Europe/Berlin -CalorificValue '11,2' -PricePerKWh 0.12 -StandingChargePerDay '0,45'",
            new Dictionary<string, object?> { ["readings"] = ADayAcrossMidnight() });

        Assert.Empty(result.Errors);
        Assert.Equal("Gasleser.GasleserUsage#Bill", result.Output[0].TypeNames[0]);
        // Two rows: the billing year to 25 November 2026, 00:00, and the one from it.
        var rows = Rows(result).ToList();
        Assert.Equal(new[] { DateTimeOffset.Parse("2025-11-25T00:00:00+01:00"), DateTimeOffset.Parse("2026-11-25T00:00:00+01:00") }, rows.Select(r => r.Start));
        GasleserUsage year = rows[0];
        Assert.Equal(4.0 / 24 * 0.45, year.StandingCharge!.Value, 12); // 20:00 to midnight
        Assert.Equal(2.0 * 11.2 * 0.12, year.EnergyCost!.Value, 12);
        Assert.Equal(year.EnergyCost + year.StandingCharge, year.Cost);
        Assert.Equal(TimeSpan.FromHours(3), year.LongestGap);
        Assert.Equal(new TimeSpan(14, 5, 39), rows[1].LongestGap); // 01:00 to 15:05:39
    }

    [Fact]
    public void The_module_exports_the_command_and_ships_its_time_zone_table_and_view()
    {
        Assert.True(File.Exists(Path.Combine(StagedModule.Directory, "dependencies", "TimeZoneConverter.dll")));
        Assert.True(File.Exists(Path.Combine(StagedModule.Directory, "Gasleser.Usage.format.ps1xml")));

        // (The hosted engine has no Format-Table: the view is checked by what it is keyed on and shows.)
        string view = File.ReadAllText(Path.Combine(StagedModule.Directory, "Gasleser.Usage.format.ps1xml"));
        Assert.Contains("<TypeName>Gasleser.GasleserUsage</TypeName>", view);
        Assert.Contains("<TypeName>Gasleser.GasleserUsage#Bill</TypeName>", view);
        Assert.Contains("Used (m³)", view);
        Assert.Contains("<Label>Energy cost</Label>", view);
        Assert.Contains("<Label>Longest gap</Label>", view);

        ShellResult result = _shell.Run("(Get-Command Measure-GasleserUsage).ModuleName; (Get-Module Gasleser).ExportedCmdlets.Keys -contains 'Measure-GasleserUsage'");
        Assert.Equal(new object[] { "Gasleser", true }, result.Output.Select(o => o.BaseObject));
    }

    /// <summary>What Export-Csv writes in a culture: each value's ToString() in that culture, quoted.</summary>
    private static string ExportCsv(IEnumerable<GasleserReading> readings, CultureInfo culture)
    {
        var csv = new StringBuilder("\"ComputerName\",\"DeviceId\",\"Timestamp\",\"TotalConsumption\",\"CurrentFlowRate\"\n");
        foreach (GasleserReading r in readings)
        {
            csv.Append('"').Append(r.ComputerName).Append("\",\"").Append(r.DeviceId).Append("\",\"")
               .Append(r.Timestamp.ToString(culture)).Append("\",\"").Append(r.TotalConsumption.ToString(culture)).Append("\",\"")
               .Append(r.CurrentFlowRate?.ToString(culture)).Append("\"\n");
        }

        return csv.ToString();
    }
}
