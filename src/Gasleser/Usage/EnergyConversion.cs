using System;

namespace Gasleser.Usage
{
    /// <summary>
    /// m³ to kWh and cost, with the factors printed on the gas bill:
    ///   kWh = m³ × ConversionFactor × CalorificValue, cost = kWh × PricePerKWh.
    /// German bills: ConversionFactor is the Zustandszahl (≈0.95), CalorificValue the Brennwert (≈10–12 kWh/m³).
    /// UK bills: kWh = m³ × 1.02264 × CV(MJ/m³) ÷ 3.6, i.e. ConversionFactor 1.02264 and CalorificValue CV ÷ 3.6.
    /// </summary>
    internal sealed class EnergyConversion
    {
        public EnergyConversion(double? calorificValue, double conversionFactor, double? pricePerKWh)
        {
            CalorificValue = calorificValue;
            ConversionFactor = conversionFactor;
            PricePerKWh = pricePerKWh;
        }

        public static EnergyConversion None { get; } = new EnergyConversion(null, 1.0, null);

        /// <summary>kWh per m³ (the Brennwert; UK: CV in MJ/m³ ÷ 3.6). Null: no energy, only m³.</summary>
        public double? CalorificValue { get; }

        /// <summary>The volume correction (Zustandszahl; UK: 1.02264). 1 when not given.</summary>
        public double ConversionFactor { get; }

        /// <summary>Price of one kWh, in the bill's currency. Null: no cost.</summary>
        public double? PricePerKWh { get; }

        public void Apply(GasleserUsage row)
        {
            row.Consumption = Round(row.Consumption);
            if (CalorificValue is double calorific)
            {
                double energy = row.Consumption * ConversionFactor * calorific;
                row.Energy = Round(energy);
                if (PricePerKWh is double price)
                {
                    row.Cost = Round(energy * price);
                }
            }
        }

        // Interpolated shares add up with binary noise (0.30000000000000004); a millionth of a unit is far
        // below what a meter resolves.
        private static double Round(double value) => Math.Round(value, 6, MidpointRounding.AwayFromZero);
    }
}
