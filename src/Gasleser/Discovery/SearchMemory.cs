using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Gasleser.Hosting;

namespace Gasleser.Discovery
{
    /// <summary>
    /// The searches for a device by id that found nothing, remembered for <see cref="Span"/> across the
    /// processes of this user: a device that is switched off is not swept again by every scheduled run or every
    /// poll. Kept in the private folder beside the slot files (searches.txt), one line per search:
    /// "device id and scope TAB Unix milliseconds searched at TAB milliseconds it took". Like the known devices,
    /// the file is a hint and untrusted when read: bounded, every field checked, a time that is not plausible
    /// (ahead of now) ignored; nothing wrong with it is ever an error, it only costs a search.
    /// </summary>
    internal static class SearchMemory
    {
        /// <summary>How long a search that found nothing holds back the next one for the same device and scope.</summary>
        public static readonly TimeSpan Span = TimeSpan.FromMinutes(3);

        private const int MaxEntries = 100;
        private const int MaxFileBytes = 64 * 1024;

        // What this process searched, for when the file cannot be written (no private folder, a folder not private).
        private static readonly Dictionary<string, Search> InProcess = new Dictionary<string, Search>(StringComparer.Ordinal);

        /// <summary>One search that found nothing.</summary>
        public sealed class Search
        {
            public Search(DateTimeOffset at, TimeSpan took)
            {
                At = at;
                Took = took;
            }

            public DateTimeOffset At { get; }

            public TimeSpan Took { get; }

            /// <summary>When the next search for the same device and scope may be made.</summary>
            public DateTimeOffset NextSearch => At + Span;
        }

        private static string? FilePath => ProcessWide.PrivateFolder is string folder ? Path.Combine(folder, "searches.txt") : null;

        /// <summary>The failed search for <paramref name="key"/> that still holds back a new one, or null.</summary>
        public static Search? Recent(string key)
        {
            DateTimeOffset now = ProcessWide.Clock.UtcNow;
            Search? found = null;
            lock (InProcess)
            {
                InProcess.TryGetValue(key, out found);
            }

            if (FilePath is string path && ReadFile(path).TryGetValue(key, out Search? filed) && (found == null || filed.At > found.At))
            {
                found = filed;
            }

            // A search "in the future" is a clock set back or a planted line: it holds nothing back.
            return found != null && found.At <= now && now < found.NextSearch ? found : null;
        }

        /// <summary>Remembers that a search for <paramref name="key"/> found nothing.</summary>
        public static void Failed(string key, DateTimeOffset at, TimeSpan took) => Write(key, new Search(at, took));

        /// <summary>Forgets the failed searches for <paramref name="deviceId"/> (it was found).</summary>
        public static void Found(string deviceId) => Write(KeyPrefix(deviceId), null);

        /// <summary>The key of a search for <paramref name="deviceId"/> in <paramref name="scope"/> (what was searched, in words).</summary>
        public static string Key(string deviceId, string scope) => KeyPrefix(deviceId) + scope;

        private static string KeyPrefix(string deviceId) => deviceId + " ";

        private static void Write(string key, Search? search)
        {
            bool forget = search == null;
            lock (InProcess)
            {
                foreach (string old in InProcess.Keys.Where(k => forget && k.StartsWith(key, StringComparison.Ordinal)).ToList())
                {
                    InProcess.Remove(old);
                }

                if (search != null)
                {
                    InProcess[key] = search;
                }
            }

            string? path = FilePath;
            if (path == null)
            {
                return;
            }

            try
            {
                Dictionary<string, Search> entries = ReadFile(path);
                if (forget && !entries.Keys.Any(k => k.StartsWith(key, StringComparison.Ordinal)))
                {
                    return;
                }

                foreach (string old in entries.Keys.Where(k => forget ? k.StartsWith(key, StringComparison.Ordinal) : k == key).ToList())
                {
                    entries.Remove(old);
                }

                var text = new StringBuilder();
                if (search != null)
                {
                    Append(text, key, search);
                }

                DateTimeOffset now = ProcessWide.Clock.UtcNow;
                foreach (KeyValuePair<string, Search> entry in entries.Where(e => e.Value.NextSearch > now).OrderByDescending(e => e.Value.At).Take(MaxEntries - 1))
                {
                    Append(text, entry.Key, entry.Value);
                }

                // Not written to a folder that is not private (this process still remembers).
                PrivateFolder.ReplaceFile(path, text.ToString());
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is NotSupportedException || ex is ArgumentException)
            {
                // Two processes writing at once, a full disk: at worst one more search.
            }
        }

        private static void Append(StringBuilder text, string key, Search search) =>
            text.Append(key).Append('\t')
                .Append(search.At.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)).Append('\t')
                .Append(((long)search.Took.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)).Append('\n');

        private static Dictionary<string, Search> ReadFile(string path)
        {
            var entries = new Dictionary<string, Search>(StringComparer.Ordinal);
            foreach (string line in (PrivateFolder.ReadSmallFile(path, MaxFileBytes) ?? "").Split('\n'))
            {
                string[] fields = line.Split('\t');
                if (fields.Length == 3 && fields[0].Length > 0 && fields[0].Length <= 600 && !fields[0].Any(char.IsControl)
                    && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out long at) && at <= 253402300799999
                    && long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out long took) && took <= 86_400_000)
                {
                    entries[fields[0]] = new Search(DateTimeOffset.FromUnixTimeMilliseconds(at), TimeSpan.FromMilliseconds(took));
                }
            }

            return entries;
        }
    }
}
