using System.Globalization;
using System.Management.Automation;
using Xunit;
using Xunit.Abstractions;

namespace Gasleser.Tests;

/// <summary>
/// Measure-GasleserUsage -Tariff against a calculation of its own: a year of 15-minute readings in Europe/Berlin
/// (both daylight-saving days, a week with no reading), twelve calorific values, three price changes and a
/// standing charge that changes once. The expected figures are integrated here minute by minute, with nothing
/// of the module's code: every reading, tariff change and period bound falls on a whole minute, so within a
/// minute the meter rises at one rate and one set of prices is in force.
/// </summary>
public sealed class MeasureGasleserBillTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private readonly ModuleShell _shell = new();

    public void Dispose() => _shell.Dispose();

    // ---- the test year ----

    /// <summary>Every 15 minutes from 2025-09-30 12:07 to 2026-10-01 12:07 Berlin time, none from 2026-01-11 09:52 to 2026-01-18 09:52.</summary>
    private static readonly List<(DateTimeOffset At, double Total)> Year = MakeYear();

    private static List<(DateTimeOffset, double)> MakeYear()
    {
        var readings = new List<(DateTimeOffset, double)>();
        var random = new Random(19);
        DateTimeOffset at = Local(2025, 9, 30, 12, 7);
        DateTimeOffset end = Local(2026, 10, 1, 12, 7);
        DateTimeOffset gapFrom = Local(2026, 1, 11, 9, 52), gapTo = Local(2026, 1, 18, 9, 52);
        double total = 4321.0;
        for (; at <= end; at = at.AddMinutes(15))
        {
            if (at <= gapFrom || at >= gapTo)
            {
                readings.Add((at, total));
            }

            // More in winter than in summer, never less than nothing; the meter shows litres.
            double season = 1 + Math.Cos((at.DayOfYear - 15) / 365.0 * 2 * Math.PI);
            total = Math.Round(total + random.NextDouble() * 0.08 * season, 3);
        }

        return readings;
    }

    /// <summary>A Berlin wall-clock time (never one the clocks skip or repeat here) with its offset.</summary>
    private static DateTimeOffset Local(int year, int month, int day, int hour = 0, int minute = 0)
    {
        var wall = new DateTime(year, month, day, hour, minute, 0);
        return new DateTimeOffset(wall, Berlin.GetUtcOffset(wall));
    }

    // The tariff as the test states it: (from, value) per field, in force until the field's next row.
    private static readonly (DateTimeOffset From, double Value)[] Calorific =
    {
        (Local(2025, 9, 1), 11.213), (Local(2025, 11, 1), 11.187), (Local(2025, 12, 1), 11.302), (Local(2026, 1, 1), 11.254),
        (Local(2026, 2, 1), 11.198), (Local(2026, 3, 1), 11.276), (Local(2026, 4, 1), 11.141), (Local(2026, 5, 1), 11.089),
        (Local(2026, 6, 1), 11.312), (Local(2026, 7, 1), 11.225), (Local(2026, 8, 1), 11.167), (Local(2026, 9, 1), 11.208),
    };

    private static readonly (DateTimeOffset From, double Value)[] Factor = { (Local(2025, 1, 1), 0.9537) };

    private static readonly (DateTimeOffset From, double Value)[] Price =
    {
        (Local(2025, 1, 1), 0.1089), (Local(2025, 12, 15), 0.1149), (Local(2026, 1, 14, 12), 0.1212), (Local(2026, 4, 1), 0.1175),
    };

    private static readonly (DateTimeOffset From, double Value)[] Standing = { (Local(2025, 1, 1), 0.4521), (Local(2026, 7, 1), 0.4688) };

    /// <summary>
    /// The same tariff as Import-Csv gives it back: strings, empty cells, dates in the forms people write
    /// (ISO date, dotted date, local date and time, with an offset), decimal points and commas.
    /// </summary>
    private static List<PSObject> TariffRows()
    {
        var rows = new List<PSObject>();
        void Row(string validFrom, string calorific = "", string factor = "", string price = "", string standing = "")
        {
            var row = new PSObject();
            row.Properties.Add(new PSNoteProperty("ValidFrom", validFrom));
            row.Properties.Add(new PSNoteProperty("CalorificValue", calorific));
            row.Properties.Add(new PSNoteProperty("ConversionFactor", factor));
            row.Properties.Add(new PSNoteProperty("PricePerKWh", price));
            row.Properties.Add(new PSNoteProperty("StandingChargePerDay", standing));
            rows.Add(row);
        }

        Row("2025-01-01", factor: "0,9537", price: "0.1089", standing: "0,4521");
        Row("2025-09-01", calorific: "11,2130"); // a decimal comma (four places: "11,213" is ambiguous where ',' groups thousands)
        foreach (var (from, value) in Calorific.Skip(1))
        {
            Row(from.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture), calorific: value.ToString(CultureInfo.InvariantCulture));
        }

        Row("2025-12-15", price: "0,1149");
        Row("2026-01-14 12:00", price: "0.1212");
        Row("2026-04-01T00:00:00+02:00", price: "0.1175");
        Row("01.07.2026", standing: "0.4688");
        return rows;
    }

    private sealed record Expected(DateTimeOffset Start, DateTimeOffset End)
    {
        public double Consumption, Energy, EnergyCost, StandingCharge;
        public TimeSpan LongestGap;
        public double Cost => EnergyCost + StandingCharge;
    }

    /// <summary>The expected rows per day, per month from the 15th and per billing year from 1 October, worked out once.</summary>
    private static readonly Lazy<List<Expected>[]> ExpectedRows = new(() => Independent(DayOf, MonthFromThe15th, YearFromOctober));

    /// <summary>Each minute's m³, kWh, energy cost and standing-charge share, added to the row whose period holds it, for each way of dividing time.</summary>
    private static List<Expected>[] Independent(params Func<DateTime, (DateTime First, DateTime Next)>[] periodsOfDate)
    {
        var rows = periodsOfDate.Select(_ => new List<Expected>()).ToArray();
        var current = new Expected[periodsOfDate.Length];
        var fields = new[] { Factor, Calorific, Price, Standing };
        var inForce = new int[fields.Length];

        DateTimeOffset dayStart = default, dayEnd = DateTimeOffset.MinValue;
        for (int r = 1; r < Year.Count; r++)
        {
            var (from, total0) = Year[r - 1];
            var (to, total1) = Year[r];
            double perMinute = (total1 - total0) / (to - from).TotalMinutes;
            for (DateTimeOffset t = from; t < to; t += Minute)
            {
                if (t >= dayEnd)
                {
                    DateTime date = TimeZoneInfo.ConvertTime(t, Berlin).Date;
                    DateTime next = date.AddDays(1);
                    dayStart = Local(date.Year, date.Month, date.Day);
                    dayEnd = Local(next.Year, next.Month, next.Day);
                    for (int p = 0; p < periodsOfDate.Length; p++)
                    {
                        var (first, after) = periodsOfDate[p](date);
                        if (current[p] == null || current[p].Start != Local(first.Year, first.Month, first.Day))
                        {
                            current[p] = new Expected(Local(first.Year, first.Month, first.Day), Local(after.Year, after.Month, after.Day));
                            rows[p].Add(current[p]);
                        }
                    }
                }

                // The row of each field in force: the last whose From is not after this minute.
                for (int f = 0; f < fields.Length; f++)
                {
                    while (inForce[f] + 1 < fields[f].Length && fields[f][inForce[f] + 1].From <= t)
                    {
                        inForce[f]++;
                    }
                }

                double kWh = perMinute * fields[0][inForce[0]].Value * fields[1][inForce[1]].Value;
                double energyCost = kWh * fields[2][inForce[2]].Value;
                double standing = fields[3][inForce[3]].Value / (dayEnd - dayStart).TotalMinutes;
                foreach (Expected row in current)
                {
                    row.Consumption += perMinute;
                    row.Energy += kWh;
                    row.EnergyCost += energyCost;
                    row.StandingCharge += standing;
                }
            }
        }

        // LongestGap: the longest stretch of the row's span (its period, cut to the first and last reading) with no reading.
        DateTimeOffset firstReading = Year[0].At, lastReading = Year[^1].At;
        foreach (Expected e in rows.SelectMany(r => r))
        {
            DateTimeOffset spanStart = e.Start > firstReading ? e.Start : firstReading;
            DateTimeOffset spanEnd = e.End < lastReading ? e.End : lastReading;
            DateTimeOffset previous = spanStart;
            TimeSpan longest = TimeSpan.Zero;
            int i = Year.FindIndex(y => y.At >= spanStart);
            for (; i >= 0 && i < Year.Count && Year[i].At < spanEnd; i++)
            {
                longest = Year[i].At - previous > longest ? Year[i].At - previous : longest;
                previous = Year[i].At;
            }

            e.LongestGap = spanEnd - previous > longest ? spanEnd - previous : longest;
        }

        return rows;
    }

    private List<GasleserUsage> Measured(string parameters, object tariff)
    {
        var readings = Year.Select(y => new GasleserReading { ComputerName = "127.0.0.1", DeviceId = "GAS_2329790123", Timestamp = y.At, TotalConsumption = y.Total }).ToList();
        ShellResult result = _shell.Run($"$readings | Measure-GasleserUsage {parameters} -TimeZone Europe/Berlin -Tariff $tariff",
            new Dictionary<string, object?> { ["readings"] = readings, ["tariff"] = tariff });
        Assert.Null(result.Terminating);
        Assert.Empty(result.Errors);
        Assert.Empty(result.Warnings);
        Assert.All(result.Output, o => Assert.Equal("Gasleser.GasleserUsage#Bill", o.TypeNames[0]));
        return result.Output.Select(o => (GasleserUsage)o.BaseObject).ToList();
    }

    private static void AssertAgree(List<Expected> expected, List<GasleserUsage> actual)
    {
        Assert.Equal(expected.Select(e => (e.Start, e.End)), actual.Select(a => (a.Start, a.End)));
        Assert.Equal(expected.Select(e => e.Start.Offset), actual.Select(a => a.Start.Offset));
        for (int i = 0; i < expected.Count; i++)
        {
            Expected e = expected[i];
            GasleserUsage a = actual[i];
            string where = $"row {a.Start:yyyy-MM-dd HH:mm zzz}";
            Close(e.Consumption, a.Consumption, where + " Consumption");
            Close(e.Energy, a.Energy, where + " Energy");
            Close(e.EnergyCost, a.EnergyCost, where + " EnergyCost");
            Close(e.StandingCharge, a.StandingCharge, where + " StandingCharge");
            Close(e.Cost, a.Cost, where + " Cost");
            Assert.True(e.LongestGap == a.LongestGap, $"{where} LongestGap: expected {e.LongestGap}, measured {a.LongestGap}");
        }
    }

    private static void Close(double expected, double? actual, string what)
    {
        Assert.True(actual.HasValue, $"{what} is empty");
        double tolerance = 1e-9 * Math.Max(Math.Abs(expected), Math.Abs(actual!.Value));
        Assert.True(Math.Abs(expected - actual.Value) <= tolerance, $"{what}: expected {expected:R}, measured {actual.Value:R}");
    }

    private static (DateTime, DateTime) DayOf(DateTime date) => (date, date.AddDays(1));

    private static (DateTime, DateTime) MonthFromThe15th(DateTime date)
    {
        var first = new DateTime(date.Year, date.Month, 15);
        first = date < first ? first.AddMonths(-1) : first;
        return (first, first.AddMonths(1));
    }

    private static (DateTime, DateTime) YearFromOctober(DateTime date)
    {
        var first = new DateTime(date.Year, 10, 1);
        first = date < first ? first.AddYears(-1) : first;
        return (first, first.AddYears(1));
    }

    // ---- the tests ----

    [Fact]
    public void Per_day_every_bill_line_and_gap_agrees_with_the_independent_calculation_and_a_DST_day_is_one_day_of_standing_charge()
    {
        List<Expected> expected = ExpectedRows.Value[0];
        List<GasleserUsage> rows = Measured("-Per Day", TariffRows());

        Assert.Equal(367, rows.Count);
        AssertAgree(expected, rows);

        GasleserUsage autumn = Assert.Single(rows, r => r.Start.Date == new DateTime(2025, 10, 26));
        GasleserUsage spring = Assert.Single(rows, r => r.Start.Date == new DateTime(2026, 3, 29));
        Assert.Equal(TimeSpan.FromHours(25), autumn.End - autumn.Start);
        Assert.Equal(TimeSpan.FromHours(23), spring.End - spring.Start);
        Assert.Equal(0.4521, autumn.StandingCharge!.Value, 12);
        Assert.Equal(0.4521, spring.StandingCharge!.Value, 12);
        // The first row runs from the first reading, 12:07, to midnight: its share of the day.
        Assert.Equal(0.4521 * (11 * 60 + 53) / 1440.0, rows[0].StandingCharge!.Value, 12);
        // A day inside the week with no reading: nothing measured in it at all.
        GasleserUsage blind = Assert.Single(rows, r => r.Start.Date == new DateTime(2026, 1, 14));
        Assert.Equal(0, blind.Readings);
        Assert.Equal(TimeSpan.FromHours(24), blind.LongestGap);
        Assert.Equal(TimeSpan.FromMinutes(15), rows.First(r => r.Start.Date == new DateTime(2026, 1, 5)).LongestGap);
    }

    [Fact]
    public void Per_month_from_the_15th_agrees_with_the_independent_calculation()
    {
        List<Expected> expected = ExpectedRows.Value[1];
        List<GasleserUsage> rows = Measured("-Per Month -PeriodStart 2026-01-15", TariffRows());

        Assert.Equal(13, rows.Count);
        Assert.All(rows, r => Assert.Equal(15, r.Start.Day));
        AssertAgree(expected, rows);
        // The week with no reading spans the 15th of January: both months carry part of it.
        Assert.Equal(Local(2026, 1, 15) - Local(2026, 1, 11, 9, 52), rows.Single(r => r.Start == Local(2025, 12, 15)).LongestGap);
        Assert.Equal(Local(2026, 1, 18, 9, 52) - Local(2026, 1, 15), rows.Single(r => r.Start == Local(2026, 1, 15)).LongestGap);
    }

    [Fact]
    public void Per_billing_year_from_1_October_agrees_with_the_independent_calculation()
    {
        List<Expected> expected = ExpectedRows.Value[2];
        List<GasleserUsage> rows = Measured("-Per Year -PeriodStart 01.10.2025", TariffRows());

        Assert.Equal(3, rows.Count);
        AssertAgree(expected, rows);
        GasleserUsage year = rows[1];
        Expected independent = expected[1];
        Assert.Equal(Local(2025, 10, 1), year.Start);
        Assert.Equal(Local(2026, 10, 1), year.End);
        // 365 days of standing charge: 273 at 0.4521 (to 30 June) and 92 at 0.4688.
        Assert.Equal(273 * 0.4521 + 92 * 0.4688, year.StandingCharge!.Value, 9);
        Assert.Equal(Local(2026, 1, 18, 9, 52) - Local(2026, 1, 11, 9, 52), year.LongestGap);
        output.WriteLine($"billing year {year.Start:yyyy-MM-dd} to {year.End:yyyy-MM-dd}:");
        output.WriteLine($"  measured:    {year.Consumption:R} m³, {year.Energy:R} kWh, energy {year.EnergyCost:R}, standing {year.StandingCharge:R}, cost {year.Cost:R}, longest gap {year.LongestGap}");
        output.WriteLine($"  independent: {independent.Consumption:R} m³, {independent.Energy:R} kWh, energy {independent.EnergyCost:R}, standing {independent.StandingCharge:R}, cost {independent.Cost:R}, longest gap {independent.LongestGap}");
    }

    [Fact]
    public void Tariff_rows_shuffled_and_as_hashtables_give_the_same_rows()
    {
        List<PSObject> rows = TariffRows();
        var random = new Random(5);
        // Hashtables, as a user writes them inline (typed numbers, no empty cells), in a random order.
        var shuffledHashtables = rows.OrderBy(_ => random.Next()).Select(r =>
        {
            var table = new System.Collections.Hashtable(StringComparer.OrdinalIgnoreCase);
            foreach (PSPropertyInfo p in r.Properties.Where(p => (string)p.Value != ""))
            {
                table[p.Name] = p.Name == "ValidFrom" ? p.Value : double.Parse(((string)p.Value).Replace(',', '.'), CultureInfo.InvariantCulture);
            }

            return table;
        }).ToList();

        UsageMeterTests.AssertSameRows(Measured("-Per Day", rows), Measured("-Per Day", shuffledHashtables));
    }
}
