using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Gasleser.Hosting;

namespace Gasleser.Sessions
{
    /// <summary>
    /// The devices this user has reached on this machine, for tab completion of -ComputerName in a new shell:
    /// a small file beside the slot files (<see cref="KnownDevices.FilePath"/>), one line per address:
    /// "address TAB device id TAB Unix seconds last reached". The file is a convenience and untrusted when read:
    /// its size is bounded, every field is checked, and nothing wrong with it is ever an error.
    /// </summary>
    internal static class KnownDevices
    {
        /// <summary>At most this many addresses are kept (the most recently reached).</summary>
        public const int MaxEntries = 100;

        /// <summary>A file larger than this is not read.</summary>
        public const int MaxFileBytes = 32 * 1024;

        // A device reached again within this span is not written again: a watch would rewrite the file every poll.
        private static readonly TimeSpan RewriteAfter = TimeSpan.FromHours(1);
        private static readonly Dictionary<string, DateTime> WrittenAt = new Dictionary<string, DateTime>(StringComparer.OrdinalIgnoreCase);

        /// <summary>One device reached before.</summary>
        public sealed class Entry
        {
            public Entry(string computerName, string deviceId, DateTimeOffset lastReached)
            {
                ComputerName = computerName;
                DeviceId = deviceId;
                LastReached = lastReached;
            }

            public string ComputerName { get; }

            public string DeviceId { get; }

            public DateTimeOffset LastReached { get; }
        }

        /// <summary>The devices in the file, most recent first; empty when there is no file or it cannot be read.</summary>
        /// <summary>The file, in this user's private folder; null when the module keeps no files (see <see cref="ProcessWide.PrivateFolder"/>).</summary>
        public static string? FilePath =>
            ProcessWide.PrivateFolder is string folder ? Path.Combine(folder, "known-devices.txt") : null;

        public static IReadOnlyList<Entry> Read()
        {
            string? path = KnownDevices.FilePath;
            return path == null ? Array.Empty<Entry>() : Read(path);
        }

        internal static IReadOnlyList<Entry> Read(string path) =>
            PrivateFolder.ReadSmallFile(path, MaxFileBytes) is string text ? Parse(text) : Array.Empty<Entry>();

        /// <summary>The well-formed lines of a file's text; anything else is skipped.</summary>
        public static IReadOnlyList<Entry> Parse(string text)
        {
            var entries = new Dictionary<string, Entry>(StringComparer.OrdinalIgnoreCase);
            foreach (string line in text.Split('\n'))
            {
                string[] fields = line.TrimEnd('\r').Split('\t');
                if (fields.Length != 3 || !IsAddress(fields[0]) || !IsDeviceId(fields[1])
                    || !long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out long seconds)
                    || seconds > 253402300799)
                {
                    continue;
                }

                var entry = new Entry(fields[0], fields[1], DateTimeOffset.FromUnixTimeSeconds(seconds));
                if (!entries.TryGetValue(entry.ComputerName, out Entry? known) || known.LastReached < entry.LastReached)
                {
                    entries[entry.ComputerName] = entry;
                }
            }

            return entries.Values.OrderByDescending(e => e.LastReached).Take(MaxEntries).ToList();
        }

        /// <summary>Notes that a device answered at an address. Never fails: the file is only a convenience.</summary>
        /// <summary>
        /// Remembers where <paramref name="reading"/>'s device answered, now. Called by whoever gets a reading; a
        /// reading from the session's cache (FromCache) is no news of the device and changes nothing.
        /// </summary>
        public static void Remember(GasleserReading reading)
        {
            if (!reading.FromCache)
            {
                Remember(reading.ComputerName, reading.DeviceId, DateTimeOffset.UtcNow);
            }
        }

        public static void Remember(string computerName, string deviceId, DateTimeOffset reachedAt)
        {
            string? path = KnownDevices.FilePath;
            if (path == null || !IsAddress(computerName) || !IsDeviceId(deviceId))
            {
                return;
            }

            lock (WrittenAt)
            {
                string key = computerName + "\t" + deviceId;
                if (WrittenAt.TryGetValue(key, out DateTime at) && DateTime.UtcNow - at < RewriteAfter)
                {
                    return;
                }

                WrittenAt[key] = DateTime.UtcNow;
            }

            try
            {
                var entries = Read(path).Where(e => !e.ComputerName.Equals(computerName, StringComparison.OrdinalIgnoreCase)).ToList();
                entries.Insert(0, new Entry(computerName, deviceId, reachedAt));
                var text = new StringBuilder();
                foreach (Entry entry in entries.Take(MaxEntries))
                {
                    text.Append(entry.ComputerName).Append('\t').Append(entry.DeviceId).Append('\t')
                        .Append(entry.LastReached.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)).Append('\n');
                }

                // Nothing is written to a folder that is not private (another user's, writable by others).
                PrivateFolder.ReplaceFile(path, text.ToString());
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is NotSupportedException || ex is ArgumentException)
            {
                // Two shells writing at once, a full disk, a read-only folder: completion just knows less.
            }
        }

        /// <summary>For tests: forgets which devices this process has already written.</summary>
        internal static void ForgetWrites()
        {
            lock (WrittenAt)
            {
                WrittenAt.Clear();
            }
        }

        // A host name, IPv4 or bracketed IPv6 address, with an optional port: nothing that could carry control
        // characters or PowerShell syntax to the command line the completion writes.
        private static bool IsAddress(string text) =>
            text.Length > 0 && text.Length <= 255
            && text.All(c => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == ':' || c == '[' || c == ']' || c == '_' || c == '%');

        private static bool IsDeviceId(string text) =>
            text.Length > 0 && text.Length <= 40
            && text.All(c => (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-');
    }
}
