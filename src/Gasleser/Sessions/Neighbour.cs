using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using Gasleser.Hosting;

namespace Gasleser.Sessions
{
    /// <summary>
    /// Another client using a device (the vendor's Home Assistant integration polls every 10 s): what this user's
    /// processes have seen of it. This module never gives itself a 429 — its processes space their requests
    /// through the turn and the slot file — so every 429 is that other client's doing. Kept as sightings: the
    /// time of each request of this user's to the device, whether it was served or answered 429, its Retry-After,
    /// and whether it was a call's first request (a retry is asked at the time it has the best chance, so only
    /// first requests sample the device's load fairly). The sightings of the last <see cref="Memory"/> are kept
    /// in memory and in a small file next to the device's slot file (<c>gasleser-&lt;address&gt;-&lt;port&gt;.seen</c>),
    /// so a scheduled task started every minute knows what the previous one saw. Like the slot file, the file
    /// is a hint: one that cannot be read or trusted only costs what other processes saw.
    /// </summary>
    internal sealed class Neighbour
    {
        /// <summary>How far back sightings count.</summary>
        public static readonly TimeSpan Memory = TimeSpan.FromMinutes(15);

        /// <summary>
        /// How long "the device has no room" is believed after the last 429 that showed it. Then a command asks
        /// again, so a neighbour that slowed down or stopped is noticed within this time.
        /// </summary>
        public static readonly TimeSpan SaturationMemory = TimeSpan.FromMinutes(5);

        private const int MostSightings = 200;
        private static readonly TimeSpan LockPatience = TimeSpan.FromSeconds(1);

        private readonly object _state = new object();
        private readonly string? _path;
        private readonly IClock _clock;
        private List<Sighting> _sightings = new List<Sighting>();
        private bool _fileFailed;

        /// <param name="slotFilePath">The device's slot file; the sightings go beside it. Null keeps them in this process.</param>
        /// <param name="clock">The turn's clock: sightings are wall-clock times on it.</param>
        public Neighbour(string? slotFilePath, IClock clock)
        {
            _path = slotFilePath == null ? null : Path.ChangeExtension(slotFilePath, ".seen");
            _clock = clock;
        }

        /// <summary>Records one request of this module's to the device and what it got.</summary>
        public void Saw(bool served, TimeSpan? retryAfter, bool firstRequest)
        {
            var sighting = new Sighting(_clock.UtcNow, served, retryAfter, firstRequest);
            Update(list => list.Add(sighting));
        }

        /// <summary>What the sightings of the last <see cref="Memory"/> say about another client, now.</summary>
        public NeighbourEstimate Estimate()
        {
            DateTimeOffset now = _clock.UtcNow;
            List<Sighting> seen = Update(null).Where(s => s.At > now - Memory && s.At <= now + TimeSpan.FromSeconds(1)).ToList();
            List<Sighting> rejected = seen.Where(s => !s.Served).ToList();
            if (rejected.Count == 0)
            {
                return NeighbourEstimate.None;
            }

            List<Sighting> first = seen.Where(s => s.FirstRequest).ToList();
            int firstRejected = first.Count(s => !s.Served);

            // A client polling every P s keeps the device busy 10 s of every P: a first request at a time of
            // this module's choosing meets it with a chance of 10/P, so P is about 10 s / (the share rejected).
            // A retry served 10.5 s after a 429 shows the client left a gap that long: then it polls every 20 s
            // or slower (a watch in step with the client meets it every time, and the share alone would say 10 s).
            double share = first.Count == 0 ? 1 : Math.Max(firstRejected, 1) / (double)first.Count;
            double seconds = DeviceTurn.DeviceLimit.TotalSeconds / share;
            if (seen.Any(s => s.Served && !s.FirstRequest))
            {
                seconds = Math.Max(seconds, 2 * DeviceTurn.DeviceLimit.TotalSeconds);
            }

            TimeSpan interval = TimeSpan.FromSeconds(Math.Max(DeviceTurn.DeviceLimit.TotalSeconds, seconds));

            // No room: the recent requests were all rejected (two at least, the newest within SaturationMemory)
            // and none was served since; a served request ends it.
            DateTimeOffset lastRejected = rejected.Max(s => s.At);
            List<Sighting> sinceServed = seen.AsEnumerable().Reverse().TakeWhile(s => !s.Served).ToList();
            bool saturated = sinceServed.Count >= 2 && now - lastRejected < SaturationMemory;
            TimeSpan? known = saturated ? DeviceTurn.DeviceLimit : interval;

            // A device that asks for a longer window than its 10 s (Retry-After: 30) is not busy 10 s of every P: the
            // share says nothing of another client's rhythm then, and none is claimed.
            TimeSpan? longestRetryAfter = rejected.Max(s => s.RetryAfter);
            if (longestRetryAfter > DeviceTurn.Spacing)
            {
                known = null;
            }

            return new NeighbourEstimate(true, known, saturated, rejected.Count, seen.Count, firstRejected, first.Count, lastRejected, longestRetryAfter);
        }

