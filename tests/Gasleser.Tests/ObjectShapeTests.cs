using System.Globalization;
using Gasleser.Simulator;
using Xunit;

namespace Gasleser.Tests;

/// <summary>
/// What Export-Csv and ConvertTo-Json see of a reading: flat typed properties in a stable order, and the
/// text Export-Csv makes of them read back in the culture that wrote it.
/// </summary>
public sealed class ObjectShapeTests : IDisposable
{
    private static readonly string[] StableOrder =
    {
        "ComputerName", "DeviceId", "Timestamp", "TotalConsumption", "CurrentFlowRate", "ConsumptionDelta",
        "AverageFlowRate", "PulseCount", "SignalStrength", "Rssi", "FromCache",
    };

    // The row a CSV log holds: the reading through the real Export-Csv and Import-Csv (their string forms).
    private const string CsvRow = "$row = $r | ConvertTo-Csv -NoTypeInformation | ConvertFrom-Csv; ";

    private readonly SimulatedDevices _devices = new();
    private ModuleShell? _shell;

    public void Dispose()
    {
        _shell?.Dispose();
        _devices.Dispose();
    }

    private string _culture = "";

    private ModuleShell ShellIn(string culture)
    {
        _culture = culture;
        return _shell = new ModuleShell();
    }

    // The culture is set on the thread that runs the pipeline, as a user's shell has it; the tests also
    // print [cultureinfo]::CurrentCulture.Name from inside the pipeline to prove it.
    private IReadOnlyList<object> Run(ModuleShell shell, string script, DeviceServer device, Dictionary<string, object?>? variables = null)
    {
        variables ??= new Dictionary<string, object?>();
        variables["address"] = device.Address;
        ShellResult result = shell.Run($"[cultureinfo]::CurrentCulture = [cultureinfo]::GetCultureInfo('{_culture}'); " + script, variables);
        Assert.Null(result.Terminating);
        Assert.Empty(result.Errors);
        return result.Output.Select(o => o.BaseObject).ToList();
    }

    [Fact]
    public void A_readings_properties_are_flat_scalars_in_the_documented_order_as_PowerShell_sees_them()
    {
        DeviceServer device = _devices.Start();

        IReadOnlyList<object> result = Run(ShellIn(""),
            "$r = Get-GasleserReading $address; $r.PSObject.Properties.Name -join ','; $r.PSObject.Properties.TypeNameOfValue -join ','", device);

        Assert.Equal(string.Join(",", StableOrder), result[0]);
        Assert.Equal(
            "System.String,System.String,System.DateTimeOffset,System.Double,System.Nullable`1[[System.Double]],System.Nullable`1[[System.Double]],"
            + "System.Nullable`1[[System.Double]],System.Nullable`1[[System.Int64]],System.Nullable`1[[System.Int32]],System.Nullable`1[[System.Int32]],System.Boolean",
            System.Text.RegularExpressions.Regex.Replace((string)result[1], @", System\.Private\.CoreLib[^\]]*\]", "]"));
    }

    [Theory]
    [InlineData("", "12345.8", "/")]
    [InlineData("en-US", "12345.8", "/")]
    [InlineData("de-DE", "12345,8", ".")]
    public void A_CSV_row_of_a_reading_converts_back_to_the_same_reading_in_the_culture_that_wrote_it(string culture, string totalText, string dateSeparator)
    {
        DeviceServer device = _devices.Start(deviceId: "GAS_2329790123", initialTotal: 12345.8);
        device.Device.SetTotal(12345.8);

        IReadOnlyList<object> result = Run(ShellIn(culture),
            "[cultureinfo]::CurrentCulture.Name; $r = Get-GasleserReading $address; $r.ConsumptionDelta = 0.125; " + CsvRow +
            "$row.TotalConsumption; $row.Timestamp; $back = [Gasleser.GasleserReading]$row; $back; $r",
            device);

        Assert.Equal(culture, result[0]);
        Assert.Equal(totalText, result[1]);
        Assert.Contains(dateSeparator, (string)result[2]);
        var back = (GasleserReading)result[3];
        var original = (GasleserReading)result[4];
        foreach (var property in typeof(GasleserReading).GetProperties())
        {
            Assert.Equal(property.GetValue(original), property.GetValue(back));
        }

        Assert.Equal(0.125, back.ConsumptionDelta);
        Assert.Null(back.AverageFlowRate);
    }

