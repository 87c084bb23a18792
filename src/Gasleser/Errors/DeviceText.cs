using System.Globalization;
using System.Text;

namespace Gasleser
{
    /// <summary>
    /// Text that came from outside (a device's answer, its headers, an mDNS name, a CSV cell) made safe to
    /// show: control characters (C0, DEL, C1) and the invisible format characters that reorder or hide
    /// text (bidi overrides and isolates, zero-width marks) are shown escaped, as \u001B, so an answer
    /// cannot set a terminal's title, clear the screen, break a table row or reverse what it shows.
    /// Every device-supplied string that goes into a message passes through here.
    /// </summary>
    internal static class DeviceText
    {
        /// <summary>True for a character that must not reach a terminal as it is.</summary>
        public static bool IsUnsafe(char c) =>
            char.IsControl(c) || char.GetUnicodeCategory(c) == UnicodeCategory.Format
            || c == '\u2028' || c == '\u2029'; // line and paragraph separators break rows like CR/LF

        /// <summary>True when <paramref name="text"/> holds no character <see cref="IsUnsafe"/> rejects.</summary>
        public static bool IsPrintable(string text)
        {
            foreach (char c in text)
            {
                if (IsUnsafe(c))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>How much of a value a message quotes: enough to recognise it, never a whole flood.</summary>
        public const int QuoteLength = 80;

        /// <summary>
        /// What a user, file or device gave, in quotes, as a message shows it: printable, and longer than
        /// <paramref name="maxLength"/> characters cut there with its length said ("'aaaa…' (10000 characters)").
        /// Every message quotes given text through here (or <see cref="Printable"/>), so none echoes a flood whole.
        /// </summary>
        public static string Quote(string? text, int maxLength = QuoteLength)
        {
            text ??= "";
            string quoted = "'" + Printable(text, maxLength) + "'";
            return text.Length > maxLength ? quoted + $" ({text.Length.ToString(CultureInfo.InvariantCulture)} characters)" : quoted;
        }

        /// <summary>
        /// <paramref name="text"/> with unsafe characters escaped; longer than <paramref name="maxLength"/>
        /// characters it is cut there and ends in '…'.
        /// </summary>
        public static string Printable(string? text, int maxLength = 80)
        {
            if (text == null)
            {
                return "";
            }

            var sb = new StringBuilder(System.Math.Min(text.Length, maxLength) + 8);
            for (int i = 0; i < text.Length; i++)
            {
                if (i >= maxLength)
                {
                    sb.Append('…');
                    break;
                }

                char c = text[i];
                bool lone = char.IsHighSurrogate(c) ? !(i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                    : char.IsLowSurrogate(c) && !(i > 0 && char.IsHighSurrogate(text[i - 1]));
                if (IsUnsafe(c) || lone)
                {
                    sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                }
                else
                {
                    sb.Append(c);
                }
            }

            return sb.ToString();
        }
    }
}
