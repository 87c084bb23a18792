using System;
using System.Globalization;
using System.Management.Automation;
using Gasleser.Logging;
using Gasleser.Readings;

namespace Gasleser
{
    /// <summary>
    /// Turns a row read back from a CSV log (Import-Csv) into a <see cref="GasleserReading"/> again:
    /// <c>Import-Csv gas.csv | ForEach-Object { [Gasleser.GasleserReading]$_ }</c>, by the one rule set of
    /// <see cref="RowParser"/> (the same as Import-GasleserLog and Measure-GasleserUsage). PowerShell's own
    /// [double] and [datetimeoffset] casts would misread what Export-Csv wrote in a comma-decimal culture.
    /// A row with any of the columns DeviceId, Timestamp and TotalConsumption comes here, so one that lacks one
    /// is refused in Import-GasleserLog's words ("The row has no DeviceId.") rather than filled property by property.
    /// </summary>
    public sealed class GasleserReadingConverter : PSTypeConverter
    {
        public override bool CanConvertFrom(object sourceValue, Type destinationType) =>
            destinationType == typeof(GasleserReading) && sourceValue is PSObject row && !(row.BaseObject is GasleserReading)
            && Array.Exists(RowParser.RequiredColumns, column => row.Properties[column] != null);

        public override object ConvertFrom(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase)
        {
            var row = (PSObject)sourceValue;
            try
            {
                return RowParser.Read(name => row.Properties[name]?.Value, TimeZoneInfo.Local, CultureInfo.CurrentCulture, DateTimeOffset.UtcNow);
            }
            catch (GasleserInvalidReadingException ex)
            {
                throw new PSInvalidCastException(ex.Message, ex);
            }
        }

        public override bool CanConvertTo(object sourceValue, Type destinationType) => false;

        public override object ConvertTo(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase) =>
            throw new NotSupportedException();
    }
}
