using System.Globalization;

namespace Gasleser.Readings
{
    /// <summary>
    /// Decimal numbers as people and files write them: '.' or ',' as the decimal mark, an exponent allowed, no
    /// thousands separators; a text with both marks, or two commas, is ambiguous and refused. The one rule for a
    /// logged total and for a bill's factors.
    /// </summary>
    internal static class DecimalText
    {
        /// <summary>The number <paramref name="text"/> writes, or null when it is none (or ambiguous).</summary>
        public static double? Parse(string text)
        {
            string s = text.Trim().Replace('\u2212', '-');
            bool comma = s.IndexOf(',') >= 0;
            bool point = s.IndexOf('.') >= 0;
            if (s.Length == 0 || (comma && point) || s.IndexOf(',') != s.LastIndexOf(','))
            {
                return null;
            }

            if (comma)
            {
                s = s.Replace(',', '.');
            }

            const NumberStyles Styles = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;
            return double.TryParse(s, Styles, CultureInfo.InvariantCulture, out double parsed) && !double.IsInfinity(parsed) ? parsed : (double?)null;
        }
    }
}
