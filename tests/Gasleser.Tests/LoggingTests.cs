using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Gasleser.Commands;
using System.Management.Automation;
using Gasleser.Logging;
using Xunit;
using Gasleser.Hosting;

namespace Gasleser.Tests;

/// <summary>
/// Export-GasleserLog and Import-GasleserLog as a user relies on them: every reading lands in the file at
/// once, under any number of writers, through a held file, a crash and a month's end, and reads back typed
/// in any culture.
/// </summary>
public sealed class LoggingTests : IDisposable
{
    private const string ExportCsvHeader =
        "\"ComputerName\",\"DeviceId\",\"Timestamp\",\"TotalConsumption\",\"CurrentFlowRate\",\"ConsumptionDelta\",\"AverageFlowRate\",\"PulseCount\",\"SignalStrength\",\"Rssi\",\"FromCache\"";

    private readonly ModuleShell _shell = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("gasleser-logs-").FullName;

    public void Dispose()
    {
        _shell.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private string File(string name) => Path.Combine(_folder, name);

    // Readings made in PowerShell, a minute apart, ending $end minutes ago.
    private const string Readings = """
        function New-Reading([int]$i, [datetimeoffset]$at = [datetimeoffset]::Now.AddMinutes(-100 + $i)) {
            [Gasleser.GasleserReading]@{ ComputerName = '127.0.0.1:8080'; DeviceId = 'GAS_1'; Timestamp = $at; TotalConsumption = 12345.8 + $i / 100; CurrentFlowRate = 0.25; PulseCount = 100 + $i; FromCache = $false }
        }
        """;

    [Fact]
    public void Each_reading_is_in_the_file_before_the_next_is_asked_for_and_the_header_is_written_once()
    {
        string log = File("gas.csv");
        var seen = new List<int>();
        ShellResult result = _shell.Run(Readings + """
            1..3 | ForEach-Object {
                New-Reading $_
                # Export-GasleserLog has had the reading; the pipeline asks for the next one only now.
                $seen.Add([System.IO.File]::ReadAllLines($log).Count)
            } | Export-GasleserLog $log
            """, new Dictionary<string, object?> { ["log"] = log, ["seen"] = seen });

        Assert.Empty(result.Errors);
        Assert.Equal(new[] { 2, 3, 4 }, seen);
        string[] lines = System.IO.File.ReadAllLines(log);
        Assert.Equal(4, lines.Length);
        Assert.Equal(ExportCsvHeader, lines[0]);
        Assert.Equal(3, _shell.Run($"Import-GasleserLog '{log}'").Readings.Count());
    }

    [Fact]
    public void Times_are_round_trip_ISO_8601_in_the_hosts_offset_and_numbers_invariant_and_they_read_back_identical()
    {
        string log = File("gas.csv");
        ShellResult written = _shell.Run(Readings + "New-Reading 5 | Export-GasleserLog $log -PassThru", new Dictionary<string, object?> { ["log"] = log });
        GasleserReading original = Assert.Single(written.Readings);

        string row = System.IO.File.ReadAllLines(log)[1];
        Assert.Contains("\"" + original.Timestamp.ToLocalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture) + "\"", row);
        Assert.Contains("\"" + original.TotalConsumption.ToString("R", CultureInfo.InvariantCulture) + "\"", row);

        GasleserReading back = Assert.Single(_shell.Run($"Import-GasleserLog '{log}'").Readings);
        Assert.Equal(original.Timestamp, back.Timestamp);
        Assert.Equal(original.Timestamp.ToLocalTime().Offset, back.Timestamp.Offset);
        Assert.Equal(original.TotalConsumption, back.TotalConsumption);
        Assert.Equal(original.PulseCount, back.PulseCount);
        Assert.Equal(original.CurrentFlowRate, back.CurrentFlowRate);
    }

