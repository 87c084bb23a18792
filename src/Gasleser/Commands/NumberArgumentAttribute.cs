using System;
using System.Management.Automation;
using Gasleser.Logging;
using Gasleser.Readings;

namespace Gasleser.Commands
{
    /// <summary>
    /// Lets a number parameter take a decimal comma, as gas bills print it: '11,2' is 11.2. PowerShell alone
    /// reads '11,2' with ',' as a thousands separator, 112 — ten times the energy, silently. A value that
    /// could be read two ways ('1.234,5', '1,234.5', '1,2,3') is refused, never guessed.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    internal sealed class NumberArgumentAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            object value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            return value is string text ? Parse(text) : inputData;
        }

        internal static double Parse(string text)
        {
            string trimmed = text.Trim();
            if (Count(trimmed, ',') + Count(trimmed, '.') > 1)
            {
                throw new ArgumentTransformationMetadataException(DeviceText.Printable(
                    $"'{text}' can be read more than one way (is ',' or '.' the decimal mark?). Write the number with one decimal mark and no thousands separator, e.g. 1234.5 or 1234,5.", int.MaxValue));
            }

            // The same rule as a logged row's numbers (one place for "a decimal point or a decimal comma").
            double? number = DecimalText.Parse(trimmed);
            if (number == null || double.IsNaN(number.Value))
            {
                throw new ArgumentTransformationMetadataException(DeviceText.Printable($"'{text}' is not a number. Write it like 11.2 or 11,2.", int.MaxValue));
            }

            return number.Value;
        }

        private static int Count(string s, char c)
        {
            int n = 0;
            foreach (char ch in s)
            {
                n += ch == c ? 1 : 0;
            }

            return n;
        }
    }
}
