using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using Gasleser.Hosting;

namespace Gasleser.Sessions
{
    /// <summary>
    /// Keeps a device's spacing across processes on this machine (a scheduled task and an interactive
    /// shell polling the same device cannot see each other's sessions). A small file per device endpoint
    /// (address and port, so every name of the device meets in one file) holds the wall-clock time before
    /// which no process may start a request; it is read and written under an exclusive file lock.
    /// The file is a hint, never an order: a time further ahead than any process may legitimately claim
    /// (a clock that was wrong, a planted file) is treated as corrupt and rewritten. The file lives in the
    /// user's private <see cref="PrivateFolder"/> and is never opened through a link. Anything wrong — a folder
    /// that is not private, a link, a lock held too long — only costs the machine-wide part: the session still
    /// keeps its in-process spacing, and says so through -Verbose, never as an error.
    /// </summary>
    internal sealed class SlotFile
    {
        private static readonly TimeSpan LockPatience = TimeSpan.FromSeconds(1);

        // After a failure the file is left alone for a while, so that a stuck lock costs one wait, not one per request.
        private static readonly TimeSpan PauseAfterFailure = TimeSpan.FromMinutes(1);
        private readonly string _directory;
        private readonly string _path;
        private readonly System.Diagnostics.Stopwatch _sinceFailure = new System.Diagnostics.Stopwatch();
        private bool _warned;

        /// <param name="directory">The private slot folder.</param>
        /// <param name="turnKey">The endpoint actually contacted, e.g. "127.0.0.1:20001" or "[::1]:80".</param>
        public SlotFile(string directory, string turnKey)
        {
            var name = new StringBuilder("gasleser-");
            foreach (char c in turnKey)
            {
                name.Append(char.IsLetterOrDigit(c) || c == '.' ? c : c == ':' ? '-' : '_');
            }

            _directory = directory;
            _path = Path.Combine(directory, name.Append(".slot").ToString());
        }

        public string FilePath => _path;

        /// <summary>
        /// If another process holds the device until later than <paramref name="now"/>, returns that time.
        /// Otherwise claims the device until <paramref name="claimUntil"/> (the worst-case end of the
        /// request about to start) and returns null. A claim more than <paramref name="longestClaim"/> ahead is
        /// corrupt and taken over. With <paramref name="onlyIfPresent"/> (a discovery probe), a file no
        /// process made is not made either.
        /// </summary>
        public DateTimeOffset? TryClaim(DateTimeOffset now, DateTimeOffset claimUntil, TimeSpan longestClaim, Action<string>? verbose, bool onlyIfPresent = false)
        {
            DateTimeOffset? busyUntil = null;
            Update(verbose, onlyIfPresent, current =>
            {
                if (current > now + longestClaim)
                {
                    verbose?.Invoke($"The machine-wide slot file {_path} claimed the device until {current.Value.UtcDateTime.ToString("o", CultureInfo.InvariantCulture)}, further ahead than any request may claim ({longestClaim.TotalSeconds:0.#} s); it is treated as corrupt and rewritten.");
                }
                else if (current > now)
                {
                    busyUntil = current;
                    return null;
                }

                return claimUntil;
            });
            return busyUntil;
        }

        /// <summary>Records when the next request may start, after an exchange ended; with <c>onlyIfPresent</c>
        /// (a probe that found no Gasleser) only an existing file is updated.</summary>
        public void Release(DateTimeOffset nextAllowed, Action<string>? verbose, bool onlyIfPresent = false) =>
            Update(verbose, onlyIfPresent, _ => nextAllowed);

        private void Update(Action<string>? verbose, bool onlyIfPresent, Func<DateTimeOffset?, DateTimeOffset?> change)
        {
            // A sweep probes hundreds of addresses where no Gasleser lives: they get no slot file.
            if ((_sinceFailure.IsRunning && _sinceFailure.Elapsed < PauseAfterFailure) || (onlyIfPresent && !File.Exists(_path)))
            {
                return;
            }

            try
            {
                using FileStream file = OpenLocked();
                DateTimeOffset? current = Read(file, out string? unreadable);
                if (unreadable != null)
                {
                    verbose?.Invoke($"The machine-wide slot file {_path} held '{unreadable}', not a time; it is rewritten.");
                }

                DateTimeOffset? next = change(current);
                if (next.HasValue)
                {
                    byte[] text = Encoding.ASCII.GetBytes(next.Value.UtcDateTime.ToString("o", CultureInfo.InvariantCulture));
                    file.SetLength(0);
                    file.Write(text, 0, text.Length);
                }
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is NotSupportedException)
            {
                _sinceFailure.Restart();
                if (!_warned)
                {
                    _warned = true;
                    verbose?.Invoke($"Spacing with other processes on this machine is off for this device ({ex.Message.TrimEnd('.')}, file {_path}); this process still keeps its own 10 s spacing.");
                }
            }
        }

        private FileStream OpenLocked()
        {
            string? unsafeFolder = PrivateFolder.Prepare(_directory);
            if (unsafeFolder != null)
            {
                throw new UnsafeSlotException(unsafeFolder + ", so slot files are not kept there");
            }

            ThrowIfNotAPlainFile();
            var patience = System.Diagnostics.Stopwatch.StartNew();
            FileStream file;
            while (true)
            {
                try
                {
                    file = new FileStream(_path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                    break;
                }
                catch (IOException) when (patience.Elapsed < LockPatience && File.Exists(_path))
                {
                    Thread.Sleep(10);
                }
            }

            // Checked again once open: a link put in its place in between is closed unwritten.
            try
            {
                ThrowIfNotAPlainFile();
            }
            catch
            {
                file.Dispose();
                throw;
            }

            return file;
        }

        private void ThrowIfNotAPlainFile()
        {
            if (PrivateFolder.IsNotAPlainFile(_path))
            {
                throw new UnsafeSlotException("the slot file is a link or not a plain file, and is never opened");
            }
        }

        private static DateTimeOffset? Read(FileStream file, out string? unreadable)
        {
            unreadable = null;
            var buffer = new byte[64];
            int length = file.Read(buffer, 0, buffer.Length);
            if (length == 0)
            {
                return null;
            }

            string text = Encoding.ASCII.GetString(buffer, 0, length).Trim();
            if (DateTimeOffset.TryParseExact(text, "o", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset value))
            {
                return value;
            }

            unreadable = Printable(text.Length > 40 ? text.Substring(0, 40) + "…" : text);
            return null;
        }

        private static string Printable(string text)
        {
            var shown = new StringBuilder(text.Length);
            foreach (char c in text)
            {
                shown.Append(char.IsControl(c) ? "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture) : c.ToString());
            }

            return shown.ToString();
        }

        /// <summary>The slot file or its folder is not safe to use; the machine-wide part is off.</summary>
        private sealed class UnsafeSlotException : IOException
        {
            public UnsafeSlotException(string message) : base(message) { }
        }
    }
}