    [Fact]
    public void A_log_started_by_Export_Csv_goes_on_and_a_log_with_other_columns_is_refused_with_nothing_written()
    {
        string started = File("started.csv");
        System.IO.File.WriteAllText(started, ExportCsvHeader + "\n\"127.0.0.1:8080\",\"GAS_1\",\"11/25/2026 09:00:00 +00:00\",\"12345.8\",\"0.25\",,,,,,\"False\"\n");
        string other = File("other.csv");
        System.IO.File.WriteAllText(other, "\"Name\",\"Value\"\n\"a\",\"1\"\n");

        ShellResult result = _shell.Run(Readings + "New-Reading 1 | Export-GasleserLog $a; New-Reading 2 | Export-GasleserLog $b",
            new Dictionary<string, object?> { ["a"] = started, ["b"] = other });

        Assert.Equal(3, System.IO.File.ReadAllLines(started).Length);
        Assert.Equal("\"Name\",\"Value\"\n\"a\",\"1\"\n", System.IO.File.ReadAllText(other));
        ErrorRecord_is(result, "Gasleser.LogFileError", other);
        Assert.Equal(2, _shell.Run($"Import-GasleserLog '{started}'").Readings.Count());
    }

    [Fact]
    public void A_log_with_the_readings_columns_in_another_separator_is_refused_naming_both_separators_with_nothing_written()
    {
        string semicolons = File("semicolons.csv");
        string text = ExportCsvHeader.Replace("\",\"", "\" ; \"") + "\n";
        System.IO.File.WriteAllText(semicolons, text);

        ShellResult result = _shell.Run(Readings + "New-Reading 1 | Export-GasleserLog $a", new Dictionary<string, object?> { ["a"] = semicolons });

        Assert.Equal(text, System.IO.File.ReadAllText(semicolons));
        ErrorRecord_is(result, "Gasleser.LogFileError", semicolons);
        Assert.Contains("separates its columns with ';', this command with ','", result.Errors[0].Exception.Message);
    }

    [Fact]
    public void A_last_line_left_half_written_is_not_glued_to_and_reads_back_as_one_invalid_row_naming_file_and_line()
    {
        string log = File("torn.csv");
        _shell.Run(Readings + "New-Reading 1 | Export-GasleserLog $log", new Dictionary<string, object?> { ["log"] = log });
        System.IO.File.AppendAllText(log, "\"127.0.0.1:8080\",\"GAS_1\",\"2026-11-");

        _shell.Run(Readings + "New-Reading 3 | Export-GasleserLog $log", new Dictionary<string, object?> { ["log"] = log });
        ShellResult imported = _shell.Run($"Import-GasleserLog '{log}'");

        string[] lines = System.IO.File.ReadAllLines(log);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("\"127.0.0.1:8080\",\"GAS_1\",\"2", lines[3]);
        Assert.Equal(2, imported.Readings.Count());
        ErrorRecord error = Assert.Single(imported.Errors);
        Assert.StartsWith("Gasleser.InvalidReading", error.FullyQualifiedErrorId);
        Assert.Contains(log + ", line 3", error.Exception.Message);
    }

    [Fact]
    public void A_row_with_more_fields_than_its_header_is_refused_not_read_from_its_first_fields()
    {
        // An unquoted 1,234 splits into two fields: read by position the row would say 1 m³, a silent 1000× error.
        string log = File("split.csv");
        System.IO.File.WriteAllText(log, "DeviceId,Timestamp,TotalConsumption\nGAS_1,2025-09-25T10:00:00Z,1,234\nGAS_1,2025-09-25T11:00:00Z,1235\n");

        ShellResult imported = _shell.Run($"Import-GasleserLog '{log}'");

        Assert.Equal(1235, Assert.Single(imported.Readings).TotalConsumption);
        ErrorRecord error = Assert.Single(imported.Errors);
        Assert.StartsWith("Gasleser.InvalidReading", error.FullyQualifiedErrorId);
        Assert.Contains(log + ", line 2", error.Exception.Message);
        Assert.Contains("4 fields", error.Exception.Message);
        Assert.Contains("header has 3", error.Exception.Message);
    }

