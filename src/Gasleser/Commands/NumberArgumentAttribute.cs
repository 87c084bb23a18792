using System;
using System.Collections;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using Gasleser.Readings;

namespace Gasleser.Commands
{
    /// <summary>
    /// Lets a number parameter take a decimal comma, as gas bills print it: '11,2' is 11.2. PowerShell alone
    /// reads '11,2' with ',' as a thousands separator, 112 — ten times the energy, silently. A value that
    /// could be read two ways ('1.234,5', '1,234.5', '1,2,3', and '1,234' in a shell that groups thousands with
    /// ',') is refused, never guessed. Unquoted, 11,2 is PowerShell's list of two numbers: that is said too.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    internal sealed class NumberArgumentAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            object value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            return value switch
            {
                string text => Parse(text),
                IList list when !(value is IDictionary) => throw new ArgumentTransformationMetadataException(ListGiven(list)),
                _ => inputData,
            };
        }

        internal static double Parse(string text)
        {
            // The same rule as a logged row's numbers (one place for "a decimal point or a decimal comma").
            double? number = DecimalText.Parse(text, CultureInfo.CurrentCulture);
            if (number == null)
            {
                string problem = DecimalText.Problem(text, CultureInfo.CurrentCulture)!;
                throw new ArgumentTransformationMetadataException(DeviceText.Printable(
                    problem.EndsWith("is not a number", StringComparison.Ordinal) ? problem + ". Write it like 11.2 or '11,2'." : problem + ".", int.MaxValue));
            }

            return number.Value;
        }

        // -CalorificValue 11,2 unquoted: PowerShell's comma makes a list before the parameter sees it.
        private static string ListGiven(IList list)
        {
            string[] items = list.Cast<object?>().Take(4).Select(i => DeviceText.Printable(Convert.ToString(i is PSObject p ? p.BaseObject : i, CultureInfo.InvariantCulture), 20)).ToArray();
            if (list.Count == 2)
            {
                return $"It was given a list of two numbers, {items[0]} and {items[1]}: unquoted, PowerShell reads {items[0]},{items[1]} as a list. "
                    + $"For a decimal comma put the number in quotes, '{items[0]},{items[1]}', or write it with a point, {items[0]}.{items[1]}.";
            }

            return $"It was given a list of {list.Count} values ({string.Join(", ", items)}{(list.Count > 4 ? ", …" : "")}), but takes one number: "
                + "write it like 11.2, or in quotes with a decimal comma, '11,2'.";
        }
    }
}
