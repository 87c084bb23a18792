using System;
using System.Globalization;
using System.Management.Automation;
using Gasleser.Usage;

namespace Gasleser.Commands
{
    /// <summary>
    /// Measure-GasleserUsage: m³ (and, with the bill's values, kWh, energy cost, standing charge and cost) per
    /// device and hour, day, week, month or (billing) year, from readings piped in: live ones from Get-/Watch-
    /// GasleserReading or Import-Csv rows of a log. The bill's values are single (-CalorificValue, ...) or dated
    /// (-Tariff).
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Measure, "GasleserUsage")]
    [OutputType(typeof(GasleserUsage))]
    public sealed class MeasureGasleserUsageCommand : GasleserCmdlet
    {
        /// <summary>The extra type name of rows with the bill's lines: it picks the table view with kWh and money.</summary>
        public const string BillTypeName = "Gasleser.GasleserUsage#Bill";

        private UsageMeter? _meter;
        private PeriodCalendar? _calendar;

        /// <summary>A reading: anything with DeviceId, Timestamp and TotalConsumption (a GasleserReading, an Import-Csv row).</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        [AllowNull]
        public PSObject? InputObject { get; set; }

        /// <summary>The length of one row: Hour, Day (default), Week (Monday to Monday), Month or Year, in local time of -TimeZone.</summary>
        [Parameter(Position = 0)]
        public UsagePeriod Per { get; set; } = UsagePeriod.Day;

        /// <summary>A date whose day starts each Month (1–28) and whose month and day start each Year (a billing year). Default: the 1st, 1 January.</summary>
        [Parameter]
        [ValidateNotNull]
        public object? PeriodStart { get; set; }

        /// <summary>The bill's values over time: rows with ValidFrom and any of CalorificValue, ConversionFactor, PricePerKWh, StandingChargePerDay.</summary>
        [Parameter]
        [AllowNull]
        [AllowEmptyCollection]
        public object?[]? Tariff { get; set; }

        /// <summary>kWh per m³: the Brennwert on a German bill (≈10–12); on a UK bill the CV in MJ/m³ divided by 3.6.</summary>
        [Parameter]
        [NumberArgument]
        public double CalorificValue { get; set; }

        /// <summary>The volume correction: the Zustandszahl on a German bill (≈0.95); 1.02264 on a UK bill. Default 1.</summary>
        [Parameter]
        [NumberArgument]
        public double ConversionFactor { get; set; } = 1.0;

        /// <summary>Price of one kWh, in the bill's currency; adds EnergyCost and Cost. Needs -CalorificValue.</summary>
        [Parameter]
        [NumberArgument]
        public double PricePerKWh { get; set; }

        /// <summary>The standing charge (Grundpreis) per day, in the bill's currency; adds StandingCharge and Cost.</summary>
        [Parameter]
        [NumberArgument]
        public double StandingChargePerDay { get; set; }

        /// <summary>The time zone whose midnights (and hours, Mondays, 1sts) bound the periods: an IANA id ("Europe/Berlin") or a Windows id ("W. Europe Standard Time"). Default: this machine's.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(TimeZoneCompleter))]
        public string? TimeZone { get; set; }

        protected override void BeginProcessing()
        {
            bool calorific = IsBound(nameof(CalorificValue));
            bool factor = IsBound(nameof(ConversionFactor));
            bool price = IsBound(nameof(PricePerKWh));
            bool standing = IsBound(nameof(StandingChargePerDay));
            if (IsBound(nameof(Tariff)) && (calorific || factor || price || standing))
            {
                Refuse(nameof(Tariff), "-Tariff holds the bill's values with their dates; it does not mix with -CalorificValue, -ConversionFactor, -PricePerKWh or -StandingChargePerDay. Put them in the tariff's rows.");
            }

            if (calorific && !IsPositive(CalorificValue))
            {
                Refuse(nameof(CalorificValue), "-CalorificValue must be a positive number of kWh per m³ (a German bill's Brennwert, about 10 to 12; UK: the CV in MJ/m³ divided by 3.6).");
            }

            if (factor && !IsPositive(ConversionFactor))
            {
                Refuse(nameof(ConversionFactor), "-ConversionFactor must be a positive number (a German bill's Zustandszahl, about 0.95; UK: 1.02264).");
            }

            if (price && !IsAtLeastZero(PricePerKWh))
            {
                Refuse(nameof(PricePerKWh), "-PricePerKWh must be a number of at least 0.");
            }

            if (standing && !IsAtLeastZero(StandingChargePerDay))
            {
                Refuse(nameof(StandingChargePerDay), "-StandingChargePerDay must be a number of at least 0 (the bill's standing charge, or Grundpreis, per day).");
            }

            if ((factor || price) && !calorific)
            {
                Refuse(nameof(CalorificValue), "-ConversionFactor and -PricePerKWh work on kWh, and kWh need -CalorificValue (kWh per m³, from the gas bill).");
            }

            TimeZoneInfo zone = TimeZoneInfo.Local;
            if (TimeZone != null && !TimeZoneResolver.TryResolve(TimeZone, out zone))
            {
                ThrowTerminatingError(new GasleserInvalidParameterException(
                    $"-TimeZone {DeviceText.Quote(TimeZone)} is not a time zone this machine knows.", nameof(TimeZone),
                    "Give an IANA id such as Europe/Berlin or Europe/London, or a Windows id such as 'W. Europe Standard Time'.").ToErrorRecord());
            }

            (int startMonth, int startDay) = PeriodStartIn(zone);
            Tariff tariff;
            try
            {
                tariff = IsBound(nameof(Tariff))
                    ? TariffReader.Read(Tariff ?? new object?[] { null }, zone, CultureInfo.CurrentCulture)
                    : Usage.Tariff.Single(calorific ? CalorificValue : (double?)null, factor ? ConversionFactor : (double?)null,
                        price ? PricePerKWh : (double?)null, standing ? StandingChargePerDay : (double?)null);
            }
            catch (GasleserInvalidParameterException ex)
            {
                ThrowTerminatingError(ex.ToErrorRecord());
                return;
            }

            _calendar = new PeriodCalendar(Per, zone, startMonth, startDay);
            // Rows with the bill's lines get the extra type name that picks the table view with kWh and money.
            bool bill = tariff.HasEnergy || tariff.HasStandingCharge;
            _meter = new UsageMeter(_calendar, tariff, bill ? OutputShownAs(BillTypeName) : Output);
            WriteVerbose($"Usage per {Per} in time zone {zone.Id}" +
                (IsBound(nameof(PeriodStart)) ? $", periods starting on day {startDay}" + (Per == UsagePeriod.Year ? $" of month {startMonth}" : "") : "") +
                (IsBound(nameof(Tariff)) ? $"; the tariff changes at {tariff.Intervals - 1} instant(s)." : calorific ? $"; kWh = m³ × {ConversionFactor.ToString(CultureInfo.InvariantCulture)} × {CalorificValue.ToString(CultureInfo.InvariantCulture)}." : "."));
        }

        // Objects that are no readings at all, by shape: the first of a shape is an error naming what it has, the
        // rest are counted and said once at the end (a file of other columns is one mistake, not one per row).
        private readonly System.Collections.Generic.Dictionary<string, int> _otherShapes = new System.Collections.Generic.Dictionary<string, int>();

        protected override void ProcessRecord()
        {
            if (Readings.RowParser.OtherShape(InputObject, out string shape) is string notAReading)
            {
                if (_otherShapes.TryGetValue(shape, out int seen))
                {
                    _otherShapes[shape] = seen + 1;
                }
                else
                {
                    _otherShapes[shape] = 0;
                    Output.WriteError(new GasleserInvalidReadingException(notAReading + " Later objects of this shape are skipped and counted at the end.").WithTarget(InputObject));
                }

                return;
            }

            UsageReading reading;
            try
            {
                reading = UsageInput.Read(InputObject, _calendar!.Zone, CultureInfo.CurrentCulture, DateTimeOffset.UtcNow);
            }
            catch (GasleserInvalidReadingException ex)
            {
                Output.WriteError(ex.WithTarget(InputObject));
                return;
            }

            _meter!.Add(reading);
        }

        protected override void EndProcessing()
        {
            foreach (var shape in _otherShapes)
            {
                if (shape.Value > 0)
                {
                    WriteWarning($"{shape.Value} more piped object(s) of the shape the error above names were skipped: they are no readings.");
                }
            }

            _meter!.Complete();
        }

        // -PeriodStart's month and day in the zone (1 January when not given); only Month and Year have a start to move.
        private (int Month, int Day) PeriodStartIn(TimeZoneInfo zone)
        {
            if (!IsBound(nameof(PeriodStart)))
            {
                return (1, 1);
            }

            if (Per != UsagePeriod.Month && Per != UsagePeriod.Year)
            {
                Refuse(nameof(PeriodStart), $"-PeriodStart moves the start of -Per Month and -Per Year; a {Per} starts at its own bound (midnight, Monday, the hour).");
            }

            DateTime? date = TariffReader.LocalDateOf(PeriodStart!, zone, CultureInfo.CurrentCulture);
            if (date == null)
            {
                Refuse(nameof(PeriodStart), $"-PeriodStart '{PeriodStart}' is not a date this module can read (2025-10-01, 01.10.2025).");
            }

            DateTime day = date!.Value;
            if (Per == UsagePeriod.Month && day.Day > 28)
            {
                Refuse(nameof(PeriodStart), $"-PeriodStart is day {day.Day}: a month starts on a day from 1 to 28 (every month has it).");
            }

            if (day.Month == 2 && day.Day == 29)
            {
                Refuse(nameof(PeriodStart), "-PeriodStart is 29 February: a year starts on a day every year has.");
            }

            return (day.Month, day.Day);
        }

        private bool IsBound(string parameter) => MyInvocation.BoundParameters.ContainsKey(parameter);

        private static bool IsPositive(double value) => !double.IsNaN(value) && !double.IsInfinity(value) && value > 0;

        private static bool IsAtLeastZero(double value) => !double.IsNaN(value) && !double.IsInfinity(value) && value >= 0;

        private void Refuse(string parameter, string message)
        {
            ThrowTerminatingError(new GasleserInvalidParameterException(message, parameter,
                "Take the values from the gas bill: -CalorificValue (kWh per m³), -ConversionFactor, -PricePerKWh, -StandingChargePerDay, or dated rows with -Tariff; decimals as 11.2 or, quoted, '11,2'.").ToErrorRecord());
        }
    }
}