    [Fact]
    public void A_date_pattern_in_the_path_rotates_by_the_readings_own_time_across_a_month_boundary()
    {
        string pattern = Path.Combine(_folder, "gas-{0:yyyy-MM}.csv");
        _shell.Run(Readings + """
            $end = [datetimeoffset]::new(2026, 10, 31, 23, 58, 0, [timespan]::Zero).ToLocalTime()
            0..3 | ForEach-Object { New-Reading $_ $end.AddMinutes($_) } | Export-GasleserLog $pattern
            """, new Dictionary<string, object?> { ["pattern"] = pattern });

        var files = Directory.GetFiles(_folder).Select(Path.GetFileName).Order().ToList();
        var times = Enumerable.Range(0, 4).Select(i => new DateTimeOffset(2026, 10, 31, 23, 58, 0, TimeSpan.Zero).AddMinutes(i).ToLocalTime()).ToList();
        var expected = times.GroupBy(t => t.ToString("yyyy-MM", CultureInfo.InvariantCulture)).ToDictionary(g => $"gas-{g.Key}.csv", g => g.Count());
        Assert.Equal(expected.Keys.Order(), files);
        foreach (var (file, rows) in expected)
        {
            Assert.Equal(rows + 1, System.IO.File.ReadAllLines(File(file!)).Length);
        }
    }

    [Theory]
    [InlineData("de-DE", "en-US")]
    [InlineData("en-US", "de-DE")]
    public void A_log_written_in_one_culture_reads_right_in_another_with_and_without_UseCulture_and_from_Export_Csv(string writer, string reader)
    {
        string plain = File("plain.csv"), cultured = File("cultured.csv"), exportCsv = File("exportcsv.csv");
        var when = new DateTimeOffset(2026, 11, 5, 17, 37, 45, TimeSpan.FromHours(1));
        CultureInfo written = CultureInfo.GetCultureInfo(writer);
        string listSeparator = written.TextInfo.ListSeparator;
        // What Export-Csv -UseCulture writes in the writer's culture: its date, its decimal mark, its separator.
        System.IO.File.WriteAllText(exportCsv, string.Join(listSeparator, ExportCsvHeader.Split(',')) + "\n" + string.Join(listSeparator,
            new[] { "127.0.0.1", "GAS_1", when.ToString(written), 12346.05.ToString(written), "", "", "", "", "", "", "False" }.Select(v => v.Length == 0 ? "" : $"\"{v}\"")) + "\n");

        ShellResult result = _shell.Run(Readings + """
            [System.Threading.Thread]::CurrentThread.CurrentCulture = $writer
            New-Reading 1 $when | Export-GasleserLog $plain
            New-Reading 1 $when | Export-GasleserLog $cultured -UseCulture
            [System.Threading.Thread]::CurrentThread.CurrentCulture = $reader
            Import-GasleserLog $plain, $cultured, $exportCsv
            """, new Dictionary<string, object?> { ["writer"] = writer, ["reader"] = reader, ["when"] = when, ["plain"] = plain, ["cultured"] = cultured, ["exportCsv"] = exportCsv });

        Assert.Empty(result.Errors);
        var readings = result.Readings.ToList();
        Assert.Equal(3, readings.Count);
        Assert.All(readings, r => Assert.Equal(when.UtcTicks, r.Timestamp.UtcTicks));
        Assert.Equal(new[] { 12345.8 + 1 / 100.0, 12345.8 + 1 / 100.0, 12346.05 }, readings.Select(r => r.TotalConsumption));
        Assert.Contains("\"12345.8", System.IO.File.ReadAllText(plain));
        if (written.NumberFormat.NumberDecimalSeparator == ",")
        {
            Assert.Contains("\"12345,8", System.IO.File.ReadAllText(cultured));
            Assert.Contains("\";\"", System.IO.File.ReadAllText(cultured));
        }
    }

    [Fact]
    public void Import_reads_wildcards_and_several_files_in_order_and_a_bad_row_is_one_InvalidReading_naming_file_and_line()
    {
        _shell.Run(Readings + "1..2 | % { New-Reading $_ } | Export-GasleserLog $a; 3..4 | % { New-Reading $_ } | Export-GasleserLog $b",
            new Dictionary<string, object?> { ["a"] = File("gas-1.csv"), ["b"] = File("gas-2.csv") });
        System.IO.File.AppendAllText(File("gas-2.csv"), "\"127.0.0.1:8080\",\"GAS_1\",\"1970-01-01T00:08:43+00:00\",\"1\",\"\",\"\",\"\",\"\",\"\",\"\",\"False\"\n");

        ShellResult result = _shell.Run($"Import-GasleserLog '{Path.Combine(_folder, "gas-*.csv")}'");

        Assert.Equal(new[] { 101L, 102, 103, 104 }, result.Readings.Select(r => r.PulseCount!.Value));
        ErrorRecord error = Assert.Single(result.Errors);
        Assert.StartsWith("Gasleser.InvalidReading", error.FullyQualifiedErrorId);
        Assert.Contains(File("gas-2.csv") + ", line 4", error.Exception.Message);
        Assert.Contains("has not set its clock", error.Exception.Message);
    }

