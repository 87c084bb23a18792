using System.Globalization;
using System.Text.RegularExpressions;

namespace Gasleser.Readings
{
    /// <summary>
    /// Decimal numbers as people and files write them: '.' or ',' as the decimal mark, an exponent allowed, no
    /// thousands separators. Refused as ambiguous, never guessed: a text with both marks or two commas
    /// ('1.234,5', '1,2,3'), and — in a shell whose culture groups thousands with ',' (en-US) — one comma followed
    /// by exactly three digits ('1,234': 1234 to that culture, 1.234 with a decimal comma); a de-DE shell reads
    /// '1,234' as 1.234. The one rule for a logged total, a row's numbers, a bill's factors and tariff cells.
    /// </summary>
    internal static class DecimalText
    {
        // One to three digits (not a lone 0), a comma, exactly three digits: thousands grouping or a decimal comma.
        private static readonly Regex GroupedLike = new Regex(@"^[+-]?(?!0,)\d{1,3},\d{3}$", RegexOptions.CultureInvariant);

        /// <summary>The number <paramref name="text"/> writes, or null when it is none (or ambiguous in <paramref name="culture"/>, default: this shell's).</summary>
        public static double? Parse(string text, CultureInfo? culture = null) => Read(text, culture, out _);

        /// <summary>Why <paramref name="text"/> is no number (or not one number) in <paramref name="culture"/>, or null when it is one.</summary>
        public static string? Problem(string text, CultureInfo? culture = null)
        {
            Read(text, culture, out string? problem);
            return problem;
        }

        private static double? Read(string text, CultureInfo? culture, out string? problem)
        {
            culture ??= CultureInfo.CurrentCulture;
            string s = text.Trim().Replace('\u2212', '-');
            bool comma = s.IndexOf(',') >= 0;
            bool point = s.IndexOf('.') >= 0;
            if ((comma && point) || s.IndexOf(',') != s.LastIndexOf(','))
            {
                problem = $"{DeviceText.Quote(text)} can be read more than one way (is ',' or '.' the decimal mark?): write it with one decimal mark and no thousands separator, e.g. 1234.5 or 1234,5";
                return null;
            }

            if (comma && culture.NumberFormat.NumberGroupSeparator == "," && GroupedLike.IsMatch(s))
            {
                string thousands = s.Replace(",", "");
                string decimalComma = s.Replace(',', '.');
                problem = $"{DeviceText.Quote(text)} can be read two ways in this shell's culture ({(culture.Name.Length > 0 ? culture.Name : "invariant")}), which groups thousands with ',': "
                    + $"{thousands} or {decimalComma}; write the one meant as {thousands} or {decimalComma}";
                return null;
            }

            if (comma)
            {
                s = s.Replace(',', '.');
            }

            const NumberStyles Styles = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;
            if (s.Length > 0 && double.TryParse(s, Styles, CultureInfo.InvariantCulture, out double parsed) && !double.IsInfinity(parsed) && !double.IsNaN(parsed))
            {
                problem = null;
                return parsed;
            }

            problem = $"{DeviceText.Quote(text)} is not a number";
            return null;
        }
    }
}
