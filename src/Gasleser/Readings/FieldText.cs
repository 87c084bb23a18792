using System;
using System.Globalization;
using System.Linq;

namespace Gasleser.Readings
{
    /// <summary>
    /// The one leniency rule set for a reading's fields given as text, wherever they come from: a device's JSON
    /// (<see cref="DeviceJsonParser"/>) or a logged or piped row (<see cref="RowParser"/>). What one accepts the
    /// other accepts, so a row never loses a reading over a value a device may send:
    ///   - Unix seconds: digits ("1758798550"), or a number of whole seconds with a fraction of zeros or an
    ///     exponent ("1758798550.0", "1.75879855e9"); a real fraction, a negative number or milliseconds are
    ///     named as such;
    ///   - whole numbers (pulse count, signal strength, RSSI): digits with an optional sign (also U+2212) and
    ///     spaces around, and an optional trailing '%' ("84 %", as devices send signal_strength);
    ///   - a device id: spaces around it are not part of it;
    ///   - numbers: -0 is 0;
    ///   - an optional field whose value cannot be read is left empty, as if not sent; only the three a reading
    ///     is made of (device id, time, total) refuse the reading.
    /// </summary>
    internal static class FieldText
    {
        /// <summary>9999-12-31T23:59:59Z: the last Unix second a date-time holds.</summary>
        public const long MaxUnixSeconds = 253402300799L;

        /// <summary>
        /// False when <paramref name="text"/> is no number at all (a date, say). True when it is one: then either
        /// <paramref name="seconds"/> holds its Unix seconds and <paramref name="problem"/> is null, or
        /// <paramref name="problem"/> says why that number is no Unix time in seconds ("is not Unix time in whole seconds").
        /// </summary>
        public static bool TryUnixSeconds(string text, out long seconds, out string? problem)
        {
            seconds = 0;
            problem = null;
            const NumberStyles Styles = NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite | NumberStyles.AllowLeadingSign
                | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;
            if (!decimal.TryParse(text, Styles, CultureInfo.InvariantCulture, out decimal value))
            {
                return false;
            }

            if (value < 0)
            {
                problem = "is negative, not Unix time in seconds";
            }
            else if (value != decimal.Truncate(value))
            {
                problem = "is not Unix time in whole seconds";
            }
            else if (value > MaxUnixSeconds)
            {
                problem = value <= MaxUnixSeconds * 1000 + 999
                    ? $"is not Unix time in seconds (read as milliseconds it would be {DateTimeOffset.FromUnixTimeMilliseconds((long)value).UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC)"
                    : "is not Unix time in seconds";
            }
            else
            {
                seconds = (long)value;
            }

            return true;
        }

        /// <summary>A whole number as devices and logs write it ("84", " -51 ", "84 %", "−51"); null when it is none.</summary>
        public static long? Whole(string? text)
        {
            if (text == null)
            {
                return null;
            }

            string s = text.Trim().Replace('\u2212', '-');
            if (s.EndsWith("%", StringComparison.Ordinal))
            {
                s = s.Substring(0, s.Length - 1).TrimEnd();
            }

            return long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long number) ? number : (long?)null;
        }

        /// <summary>A device id as it is meant: without the spaces around it.</summary>
        public static string DeviceId(string text) => text.Trim(' ');

        /// <summary>A device id that is safe to show and to type: 1 to 40 letters, digits, '_' and '-' (nothing a command line or terminal could misread).</summary>
        public static bool IsDeviceId(string text) =>
            text.Length > 0 && text.Length <= 40
            && text.All(c => (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-');

        /// <summary>
        /// A number as it shows: -0 is 0. A device may send -0 or -0.0 (a total, a flow) and a row may hold "-0";
        /// a meter has no negative zero, and "-0.000" in a view reads as a fault. Every number field read from a
        /// device or a row passes here.
        /// </summary>
        public static double Number(double number) => number == 0 ? 0.0 : number;
    }
}