    [Fact]
    public async Task A_file_held_by_another_program_loses_no_row_the_rows_wait_in_order_and_one_warning_says_so()
    {
        string log = File("held.csv");
        _shell.Run(Readings + "New-Reading 0 | Export-GasleserLog $log", new Dictionary<string, object?> { ["log"] = log });
        var held = new FileStream(log, FileMode.Open, FileAccess.ReadWrite, FileShare.None);

        // The holder lets go after the third reading was handed over.
        var release = new ManualResetEventSlim();
        using PowerShell ps = _shell.Create(Readings + """
            1..5 | ForEach-Object {
                if ($_ -eq 4) { $release.Set(); [System.Threading.Thread]::Sleep(1500) }
                New-Reading $_
            } | Export-GasleserLog $log
            """, new Dictionary<string, object?> { ["log"] = log, ["release"] = release });
        var run = Task.Run(() => ModuleShell.Collect(ps, () => ps.Invoke()));
        Assert.True(release.Wait(TimeSpan.FromSeconds(30)));
        held.Dispose();
        ShellResult result = await run;

        Assert.Empty(result.Errors);
        Assert.Single(result.Warnings);
        Assert.Equal(new[] { 100L, 101, 102, 103, 104, 105 }, _shell.Run($"Import-GasleserLog '{log}'").Readings.Select(r => r.PulseCount!.Value));
    }

    [Fact]
    public void A_watch_whose_log_another_process_holds_across_two_polls_loses_no_row_and_warns_once()
    {
        // Real time (about 35 s: four polls 11 s apart): on the virtual clock the watch polls ahead of the pipeline, so the hold could
        // not be placed between two readings reaching Export-GasleserLog.
        using var devices = new SimulatedDevices(realTime: true);
        var device = devices.Start();
        string log = File("held-by-another.csv");
        System.IO.File.WriteAllText(log, "");
        using Process holder = StartHost("""
            [void][Console]::In.ReadLine(); $file = [IO.File]::Open($env:HELD_LOG, 'Open', 'ReadWrite', 'None'); [Console]::Out.WriteLine('locked'); [Console]::Out.Flush()
            [void][Console]::In.ReadLine(); $file.Dispose(); [Console]::Out.WriteLine('unlocked'); [Console]::Out.Flush()
            """, new Dictionary<string, string> { ["HELD_LOG"] = log }, redirectInput: true);

        // The device answers poll 2 only once the other process holds the log, and poll 4 once it let go (22 s later): polls 2 and 3 wait.
        device.RequestServed += _ =>
        {
            int served = device.Device.Requests.Count;
            if (served == 2 || served == 4)
            {
                holder.StandardInput.WriteLine(served == 2 ? "lock" : "unlock");
                Assert.Equal(served == 2 ? "locked" : "unlocked", holder.StandardOutput.ReadLine());
            }
        };

        ShellResult result = _shell.Run($"Watch-GasleserReading {device.Address} -Count 4 -Interval 10 | Export-GasleserLog '{log}'");
        holder.WaitForExit();

        Assert.Empty(result.Errors);
        Assert.Single(result.Warnings);
        Assert.Equal(4, device.Device.Requests.Count(r => r.Status == 200));
        var timestamps = _shell.Run($"Import-GasleserLog '{log}'").Readings.Select(r => r.Timestamp).ToList();
        Assert.Equal(4, timestamps.Count);
        Assert.Equal(timestamps.Order(), timestamps);
    }