        // Merges the file's sightings with this process's, applies the change, keeps the last Memory, writes back.
        private List<Sighting> Update(Action<List<Sighting>>? change)
        {
            lock (_state)
            {
                DateTimeOffset horizon = _clock.UtcNow - Memory;
                List<Sighting> merged = _sightings;
                // Only a sighting makes the file: a device no 429 or reading came from gets none.
                FileStream? file = change != null || (_path != null && File.Exists(_path)) ? OpenFile() : null;
                try
                {
                    if (file != null)
                    {
                        merged = Read(file).Concat(_sightings).Distinct().Where(s => s.At > horizon).OrderBy(s => s.At).ToList();
                    }

                    change?.Invoke(merged);
                    merged = merged.Where(s => s.At > horizon).OrderBy(s => s.At).ToList();
                    if (merged.Count > MostSightings)
                    {
                        merged = merged.Skip(merged.Count - MostSightings).ToList();
                    }

                    if (file != null && change != null)
                    {
                        byte[] text = Encoding.ASCII.GetBytes(string.Concat(merged.Select(s => s.ToLine() + "\n")));
                        file.SetLength(0);
                        file.Write(text, 0, text.Length);
                    }
                }
                catch (IOException)
                {
                    _fileFailed = true;
                }
                finally
                {
                    file?.Dispose();
                }

                _sightings = merged;
                return merged;
            }
        }

        // The sightings file, locked, or null when there is none to use (no private folder, a link, a lock held too long).
        private FileStream? OpenFile()
        {
            if (_path == null || _fileFailed)
            {
                return null;
            }

            try
            {
                if (PrivateFolder.Prepare(Path.GetDirectoryName(_path)!) != null || PrivateFolder.IsNotAPlainFile(_path))
                {
                    _fileFailed = true;
                    return null;
                }

                var patience = System.Diagnostics.Stopwatch.StartNew();
                while (true)
                {
                    try
                    {
                        var file = new FileStream(_path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                        if (PrivateFolder.IsNotAPlainFile(_path))
                        {
                            file.Dispose();
                            _fileFailed = true;
                            return null;
                        }

                        return file;
                    }
                    catch (IOException) when (patience.Elapsed < LockPatience && File.Exists(_path))
                    {
                        Thread.Sleep(10);
                    }
                }
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is NotSupportedException)
            {
                _fileFailed = true;
                return null;
            }
        }

        private static IEnumerable<Sighting> Read(FileStream file)
        {
            var bytes = new byte[Math.Min(file.Length, 64 * 1024)];
            int length = file.Read(bytes, 0, bytes.Length);
            foreach (string line in Encoding.ASCII.GetString(bytes, 0, length).Split('\n'))
            {
                if (Sighting.TryParse(line, out Sighting? sighting))
                {
                    yield return sighting!;
                }
            }
        }

        /// <summary>One request of this user's to the device: when, served or 429, its Retry-After, a call's first or a retry.</summary>
        private sealed class Sighting : IEquatable<Sighting>
        {
            public Sighting(DateTimeOffset at, bool served, TimeSpan? retryAfter, bool firstRequest)
            {
                At = at;
                Served = served;
                RetryAfter = retryAfter;
                FirstRequest = firstRequest;
            }

            public DateTimeOffset At { get; }

            public bool Served { get; }

            public TimeSpan? RetryAfter { get; }

            public bool FirstRequest { get; }

            // "2026-01-15T12:00:00.0000000Z 429 first 10": time, status, first or retry, Retry-After seconds or "-".
            public string ToLine() => string.Join(" ",
                At.UtcDateTime.ToString("o", CultureInfo.InvariantCulture),
                Served ? "200" : "429",
                FirstRequest ? "first" : "retry",
                RetryAfter.HasValue ? RetryAfter.Value.TotalSeconds.ToString("0", CultureInfo.InvariantCulture) : "-");

            public static bool TryParse(string line, out Sighting? sighting)
            {
                sighting = null;
                string[] parts = line.Trim().Split(' ');
                if (parts.Length != 4
                    || !DateTimeOffset.TryParseExact(parts[0], "o", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset at)
                    || (parts[1] != "200" && parts[1] != "429")
                    || (parts[2] != "first" && parts[2] != "retry"))
                {
                    return false;
                }

                TimeSpan? retryAfter = null;
                if (parts[3] != "-")
                {
                    if (!int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out int seconds) || seconds > 86400)
                    {
                        return false;
                    }

                    retryAfter = TimeSpan.FromSeconds(seconds);
                }

                sighting = new Sighting(at, parts[1] == "200", retryAfter, parts[2] == "first");
                return true;
            }

            public bool Equals(Sighting? other) => other != null && At == other.At && Served == other.Served && FirstRequest == other.FirstRequest;

            public override bool Equals(object? obj) => Equals(obj as Sighting);

            public override int GetHashCode() => At.GetHashCode();
        }
    }

