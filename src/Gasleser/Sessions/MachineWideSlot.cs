using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;

namespace Gasleser.Sessions
{
    /// <summary>
    /// Keeps a device's spacing across processes on this machine (a scheduled task and an interactive
    /// shell polling the same device cannot see each other's sessions). A small file per device holds
    /// the time before which no process may start a request; it is read and written under an exclusive
    /// file lock. Anything wrong with the file — a folder that cannot be made, a lock held too long,
    /// content that does not parse — only costs the machine-wide part: the session still keeps its
    /// in-process spacing, and says so through -Verbose, never as an error.
    /// </summary>
    internal sealed class MachineWideSlot
    {
        private static readonly TimeSpan LockPatience = TimeSpan.FromSeconds(1);

        // After a failure the file is left alone for a while, so that a stuck lock costs one wait, not one per request.
        private static readonly TimeSpan PauseAfterFailure = TimeSpan.FromMinutes(1);
        private readonly string _path;
        private bool _warned;
        private DateTime _pausedUntil;

        public MachineWideSlot(string directory, DeviceEndpoint endpoint)
        {
            var name = new StringBuilder("gasleser-");
            foreach (char c in endpoint.Host + "-" + endpoint.Port.ToString(CultureInfo.InvariantCulture))
            {
                name.Append(char.IsLetterOrDigit(c) || c == '.' || c == '-' ? c : '_');
            }

            _path = Path.Combine(directory, name.Append(".slot").ToString());
        }

        public string FilePath => _path;

        /// <summary>
        /// If another process holds the device until later than <paramref name="now"/>, returns that time.
        /// Otherwise claims the device until <paramref name="claimUntil"/> (the worst-case end of the
        /// request about to start) and returns null. With <paramref name="onlyIfPresent"/> (a discovery
        /// probe), a file no process made is not made either.
        /// </summary>
        public DateTimeOffset? TryClaim(DateTimeOffset now, DateTimeOffset claimUntil, Action<string>? verbose, bool onlyIfPresent = false)
        {
            DateTimeOffset? busyUntil = null;
            Update(verbose, onlyIfPresent, current =>
            {
                if (current > now)
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
            if (DateTime.UtcNow < _pausedUntil || (onlyIfPresent && !File.Exists(_path)))
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
                _pausedUntil = DateTime.UtcNow + PauseAfterFailure;
                if (!_warned)
                {
                    _warned = true;
                    verbose?.Invoke($"Spacing with other processes on this machine is off for this device ({ex.Message.TrimEnd('.')}, file {_path}); this process still keeps its own 10 s spacing.");
                }
            }
        }

        private FileStream OpenLocked()
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            DateTime giveUp = DateTime.UtcNow + LockPatience;
            while (true)
            {
                try
                {
                    return new FileStream(_path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                }
                catch (IOException) when (DateTime.UtcNow < giveUp && File.Exists(_path))
                {
                    Thread.Sleep(10);
                }
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

            unreadable = text.Length > 40 ? text.Substring(0, 40) + "…" : text;
            return null;
        }
    }
}