    [Fact]
    public void Rows_beyond_what_can_be_kept_while_the_file_is_held_are_one_error_naming_how_many_and_which_times()
    {
        string log = File("held.csv");
        _shell.Run(Readings + "New-Reading 0 | Export-GasleserLog $log", new Dictionary<string, object?> { ["log"] = log });
        int keep = ProcessWide.LogMaxPendingRows;
        TimeSpan patience = ProcessWide.LogHeldFilePatience;
        ProcessWide.LogMaxPendingRows = 2;
        ProcessWide.LogHeldFilePatience = TimeSpan.FromSeconds(1);
        try
        {
            using var held = new FileStream(log, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            ShellResult result = _shell.Run(Readings + "1..5 | % { New-Reading $_ } | Export-GasleserLog $log", new Dictionary<string, object?> { ["log"] = log });

            ErrorRecord error = Assert.Single(result.Errors);
            Assert.StartsWith("Gasleser.LogFileError", error.FullyQualifiedErrorId);
            Assert.StartsWith("5 reading(s) from ", error.Exception.Message);
            Assert.Single(result.Warnings);
        }
        finally
        {
            ProcessWide.LogMaxPendingRows = keep;
            ProcessWide.LogHeldFilePatience = patience;
        }
    }

    [Fact]
    public async Task Four_processes_appending_a_thousand_readings_each_give_four_thousand_rows_a_single_header_and_every_row_parses()
    {
        string log = File("shared.csv");
        string command = Readings.Replace("\n", " ").Replace("\r", "") +
            $"; 1..1000 | ForEach-Object {{ New-Reading ($_ % 90) }} | Export-GasleserLog '{log}'";
        string[] outputs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => RunHostAsync(command)));