    [Fact]
    public void Under_de_DE_PowerShells_own_casts_misread_the_CSV_text_which_is_why_the_converter_exists()
    {
        // Documents the limitation the README describes: [double] and [datetimeoffset] read invariantly.
        DeviceServer device = _devices.Start(initialTotal: 12345.8);
        device.Device.SetTotal(12345.8);

        IReadOnlyList<object> output = Run(ShellIn("de-DE"),
            "$r = Get-GasleserReading $address; " + CsvRow + "$row.TotalConsumption; $row.Timestamp; " +
            "try { [double]$row.TotalConsumption } catch { 'cast failed' }; try { [datetimeoffset]$row.Timestamp } catch { 'cast failed' }",
            device);

        Assert.Equal("12345,8", output[0]);
        Assert.Matches(@"^\d\d\.\d\d\.\d{4} ", (string)output[1]);
        Assert.Equal(123458.0, output[2]); // the comma taken for a thousands separator: ten times too much, silently
        Assert.Equal("cast failed", output[3]);
    }

    [Fact]
    public void Day_and_month_are_never_swapped_and_text_in_neither_culture_is_an_error()
    {
        IReadOnlyList<object> result = Run(ShellIn("de-DE"),
            "[cultureinfo]::CurrentCulture.Name; $row = [pscustomobject]@{ DeviceId = 'GAS_1'; Timestamp = '05.11.2026 08:00:00 +01:00'; TotalConsumption = '1,5' }; ([Gasleser.GasleserReading]$row).Timestamp; " +
            "$row.Timestamp = '11/05/2026 08:00:00 +01:00'; ([Gasleser.GasleserReading]$row).Timestamp; " +
            "$row.TotalConsumption = '1.234,5'; try { [Gasleser.GasleserReading]$row } catch { 'rejected' }",
            _devices.Start());

        Assert.Equal("de-DE", result[0]);
        result = result.Skip(1).ToList();
        Assert.Equal(new DateTimeOffset(2026, 11, 5, 8, 0, 0, TimeSpan.FromHours(1)), result[0]);
        Assert.Equal(new DateTimeOffset(2026, 11, 5, 8, 0, 0, TimeSpan.FromHours(1)), result[1]);
        Assert.Equal("rejected", result[2]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("en-US")]
    [InlineData("de-DE")]
    public void A_file_written_by_Export_Csv_reads_back_through_Import_Csv_with_every_value_in_the_culture_that_wrote_it(string culture)
    {
        DeviceServer device = _devices.Start(deviceId: "GAS_2329790123", initialTotal: 12345.8);
        string file = Path.Combine(Path.GetTempPath(), "gasleser-shape-" + Guid.NewGuid().ToString("n") + ".csv");
        try
        {
            IReadOnlyList<object> result = Run(ShellIn(culture),
                "$r = Get-GasleserReading $address; $r | Export-Csv -NoTypeInformation -Path $file; " +
                "$rows = @(Import-Csv -Path $file); $rows.Count; ($rows[0].PSObject.Properties.Name -join ','); [Gasleser.GasleserReading]$rows[0]; $r",
                device, new Dictionary<string, object?> { ["file"] = file });

            Assert.Equal(1, result[0]);
            Assert.Equal(string.Join(",", StableOrder), result[1]);
            var back = (GasleserReading)result[2];
            var original = (GasleserReading)result[3];
            Assert.Equal(original.Timestamp, back.Timestamp);
            Assert.Equal(original.TotalConsumption, back.TotalConsumption);
            Assert.Equal(original.DeviceId, back.DeviceId);
            Assert.Equal(original.SignalStrength, back.SignalStrength);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void ConvertTo_Json_writes_numbers_as_numbers_the_time_as_ISO_8601_and_empty_values_as_null()
    {
        DeviceServer device = _devices.Start(deviceId: "GAS_2329790123", initialTotal: 12345.8);

        string json = (string)Run(ShellIn("de-DE"), "Get-GasleserReading $address | ConvertTo-Json -Compress", device).Single();

        using var document = System.Text.Json.JsonDocument.Parse(json);
        System.Text.Json.JsonElement root = document.RootElement;
        Assert.Equal(System.Text.Json.JsonValueKind.Number, root.GetProperty("TotalConsumption").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, root.GetProperty("ConsumptionDelta").ValueKind);
        Assert.Equal("GAS_2329790123", root.GetProperty("DeviceId").GetString());
        Assert.True(DateTimeOffset.TryParse(root.GetProperty("Timestamp").GetString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out _));
        Assert.Equal(StableOrder, root.EnumerateObject().Select(p => p.Name).ToArray());
    }
}
