using System;
using System.Collections.Generic;

namespace Gasleser.Usage
{
    /// <summary>The four values of a gas bill a tariff row may set.</summary>
    internal enum TariffField
    {
        /// <summary>kWh per m³ (the Brennwert; UK: CV in MJ/m³ ÷ 3.6).</summary>
        CalorificValue,

        /// <summary>The volume correction (Zustandszahl; UK: 1.02264). 1 when the tariff never sets it.</summary>
        ConversionFactor,

        /// <summary>Price of one kWh, in the bill's currency.</summary>
        PricePerKWh,

        /// <summary>The standing charge (Grundpreis) per local calendar day, in the bill's currency.</summary>
        StandingChargePerDay,
    }

    /// <summary>One value of a tariff: in force from <see cref="Ticks"/> (UTC) until a later change of the same field.</summary>
    internal readonly struct TariffChange
    {
        public TariffChange(long ticks, TariffField field, double value)
        {
            Ticks = ticks;
            Field = field;
            Value = value;
        }

        public long Ticks { get; }
        public TariffField Field { get; }
        public double Value { get; }
    }

    /// <summary>
    /// The bill's values over time, m³ to kWh to money:
    ///   kWh = m³ × ConversionFactor × CalorificValue, energy cost = kWh × PricePerKWh,
    ///   standing charge = StandingChargePerDay for each local calendar day (a 23- or 25-hour day is one day).
    /// German bills: ConversionFactor is the Zustandszahl (≈0.95), CalorificValue the Brennwert (≈10–12 kWh/m³),
    /// the standing charge the Grundpreis. UK bills: kWh = m³ × 1.02264 × CV(MJ/m³) ÷ 3.6, i.e. ConversionFactor
    /// 1.02264 and CalorificValue CV ÷ 3.6.
    ///
    /// Kept as intervals: from each instant where any value changes to the next, the values in force. A field the
    /// tariff sets is unknown (NaN) before its first change, so whatever is made from it there is NaN and the row
    /// shows it as empty; a field it never sets gives no line at all (ConversionFactor: 1).
    /// </summary>
    internal sealed class Tariff
    {
        private readonly long[] _starts;
        private readonly double[] _energyPerCubicMetre;
        private readonly double[] _pricePerKWh;
        private readonly double[] _standingPerDay;
        private readonly long[] _firstSet = new long[4];

        private Tariff(IReadOnlyList<TariffChange> changes)
        {
            var sets = new bool[4];
            foreach (TariffChange change in changes)
            {
                sets[(int)change.Field] = true;
            }

            HasEnergy = sets[(int)TariffField.CalorificValue];
            HasPrice = sets[(int)TariffField.PricePerKWh];
            HasStandingCharge = sets[(int)TariffField.StandingChargePerDay];

            var sorted = new List<TariffChange>(changes);
            sorted.Sort((a, b) => a.Ticks.CompareTo(b.Ticks));
            var starts = new List<long> { long.MinValue };
            for (int f = 0; f < 4; f++)
            {
                _firstSet[f] = long.MinValue;
            }

            // Before any change: unknown where the tariff sets the field later; a factor never set is 1.
            double calorific = double.NaN;
            double factor = sets[(int)TariffField.ConversionFactor] ? double.NaN : 1.0;
            double price = double.NaN, standing = double.NaN;
            var energy = new List<double> { calorific * factor };
            var prices = new List<double> { price };
            var standings = new List<double> { standing };
            var seen = new bool[4];
            foreach (TariffChange change in sorted)
            {
                if (!seen[(int)change.Field])
                {
                    seen[(int)change.Field] = true;
                    _firstSet[(int)change.Field] = change.Ticks;
                }

                switch (change.Field)
                {
                    case TariffField.CalorificValue: calorific = change.Value; break;
                    case TariffField.ConversionFactor: factor = change.Value; break;
                    case TariffField.PricePerKWh: price = change.Value; break;
                    default: standing = change.Value; break;
                }

                if (starts[starts.Count - 1] != change.Ticks)
                {
                    starts.Add(change.Ticks);
                    energy.Add(0);
                    prices.Add(0);
                    standings.Add(0);
                }

                int last = starts.Count - 1;
                energy[last] = calorific * factor;
                prices[last] = price;
                standings[last] = standing;
            }

            _starts = starts.ToArray();
            _energyPerCubicMetre = energy.ToArray();
            _pricePerKWh = prices.ToArray();
            _standingPerDay = standings.ToArray();
        }

        /// <summary>One set of values for all time, as the single-value parameters give them (null: not given).</summary>
        public static Tariff Single(double? calorificValue, double? conversionFactor, double? pricePerKWh, double? standingChargePerDay)
        {
            var changes = new List<TariffChange>();
            void Add(TariffField field, double? value)
            {
                if (value is double v)
                {
                    changes.Add(new TariffChange(long.MinValue, field, v));
                }
            }

            Add(TariffField.CalorificValue, calorificValue);
            Add(TariffField.ConversionFactor, conversionFactor);
            Add(TariffField.PricePerKWh, pricePerKWh);
            Add(TariffField.StandingChargePerDay, standingChargePerDay);
            return new Tariff(changes);
        }

        /// <summary>The tariff of dated values, in any order (checked by <see cref="TariffReader"/>).</summary>
        public static Tariff FromChanges(IReadOnlyList<TariffChange> changes) => new Tariff(changes);

        public static Tariff None { get; } = new Tariff(Array.Empty<TariffChange>());

        /// <summary>The tariff sets CalorificValue: rows get Energy (kWh).</summary>
        public bool HasEnergy { get; }

        /// <summary>The tariff sets PricePerKWh: rows get EnergyCost.</summary>
        public bool HasPrice { get; }

        /// <summary>The tariff sets StandingChargePerDay: rows get StandingCharge.</summary>
        public bool HasStandingCharge { get; }

        /// <summary>Rows have a Cost: the energy cost, the standing charge, or both.</summary>
        public bool HasCost => HasPrice || HasStandingCharge;

        /// <summary>How many intervals of constant values (1 + the distinct change instants).</summary>
        public int Intervals => _starts.Length;

        /// <summary>Where the field's first value takes effect (UTC ticks); long.MinValue when it is set for all time or never.</summary>
        public long FirstSet(TariffField field) => _firstSet[(int)field];

        public long StartOf(int interval) => _starts[interval];

        public long EndOf(int interval) => interval + 1 < _starts.Length ? _starts[interval + 1] : long.MaxValue;

        /// <summary>kWh per m³ (ConversionFactor × CalorificValue) in the interval; NaN when unknown there.</summary>
        public double EnergyPerCubicMetre(int interval) => _energyPerCubicMetre[interval];

        /// <summary>PricePerKWh in the interval; NaN when unknown there.</summary>
        public double PricePerKWh(int interval) => _pricePerKWh[interval];

        /// <summary>StandingChargePerDay in the interval; NaN when unknown there.</summary>
        public double StandingChargePerDay(int interval) => _standingPerDay[interval];

        /// <summary>The interval in force at the instant.</summary>
        public int IntervalAt(long utcTicks)
        {
            int low = 0, high = _starts.Length - 1;
            while (low < high)
            {
                int middle = (low + high + 1) >> 1;
                if (_starts[middle] <= utcTicks)
                {
                    low = middle;
                }
                else
                {
                    high = middle - 1;
                }
            }

            return low;
        }
    }
}