        Assert.All(outputs, output => Assert.DoesNotContain("error:", output));
        string[] lines = System.IO.File.ReadAllLines(log);
        Assert.Equal(4001, lines.Length);
        Assert.Equal(1, lines.Count(l => l == ExportCsvHeader));
        ShellResult imported = _shell.Run($"Import-GasleserLog '{log}'");
        Assert.Empty(imported.Errors);
        Assert.Equal(4000, imported.Readings.Count());
    }

    [Fact]
    public void A_watch_logging_to_a_file_killed_with_SIGKILL_has_every_served_reading_in_the_file_but_the_one_in_flight()
    {
        using var devices = new SimulatedDevices(realTime: true);
        var device = devices.Start();
        string log = File("watch.csv");
        using Process watch = StartHost($"Watch-GasleserReading {device.Address} -Interval 00:00:10 | Export-GasleserLog '{log}'");
        try
        {
            // The file grows while the watch runs.
            var sizes = new List<int>();
            DateTime giveUp = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < giveUp && sizes.LastOrDefault() < 3)
            {
                Thread.Sleep(200);
                try
                {
                    sizes.Add(System.IO.File.Exists(log) ? System.IO.File.ReadAllLines(log).Length - 1 : 0);
                }
                catch (IOException)
                {
                    // The writer holds the file for the row it is writing (its lock is exclusive): look again.
                }
            }

            Assert.Contains(1, sizes);
            Assert.Contains(2, sizes);
        }
        finally
        {
            watch.Kill(); // SIGKILL on Unix
            watch.WaitForExit();
        }

        int served = device.Device.Requests.Count(r => r.Status == 200);
        ShellResult imported = _shell.Run($"Import-GasleserLog '{log}'");
        Assert.Empty(imported.Errors);
        Assert.InRange(imported.Readings.Count(), served - 1, served);
    }

    [Fact]
    public void Measure_never_stops_on_a_row_a_row_outside_the_calendar_or_the_plausible_times_is_an_InvalidReading_and_the_rest_is_measured()
    {
        ShellResult result = _shell.Run("""
            @(
                [pscustomobject]@{ DeviceId = 'GAS_A'; Timestamp = '1970-01-01T00:08:43Z'; TotalConsumption = '12000' }
                [pscustomobject]@{ DeviceId = 'GAS_A'; Timestamp = '2026-11-20T08:00:00+01:00'; TotalConsumption = '12345.0' }
                [pscustomobject]@{ DeviceId = 'GAS_A'; Timestamp = '12/31/9999 23:59:59 +00:00'; TotalConsumption = '12346' }
                [pscustomobject]@{ DeviceId = 'GAS_A'; Timestamp = '01/01/0001 00:00:00'; TotalConsumption = '12346' }
                [pscustomobject]@{ DeviceId = 'GAS_A'; Timestamp = '2026-11-20T20:00:00+01:00'; TotalConsumption = '12346.5' }
                [pscustomobject]@{ DeviceId = 'GAS_A'; Timestamp = '2026-11-21T08:00:00+01:00'; TotalConsumption = '1e308' }
            ) | Measure-GasleserUsage -Per Day -TimeZone Europe/Berlin
            """);

        Assert.Null(result.Terminating);
        Assert.Equal(4, result.Errors.Count);
        Assert.All(result.ErrorIds, id => Assert.Equal("Gasleser.InvalidReading", id));
        var day = Assert.Single(result.Output.Select(o => o.BaseObject).OfType<GasleserUsage>());
        Assert.Equal(1.5, day.Consumption, 9);
    }

    [Fact]
    public void Measure_keeps_device_ids_as_given_GAS_A_and_gas_a_are_two_devices()
    {
        ShellResult result = _shell.Run("""
            @(
                [pscustomobject]@{ DeviceId = 'GAS_A'; Timestamp = '2026-11-20T08:00:00+01:00'; TotalConsumption = '100' }
                [pscustomobject]@{ DeviceId = 'gas_a'; Timestamp = '2026-11-20T09:00:00+01:00'; TotalConsumption = '500' }
                [pscustomobject]@{ DeviceId = 'GAS_A'; Timestamp = '2026-11-20T10:00:00+01:00'; TotalConsumption = '101' }
                [pscustomobject]@{ DeviceId = 'gas_a'; Timestamp = '2026-11-20T11:00:00+01:00'; TotalConsumption = '502' }
            ) | Measure-GasleserUsage -Per Day -TimeZone Europe/Berlin
            """);

        var rows = result.Output.Select(o => o.BaseObject).OfType<GasleserUsage>().ToDictionary(r => r.DeviceId);
        Assert.Equal(new[] { "GAS_A", "gas_a" }, rows.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(1, rows["GAS_A"].Consumption, 9);
        Assert.Equal(2, rows["gas_a"].Consumption, 9);
    }

    private static void ErrorRecord_is(ShellResult result, string id, string target)
    {
        var error = Assert.Single(result.Errors);
        Assert.StartsWith(id, error.FullyQualifiedErrorId);
        Assert.Equal(target, error.TargetObject);
    }

    [Fact]
    public async Task A_readings_Timestamp_is_the_devices_instant_in_the_hosts_local_offset_so_view_log_and_JSON_show_one_wall_time()
    {
        using var devices = new SimulatedDevices(realTime: true);
        var device = devices.Start();
        string log = File("berlin.csv");

        string output = await RunHostAsync(
            $"$r = Get-GasleserReading {device.Address}; $r | Export-GasleserLog '{log}'; $r.Timestamp.ToString('o'); [datetimeoffset]::Now.Offset.TotalHours",
            new Dictionary<string, string> { ["TZ"] = "Europe/Berlin" });

        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        TimeSpan berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin").GetUtcOffset(DateTimeOffset.UtcNow);
        Assert.Equal("output: " + berlin.TotalHours.ToString(CultureInfo.InvariantCulture), lines[^1].Trim());
        string timestamp = lines[0].Replace("output: ", "").Trim();
        Assert.EndsWith(berlin.ToString("hh\\:mm").Insert(0, "+"), timestamp);
        Assert.Contains("\"" + timestamp.Replace(".0000000", "") + "\"", System.IO.File.ReadAllText(log));
    }

    private static Process StartHost(string commandLine, IDictionary<string, string>? environment = null, bool redirectInput = false)
    {
        string host = typeof(LoggingTests).Assembly.GetCustomAttribute<TestHostAttribute>()!.Path;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = redirectInput };
        start.ArgumentList.Add(host);
        start.ArgumentList.Add(StagedModule.Manifest);
        start.ArgumentList.Add(commandLine);
        start.Environment["TMPDIR"] = Path.GetTempPath();
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return Process.Start(start)!;
    }

    private static async Task<string> RunHostAsync(string commandLine, IDictionary<string, string>? environment = null)
    {
        using Process process = StartHost(commandLine, environment);
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return await output + await errors;
    }
}
