using System.Globalization;
using System.Management.Automation;
using Gasleser.Hosting;
using Gasleser.Logging;
using Gasleser.Usage;
using Xunit;
using Gasleser.Readings;

namespace Gasleser.Tests;

/// <summary>
/// The usage arithmetic on hand-computed fixtures in Europe/Berlin (CET +01:00, CEST +02:00; 2026-03-29 has
/// 23 hours, 2026-10-25 has 25), without the engine.
/// </summary>
public sealed class UsageMeterTests
{
    internal static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    internal sealed record Result(List<GasleserUsage> Rows, List<string> Warnings, int PeakRetained);

    internal static Result Measure(IEnumerable<(string Id, DateTimeOffset At, double Total)> readings,
        UsagePeriod per = UsagePeriod.Day, Tariff? tariff = null, PeriodCalendar? calendar = null)
    {
        var rows = new List<GasleserUsage>();
        var warnings = new List<string>();
        var meter = new UsageMeter(calendar ?? new PeriodCalendar(per, Berlin), tariff ?? Tariff.None, new Collect(rows, warnings));
        int peak = 0;
        foreach (var (id, at, total) in readings)
        {
            meter.Add(new UsageReading(id, at.UtcTicks, total));
            peak = Math.Max(peak, meter.RetainedReadings);
        }

        meter.Complete();
        return new Result(rows, warnings, peak);
    }

    /// <summary>Keeps the rows and warnings a meter writes.</summary>
    private sealed class Collect(List<GasleserUsage> rows, List<string> warnings) : ICommandOutput
    {
        public void WriteObject(object item) => rows.Add((GasleserUsage)item);

        public void WriteError(GasleserException error) => throw error;

        public void WriteWarning(string message) => warnings.Add(message);

        public void WriteVerbose(string message) { }

        public void WriteProgress(ProgressRecord progress) { }
    }

    internal static (string, DateTimeOffset, double) R(string local, double total, string id = "GAS_1") =>
        (id, DateTimeOffset.Parse(local, CultureInfo.InvariantCulture), total);