    /// <summary>What this user's processes have seen of another client on a device, at one moment.</summary>
    internal sealed class NeighbourEstimate
    {
        public static readonly NeighbourEstimate None = new NeighbourEstimate(false, null, false, 0, 0, 0, 0, null, null);

        public NeighbourEstimate(bool seen, TimeSpan? interval, bool saturated, int rejected, int requests, int firstRejected, int firstRequests, DateTimeOffset? lastRejected,
            TimeSpan? longestRetryAfter)
        {
            LongestRetryAfter = longestRetryAfter;
            Seen = seen;
            Interval = interval;
            Saturated = saturated;
            Rejected = rejected;
            Requests = requests;
            FirstRejected = firstRejected;
            FirstRequests = firstRequests;
            LastRejected = lastRejected;
        }

        /// <summary>A 429 within <see cref="Neighbour.Memory"/>: another client uses the device.</summary>
        public bool Seen { get; }

        /// <summary>About how often the other client polls, from the share of first requests it made fail.</summary>
        public TimeSpan? Interval { get; }

        /// <summary>The other client leaves no room: this user's last requests were all 429.</summary>
        public bool Saturated { get; }

        public int Rejected { get; }

        public int Requests { get; }

        public int FirstRejected { get; }

        public int FirstRequests { get; }

        public DateTimeOffset? LastRejected { get; }

        /// <summary>The longest Retry-After the 429s asked for, when they said.</summary>
        public TimeSpan? LongestRetryAfter { get; }

        /// <summary>"about every 10 s", rounded as far as the evidence allows; null when it does not tell.</summary>
        public string? IntervalText => Interval is TimeSpan interval
            ? "about every " + (interval.TotalSeconds < 15 ? interval.TotalSeconds.ToString("0", CultureInfo.InvariantCulture) : (Math.Round(interval.TotalSeconds / 5) * 5).ToString("0", CultureInfo.InvariantCulture)) + " s"
            : null;

        /// <summary>How much of the device's capacity (one request every 10 s) the other client takes, in percent.</summary>
        public double? Load => Interval is TimeSpan interval ? Math.Round(100 * DeviceTurn.DeviceLimit.TotalSeconds / interval.TotalSeconds) : (double?)null;

        /// <summary>What was seen, for messages: "12 of this user's 14 requests in the last 15 min were answered 429".</summary>
        public string Evidence => $"{Rejected} of this user's {Requests} request(s) to it in the last {Neighbour.Memory.TotalMinutes:0} min were answered 429 Too Many Requests"
            + (LongestRetryAfter > DeviceTurn.Spacing ? $", asking to wait {LongestRetryAfter.Value.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s (Retry-After)" : "");
    }
}
