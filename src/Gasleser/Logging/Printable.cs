using System.Globalization;
using System.Text;

namespace Gasleser.Logging
{
    /// <summary>
    /// Text from a file or a device shown in a message: control and bidi-override characters are shown
    /// escaped (\u001B), never sent to the terminal, where they could move the cursor or reorder the line.
    /// </summary>
    internal static class Printable
    {
        public static bool HasUnsafeCharacters(string text)
        {
            foreach (char c in text)
            {
                if (IsUnsafe(c))
                {
                    return true;
                }
            }

            return false;
        }

        public static string Escape(string text)
        {
            if (!HasUnsafeCharacters(text))
            {
                return text;
            }

            var shown = new StringBuilder(text.Length + 16);
            foreach (char c in text)
            {
                shown.Append(IsUnsafe(c) ? "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture) : c.ToString());
            }

            return shown.ToString();
        }

        /// <summary>At most <paramref name="length"/> characters of the text, escaped.</summary>
        public static string Excerpt(string text, int length) =>
            Escape(text.Length > length ? text.Substring(0, length) + "…" : text);

        // C0, DEL, C1, and the format characters that reorder or hide text.
        private static bool IsUnsafe(char c) =>
            c < 0x20 || (c >= 0x7F && c <= 0x9F)
            || (c >= '\u200B' && c <= '\u200F') || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069')
            || c == '\u061C' || c == '\uFEFF';
    }
}