    private static GasleserUsage Day(Result result, string date) =>
        Assert.Single(result.Rows, r => r.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) == date);

    [Fact]
    public void The_spring_DST_day_is_23_hours_and_gets_23_hours_of_a_steady_flow()
    {
        // 1 m³/h steady from Sat 13:00 CET to Mon 14:00 CEST (48 h).
        Result result = Measure(new[] { R("2026-03-28T13:00:00+01:00", 0), R("2026-03-30T14:00:00+02:00", 48) });

        Assert.Equal(3, result.Rows.Count);
        GasleserUsage sunday = Day(result, "2026-03-29");
        Assert.Equal(DateTimeOffset.Parse("2026-03-29T00:00:00+01:00"), sunday.Start);
        Assert.Equal(TimeSpan.FromHours(1), sunday.Start.Offset);
        Assert.Equal(TimeSpan.FromHours(2), sunday.End.Offset);
        Assert.Equal(TimeSpan.FromHours(23), sunday.End - sunday.Start);
        Assert.Equal(23.0, sunday.Consumption, 9);
        Assert.Equal(0, sunday.Readings);
        Assert.True(sunday.Estimated);
        Assert.Equal(11.0, Day(result, "2026-03-28").Consumption, 9);
        Assert.Equal(14.0, Day(result, "2026-03-30").Consumption, 9);
        Assert.All(result.Rows, r => Assert.True(r.Estimated));
    }

    [Fact]
    public void The_autumn_DST_day_is_25_hours_and_hourly_readings_are_exact()
    {
        // Hourly readings, 1 m³ an hour, from local midnight to local midnight across the change (26 readings).
        var start = DateTimeOffset.Parse("2026-10-25T00:00:00+02:00");
        var readings = Enumerable.Range(0, 26).Select(h => ("GAS_1", start.AddHours(h), 1000.0 + h)).ToList();

        Result result = Measure(readings);

        GasleserUsage sunday = Day(result, "2026-10-25");
        Assert.Equal(TimeSpan.FromHours(25), sunday.End - sunday.Start);
        Assert.Equal(start.AddHours(25), sunday.End);
        Assert.Equal(25.0, sunday.Consumption, 9);
        Assert.Equal(25, sunday.Readings);
        Assert.False(sunday.Estimated);
        GasleserUsage monday = Day(result, "2026-10-26");
        Assert.Equal(0.0, monday.Consumption);
        Assert.Equal(1, monday.Readings);
    }

    [Fact]
    public void Per_hour_the_repeated_hour_of_the_autumn_night_is_two_rows()
    {
        var start = DateTimeOffset.Parse("2026-10-25T01:00:00+02:00");
        var readings = Enumerable.Range(0, 4).Select(h => ("GAS_1", start.AddHours(h), 10.0 * h)).ToList();

        Result result = Measure(readings, UsagePeriod.Hour);

        Assert.Equal(
            new[] { "01:00+02:00", "02:00+02:00", "02:00+01:00", "03:00+01:00" },
            result.Rows.Select(r => r.Start.ToString("HH:mmzzz", CultureInfo.InvariantCulture)));
        Assert.Equal(new[] { 10.0, 10.0, 10.0, 0.0 }, result.Rows.Select(r => r.Consumption));
        Assert.All(result.Rows, r => Assert.Equal(TimeSpan.FromHours(1), r.End - r.Start));
    }

    [Fact]
    public void A_reset_mid_day_restarts_the_segment_and_is_not_negative_usage()
    {
        Result result = Measure(new[]
        {
            R("2026-06-10T00:00:00+02:00", 500),
            R("2026-06-10T06:00:00+02:00", 510),
            R("2026-06-10T12:00:00+02:00", 515),
            R("2026-06-10T13:00:00+02:00", 2), // meter reset: 12:00–13:00 unknown, not counted
            R("2026-06-10T18:00:00+02:00", 6),
            R("2026-06-11T00:00:00+02:00", 8),
        });

        GasleserUsage day = Day(result, "2026-06-10");
        Assert.Equal(10 + 5 + 4 + 2, day.Consumption, 9);
        Assert.Equal(1, day.Resets);
        Assert.Equal(5, day.Readings);
        Assert.False(day.Estimated);
        Assert.Equal(0, Day(result, "2026-06-11").Resets);
    }

    [Fact]
    public void A_midnight_between_two_readings_is_interpolated_from_the_device_timestamps()
    {
        Result result = Measure(new[]
        {
            R("2026-06-10T20:00:00+02:00", 94),
            R("2026-06-10T23:00:00+02:00", 100),
            R("2026-06-11T01:00:00+02:00", 104), // 2 m³/h: the total at midnight is 102
            R("2026-06-11T02:00:00+02:00", 105),
        });

        GasleserUsage first = Day(result, "2026-06-10");
        GasleserUsage second = Day(result, "2026-06-11");
        Assert.Equal(8.0, first.Consumption, 9);
        Assert.Equal(3.0, second.Consumption, 9);
        Assert.True(first.Estimated);
        Assert.True(second.Estimated);
        Assert.Equal(2, first.Readings);
        Assert.Equal(2, second.Readings);
    }

    [Fact]
    public void Bill_factors_German_and_UK_recipes()
    {
        var readings = new[] { R("2026-06-10T08:00:00+02:00", 100), R("2026-06-10T20:00:00+02:00", 110) };

        // German bill: Zustandszahl 0.9537, Brennwert 11.2 kWh/m³, 0.12 €/kWh.
        GasleserUsage german = Assert.Single(Measure(readings, tariff: Tariff.Single(11.2, 0.9537, 0.12, null)).Rows);
        Assert.Equal(10.0, german.Consumption, 9);
        Assert.Equal(106.8144, german.Energy!.Value, 6);
        Assert.Equal(12.817728, german.Cost!.Value, 6);

        // UK bill: CV 39.5 MJ/m³ → kWh = m³ × 1.02264 × 39.5 ÷ 3.6; 7 p/kWh.
        GasleserUsage uk = Assert.Single(Measure(readings, tariff: Tariff.Single(39.5 / 3.6, 1.02264, 0.07, null)).Rows);
        Assert.Equal(112.206333, uk.Energy!.Value, 5);
        Assert.Equal(7.854443, uk.Cost!.Value, 5);

        GasleserUsage plain = Assert.Single(Measure(readings).Rows);
        Assert.Null(plain.Energy);
        Assert.Null(plain.Cost);
    }

    private static TariffChange Change(string from, TariffField field, double value) =>
        new(DateTimeOffset.Parse(from, CultureInfo.InvariantCulture).UtcTicks, field, value);

    [Fact]
    public void A_price_change_between_two_readings_splits_their_usage_at_the_change()
    {
        // 1 m³/h for 24 h between two readings; the price goes from 0.10 to 0.20 at noon, the Brennwert from 10 to 11 at 18:00.
        Tariff tariff = Tariff.FromChanges(new[]
        {
            Change("2026-01-01T00:00:00+01:00", TariffField.CalorificValue, 10), Change("2026-01-01T00:00:00+01:00", TariffField.PricePerKWh, 0.10),
            Change("2026-06-10T12:00:00+02:00", TariffField.PricePerKWh, 0.20), Change("2026-06-10T18:00:00+02:00", TariffField.CalorificValue, 11),
        });

        GasleserUsage day = Assert.Single(Measure(new[] { R("2026-06-10T00:00:00+02:00", 100), R("2026-06-11T00:00:00+02:00", 124) }, tariff: tariff).Rows, r => r.Start.Day == 10);

        Assert.Equal(24.0, day.Consumption, 12);
        Assert.Equal(18 * 10 + 6 * 11, day.Energy!.Value, 9);
        Assert.Equal(12 * 10 * 0.10 + 6 * 10 * 0.20 + 6 * 11 * 0.20, day.EnergyCost!.Value, 9);
        Assert.Equal(day.EnergyCost, day.Cost);
        Assert.Null(day.StandingCharge);
    }

    [Fact]
    public void Usage_before_a_fields_first_ValidFrom_has_no_value_from_it_and_one_warning_says_from_when()
    {
        Tariff tariff = Tariff.FromChanges(new[]
        {
            Change("2026-06-11T00:00:00+02:00", TariffField.CalorificValue, 11.2),
            Change("2026-06-12T00:00:00+02:00", TariffField.PricePerKWh, 0.12),
            Change("2026-01-01T00:00:00+01:00", TariffField.StandingChargePerDay, 0.45),
        });

        Result result = Measure(MinuteReadings("GAS_1", DateTimeOffset.Parse("2026-06-10T00:00:00+02:00"), days: 3, everyMinutes: 60), tariff: tariff);

        Assert.Equal(new double?[] { null, 28.8 * 11.2, 28.8 * 11.2, 0 }, result.Rows.Select(r => r.Energy is double e ? Math.Round(e, 9) : (double?)null));
        Assert.Equal(new double?[] { null, null, Math.Round(28.8 * 11.2 * 0.12, 9), 0 }, result.Rows.Select(r => r.EnergyCost is double c ? Math.Round(c, 9) : (double?)null));
        Assert.Equal(new double?[] { 0.45, 0.45, 0.45, 0 }, result.Rows.Select(r => r.StandingCharge));
        Assert.Equal(new double?[] { null, null, 28.8 * 11.2 * 0.12 + 0.45, 0 }, result.Rows.Select(r => r.Cost is double c ? Math.Round(c, 9) : (double?)null));
        string warning = Assert.Single(result.Warnings);
        Assert.Contains("no CalorificValue before 2026-06-11 00:00:00 +02:00 and no PricePerKWh before 2026-06-12 00:00:00 +02:00", warning);
        Assert.Contains("GAS_1's usage is measured from 2026-06-10 00:00:00 +02:00", warning);
    }

    [Fact]
    public void The_standing_charge_is_per_local_day_a_DST_day_is_one_day_and_a_partial_row_its_share()
    {
        Tariff tariff = Tariff.Single(null, null, null, 0.48);
        // From Saturday 18:00 to Monday 06:00 across the spring change: a quarter of Saturday, all of the 23-hour Sunday, a quarter of Monday.
        Result result = Measure(new[] { R("2026-03-28T18:00:00+01:00", 0), R("2026-03-30T06:00:00+02:00", 35) }, tariff: tariff);

        Assert.Equal(new double?[] { 0.12, 0.48, 0.12 }, result.Rows.Select(r => r.StandingCharge is double s ? Math.Round(s, 12) : (double?)null));
        Assert.Equal(result.Rows.Select(r => r.StandingCharge), result.Rows.Select(r => r.Cost));
        Assert.All(result.Rows, r => Assert.Null(r.Energy));

        Result hourly = Measure(new[] { R("2026-03-29T00:00:00+01:00", 0), R("2026-03-30T00:00:00+02:00", 23) }, UsagePeriod.Hour, tariff);
        Assert.All(hourly.Rows.Take(23), r => Assert.Equal(0.48 / 23, r.StandingCharge!.Value, 12));
    }

    [Fact]
    public void LongestGap_is_the_longest_stretch_of_the_rows_span_without_a_reading()
    {
        Result result = Measure(new[]
        {
            R("2026-06-10T06:00:00+02:00", 0), R("2026-06-10T07:00:00+02:00", 1), R("2026-06-10T22:00:00+02:00", 2), // first row: from 06:00
            R("2026-06-13T03:00:00+02:00", 5), R("2026-06-13T04:30:00+02:00", 6),                                    // 11th and 12th: none
        });

        Assert.Equal(
            new[] { TimeSpan.FromHours(15), TimeSpan.FromHours(24), TimeSpan.FromHours(24), TimeSpan.FromHours(3) },
            result.Rows.Select(r => r.LongestGap));
    }

    [Fact]
    public void Months_can_start_on_the_15th_and_years_on_1_October()
    {
        var readings = new[] { R("2025-09-20T12:00:00+02:00", 0), R("2026-10-20T12:00:00+02:00", 1000) };

        Result months = Measure(readings, calendar: new PeriodCalendar(UsagePeriod.Month, Berlin, startDay: 15));
        Assert.Equal(DateTimeOffset.Parse("2025-09-15T00:00:00+02:00"), months.Rows[0].Start);
        Assert.Equal(DateTimeOffset.Parse("2025-10-15T00:00:00+02:00"), months.Rows[0].End);
        Assert.Equal(DateTimeOffset.Parse("2026-01-15T00:00:00+01:00"), months.Rows[4].Start);
        Assert.All(months.Rows, r => Assert.Equal(15, r.Start.Day));

        Result years = Measure(readings, calendar: new PeriodCalendar(UsagePeriod.Year, Berlin, startMonth: 10, startDay: 1));
        Assert.Equal(
            new[] { "2024-10-01T00:00:00+02:00", "2025-10-01T00:00:00+02:00", "2026-10-01T00:00:00+02:00" },
            years.Rows.Select(r => r.Start.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)));
        Assert.Equal(1000.0, years.Rows.Sum(r => r.Consumption), 9);

        Result calendarYears = Measure(readings, UsagePeriod.Year);
        Assert.Equal(new[] { 2025, 2026 }, calendarYears.Rows.Select(r => r.Start.Year));
        Assert.All(calendarYears.Rows, r => Assert.Equal((1, 1), (r.Start.Month, r.Start.Day)));
    }

    [Fact]
    public void Reversed_and_shuffled_input_give_the_rows_of_sorted_input()
    {
        var sorted = MinuteReadings("GAS_1", DateTimeOffset.Parse("2026-03-27T10:00:00+01:00"), days: 4, everyMinutes: 7).ToList();
        var random = new Random(7);
        var shuffled = sorted.Select(r => (r, random.Next())).OrderBy(p => p.Item2).Select(p => p.r).ToList();

        Result expected = Measure(sorted);
        Assert.Equal(5, expected.Rows.Count);
        AssertSameRows(expected.Rows, Measure(Enumerable.Reverse(sorted)).Rows);
        Result fromShuffled = Measure(shuffled);
        AssertSameRows(expected.Rows, fromShuffled.Rows);
        Assert.Empty(fromShuffled.Warnings);
    }

    [Fact]
    public void Several_devices_interleaved_are_measured_each_on_its_own()
    {
        var a = MinuteReadings("GAS_A", DateTimeOffset.Parse("2026-06-10T00:00:00+02:00"), days: 3, everyMinutes: 15, flow: 0.5).ToList();
        var b = MinuteReadings("GAS_B", DateTimeOffset.Parse("2026-06-10T00:05:00+02:00"), days: 3, everyMinutes: 15, flow: 2.0).ToList();
        var interleaved = a.Zip(b, (x, y) => new[] { x, y }).SelectMany(p => p).ToList();

        Result result = Measure(interleaved);

        AssertSameRows(Measure(a).Rows, result.Rows.Where(r => r.DeviceId == "GAS_A").ToList());
        AssertSameRows(Measure(b).Rows, result.Rows.Where(r => r.DeviceId == "GAS_B").ToList());
        Assert.Equal(12.0, result.Rows.First(r => r.DeviceId == "GAS_A" && r.Start.Day == 11).Consumption, 6);
        Assert.Equal(48.0, result.Rows.First(r => r.DeviceId == "GAS_B" && r.Start.Day == 11).Consumption, 6);
    }

    [Fact]
    public void Duplicates_are_used_once()
    {
        var sorted = MinuteReadings("GAS_1", DateTimeOffset.Parse("2026-06-10T00:00:00+02:00"), days: 2, everyMinutes: 30).ToList();
        var twice = sorted.SelectMany(r => new[] { r, r }).ToList();

        Result result = Measure(twice);

        AssertSameRows(Measure(sorted).Rows, result.Rows);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void A_log_read_twice_keeps_the_rows_and_warns_about_the_readings_that_came_too_late()
    {
        var sorted = MinuteReadings("GAS_1", DateTimeOffset.Parse("2026-06-10T00:00:00+02:00"), days: 3, everyMinutes: 60).ToList();

        Result result = Measure(sorted.Concat(sorted));

        AssertSameRows(Measure(sorted).Rows, result.Rows);
        string warning = Assert.Single(result.Warnings);
        Assert.Contains("GAS_1", warning);
        Assert.Contains("not in time order", warning);
    }

    [Fact]
    public void Memory_for_a_sorted_log_stays_within_one_period_of_readings()
    {
        // 60 days of one-minute readings: 86 400, of which at most one day (1440) plus one are kept at any time.
        Result result = Measure(MinuteReadings("GAS_1", DateTimeOffset.Parse("2026-03-01T00:00:00+01:00"), days: 60, everyMinutes: 1));

        Assert.Equal(61, result.Rows.Count);
        Assert.InRange(result.PeakRetained, 2, 1442);
    }

    [Fact]
    public void Rows_sum_to_the_meter_difference()
    {
        var readings = MinuteReadings("GAS_1", DateTimeOffset.Parse("2026-03-01T07:13:00+01:00"), days: 40, everyMinutes: 37, flow: 0.3).ToList();

        Result result = Measure(readings, UsagePeriod.Week);

        Assert.Equal(readings[^1].Item3 - readings[0].Item3, result.Rows.Sum(r => r.Consumption), 5);
        Assert.All(result.Rows, r => Assert.Equal(DayOfWeek.Monday, r.Start.DayOfWeek));
        Assert.Equal(readings.Count, result.Rows.Sum(r => r.Readings));
    }

    [Theory]
    [InlineData("2026-11-25T15:05:39+01:00", "en-US")]
    [InlineData("2026-11-25T14:05:39Z", "de-DE")]
    [InlineData("2026-11-25 15:05:39.250+01:00", "")]
    [InlineData("1795615539", "de-DE")]
    [InlineData("25.11.2026 15:05:39 +01:00", "")]
    [InlineData("25.11.2026 15:05:39 +01:00", "de-DE")]
    [InlineData("25.11.2026 15:05:39 +01:00", "en-US")]
    [InlineData("11/25/2026 15:05:39 +01:00", "")]
    [InlineData("11/25/2026 15:05:39 +01:00", "de-DE")]
    [InlineData("11/25/2026 3:05:39 PM +01:00", "en-US")]
    [InlineData("25/11/2026 15:05:39 +01:00", "en-GB")]
    [InlineData("2026-11-25T15:05:39", "")] // no offset: local time of the zone (Berlin, +01:00 in November)
    [InlineData("25.11.2026 15:05:39", "de-DE")]
    public void Timestamps_are_read_in_the_forms_logs_hold(string text, string culture)
    {
        var calendar = new PeriodCalendar(UsagePeriod.Day, Berlin);

        long? ticks = RowParser.ParseTimestamp(text, Berlin, CultureInfo.GetCultureInfo(culture));

        var expected = DateTimeOffset.Parse("2026-11-25T14:05:39Z", CultureInfo.InvariantCulture);
        Assert.NotNull(ticks);
        Assert.Equal(expected.UtcTicks, ticks!.Value - (ticks.Value % TimeSpan.TicksPerSecond));
    }

    [Fact]
    public void A_dotted_date_is_day_first_in_every_culture()
    {
        var calendar = new PeriodCalendar(UsagePeriod.Day, Berlin);
        foreach (string culture in new[] { "", "en-US", "de-DE" })
        {
            long? ticks = RowParser.ParseTimestamp("05.11.2026 15:05:39 +01:00", Berlin, CultureInfo.GetCultureInfo(culture));
            Assert.Equal(DateTimeOffset.Parse("2026-11-05T15:05:39+01:00").UtcTicks, ticks);
        }
    }

    [Theory]
    [InlineData("not a date")]
    [InlineData("")]
    [InlineData("13/25/2026 15:05:39 +01:00")]
    [InlineData("2026-02-30T10:00:00Z")]
    public void Unreadable_timestamps_are_refused(string text)
    {
        Assert.Null(RowParser.ParseTimestamp(text, Berlin, CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("12345.8", 12345.8)]
    [InlineData("12345,8", 12345.8)]
    [InlineData(" 12345,800 ", 12345.8)]
    [InlineData("1.23458E4", 12345.8)]
    [InlineData("12345", 12345.0)]
    public void Totals_are_read_with_a_decimal_point_or_comma(string text, double expected)
    {
        Assert.Equal(expected, DecimalText.Parse(text)!.Value, 9);
    }

    [Theory]
    [InlineData("12.345,8")]
    [InlineData("1,234,5")]
    [InlineData("abc")]
    [InlineData("")]
    public void Ambiguous_or_unreadable_totals_are_refused(string text)
    {
        Assert.Null(DecimalText.Parse(text));
    }

    [Fact]
    public void Windows_and_IANA_ids_name_the_same_zone()
    {
        Assert.True(TimeZoneResolver.TryResolve("Europe/Berlin", out TimeZoneInfo iana));
        Assert.True(TimeZoneResolver.TryResolve("W. Europe Standard Time", out TimeZoneInfo windows));
        var instant = new DateTimeOffset(2026, 7, 1, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(iana.GetUtcOffset(instant), windows.GetUtcOffset(instant));
        Assert.False(TimeZoneResolver.TryResolve("Mars/Olympus_Mons", out _));
    }

    /// <summary>Steady flow (m³/h) from <paramref name="start"/>, one reading every few minutes.</summary>
    internal static IEnumerable<(string, DateTimeOffset, double)> MinuteReadings(string id, DateTimeOffset start, int days, int everyMinutes, double flow = 1.2)
    {
        for (int minute = 0; minute <= days * 24 * 60; minute += everyMinutes)
        {
            yield return (id, start.AddMinutes(minute), Math.Round(5000 + flow * minute / 60.0, 3));
        }
    }

    internal static void AssertSameRows(IReadOnlyList<GasleserUsage> expected, IReadOnlyList<GasleserUsage> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].DeviceId, actual[i].DeviceId);
            Assert.Equal(expected[i].Start, actual[i].Start);
            Assert.Equal(expected[i].Start.Offset, actual[i].Start.Offset);
            Assert.Equal(expected[i].End, actual[i].End);
            Assert.Equal(expected[i].Consumption, actual[i].Consumption, 6);
            Assert.Equal(expected[i].Energy, actual[i].Energy);
            Assert.Equal(expected[i].EnergyCost, actual[i].EnergyCost);
            Assert.Equal(expected[i].StandingCharge, actual[i].StandingCharge);
            Assert.Equal(expected[i].Cost, actual[i].Cost);
            Assert.Equal(expected[i].LongestGap, actual[i].LongestGap);
            Assert.Equal(expected[i].Readings, actual[i].Readings);
            Assert.Equal(expected[i].Estimated, actual[i].Estimated);
            Assert.Equal(expected[i].Resets, actual[i].Resets);
        }
    }
}
