using System;
using System.Globalization;
using System.Management.Automation;
using Gasleser.Usage;

namespace Gasleser.Commands
{
    /// <summary>
    /// Measure-GasleserUsage: m³ (and, with the bill's factors, kWh and cost) per device and hour, day, week
    /// or month, from readings piped in: live ones from Get-/Watch-GasleserReading or Import-Csv rows of a log.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Measure, "GasleserUsage")]
    [OutputType(typeof(GasleserUsage))]
    public sealed class MeasureGasleserUsageCommand : GasleserCmdlet
    {
        /// <summary>The extra type name of rows with kWh: it picks the table view with the bill's columns.</summary>
        public const string BillTypeName = "Gasleser.GasleserUsage#Bill";

        private UsageMeter? _meter;
        private PeriodCalendar? _calendar;

        /// <summary>A reading: anything with DeviceId, Timestamp and TotalConsumption (a GasleserReading, an Import-Csv row).</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        [AllowNull]
        public PSObject? InputObject { get; set; }

        /// <summary>The length of one row: Hour, Day (default), Week (Monday to Monday) or Month, in local time of -TimeZone.</summary>
        [Parameter(Position = 0)]
        public UsagePeriod Per { get; set; } = UsagePeriod.Day;

        /// <summary>kWh per m³: the Brennwert on a German bill (≈10–12); on a UK bill the CV in MJ/m³ divided by 3.6.</summary>
        [Parameter]
        [NumberArgument]
        public double CalorificValue { get; set; }

        /// <summary>The volume correction: the Zustandszahl on a German bill (≈0.95); 1.02264 on a UK bill. Default 1.</summary>
        [Parameter]
        [NumberArgument]
        public double ConversionFactor { get; set; } = 1.0;

        /// <summary>Price of one kWh, in the bill's currency; adds Cost. Needs -CalorificValue.</summary>
        [Parameter]
        [NumberArgument]
        public double PricePerKWh { get; set; }

        /// <summary>The time zone whose midnights (and hours, Mondays, 1sts) bound the periods: an IANA id ("Europe/Berlin") or a Windows id ("W. Europe Standard Time"). Default: this machine's.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(TimeZoneCompleter))]
        public string? TimeZone { get; set; }

        protected override void BeginProcessing()
        {
            bool calorific = MyInvocation.BoundParameters.ContainsKey(nameof(CalorificValue));
            bool factor = MyInvocation.BoundParameters.ContainsKey(nameof(ConversionFactor));
            bool price = MyInvocation.BoundParameters.ContainsKey(nameof(PricePerKWh));
            if (calorific && !IsPositive(CalorificValue))
            {
                Refuse(nameof(CalorificValue), "-CalorificValue must be a positive number of kWh per m³ (a German bill's Brennwert, about 10 to 12; UK: the CV in MJ/m³ divided by 3.6).");
            }

            if (factor && !IsPositive(ConversionFactor))
            {
                Refuse(nameof(ConversionFactor), "-ConversionFactor must be a positive number (a German bill's Zustandszahl, about 0.95; UK: 1.02264).");
            }

            if (price && (double.IsNaN(PricePerKWh) || double.IsInfinity(PricePerKWh) || PricePerKWh < 0))
            {
                Refuse(nameof(PricePerKWh), "-PricePerKWh must be a number of at least 0.");
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

            var conversion = new EnergyConversion(
                calorific ? CalorificValue : (double?)null, ConversionFactor, price ? PricePerKWh : (double?)null);
            _calendar = new PeriodCalendar(Per, zone);
            // Rows with kWh get the extra type name that picks the table view with the bill's columns.
            _meter = new UsageMeter(_calendar, conversion, calorific ? OutputShownAs(BillTypeName) : Output);
            WriteVerbose($"Usage per {Per} in time zone {zone.Id}" + (calorific ? $"; kWh = m³ × {ConversionFactor.ToString(CultureInfo.InvariantCulture)} × {CalorificValue.ToString(CultureInfo.InvariantCulture)}." : "."));
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

        private static bool IsPositive(double value) => !double.IsNaN(value) && !double.IsInfinity(value) && value > 0;

        private void Refuse(string parameter, string message)
        {
            ThrowTerminatingError(new GasleserInvalidParameterException(message, parameter,
                "Take the values from the gas bill: -CalorificValue (kWh per m³), -ConversionFactor, -PricePerKWh; decimals as 11.2 or 11,2.").ToErrorRecord());
        }
    }
}
