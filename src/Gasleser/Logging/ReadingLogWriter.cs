using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Text;
using System.Threading;
using Gasleser.Hosting;

namespace Gasleser.Logging
{
    /// <summary>
    /// Appends readings to CSV logs so that none is lost: each row is written under an exclusive lock on the
    /// file held only for that row (FileShare.None: a sharing lock on Windows, flock(LOCK_EX) in .NET on
    /// Unix), and flushed to the operating system before <see cref="Append"/> returns — a killed process
    /// loses only what is not written yet (the row being written, and readings of the poll in progress still on
    /// their way to it), and any number of writers never interleave or overwrite.
    ///
    /// A file another program holds (Excel locks an open CSV) does not lose rows: they wait here, in order,
    /// up to <see cref="ProcessWide.LogMaxPendingRows"/>, and are written by a background retry or the next Append once
    /// the file can be written again. One instance per Export-GasleserLog invocation.
    ///
    /// What goes wrong is reported through the command's output: a row its file refuses outright is an error
    /// (from the background retry too: the output hands that to the pipeline thread), a file starting to hold
    /// rows back is one warning, and rows that could not be written at all are one error at the end.
    /// </summary>
    internal sealed class ReadingLogWriter : IDisposable
    {
        private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        private static readonly byte[] NewLine = Utf8.GetBytes(Environment.NewLine);

        private readonly LogFormat _format;
        private readonly ICommandOutput _output;
        private readonly object _gate = new object();
        private readonly Queue<PendingRow> _pending = new Queue<PendingRow>();
        private readonly Timer _retry;
        private readonly Random _jitter = new Random();
        private readonly List<GasleserLogFileException> _refused = new List<GasleserLogFileException>();
        private string? _heldReason;
        private int _lost;
        private DateTimeOffset _lostFirst, _lostLast;
        private string _lostPath = "";

        public ReadingLogWriter(LogFormat format, ICommandOutput output)
        {
            _format = format;
            _output = output;
            _retry = new Timer(_ => RetryPending(), null, Timeout.Infinite, Timeout.Infinite);
        }

        /// <summary>Rows waiting for a held file.</summary>
        public int PendingCount
        {
            get
            {
                lock (_gate)
                {
                    return _pending.Count;
                }
            }
        }

        /// <summary>
        /// Writes the row now (after any rows still waiting for their file), or keeps it when its file is held.
        /// The rows whose file refused them are errors; the first time rows start waiting, a warning says why.
        /// </summary>
        public void Append(string path, GasleserReading reading, CancellationToken cancel)
        {
            string? held;
            GasleserLogFileException[] refused;
            lock (_gate)
            {
                bool wasWaiting = _pending.Count > 0;
                Enqueue(new PendingRow(path, _format.Row(reading), reading.Timestamp));
                // Rows already waiting mean the file is held: try once, without the short wait for another writer.
                held = Drain(cancel, wasWaiting ? TimeSpan.Zero : ProcessWide.LogContentionWait);
                if (wasWaiting)
                {
                    held = null;
                }
                else if (held != null)
                {
                    _retry.Change(ProcessWide.LogRetryInterval, ProcessWide.LogRetryInterval);
                }

                refused = TakeRefused();
            }

            Report(refused);
            if (held != null)
            {
                _output.WriteWarning($"The log '{path}' cannot be written now: {held}. Readings are kept in order and written as soon as it can be written again (up to {ProcessWide.LogMaxPendingRows} readings).");
            }
        }

        /// <summary>
        /// At the end: tries the waiting rows until <paramref name="patience"/> has passed. Rows that could not be
        /// written (waiting still, or beyond what could be kept) are one error.
        /// </summary>
        public void Complete(TimeSpan patience, CancellationToken cancel)
        {
            DateTime giveUp = DateTime.UtcNow + patience;
            GasleserLogFileException[] refused;
            GasleserLogFileException? lost = null;
            lock (_gate)
            {
                while (_pending.Count > 0 && Drain(cancel, ProcessWide.LogContentionWait) != null && DateTime.UtcNow < giveUp)
                {
                    Monitor.Wait(_gate, ProcessWide.LogRetryInterval);
                    cancel.ThrowIfCancellationRequested();
                }

                foreach (PendingRow row in _pending)
                {
                    NoteLost(row);
                }

                _pending.Clear();
                if (_lost > 0)
                {
                    string times = _lost == 1 ? LogFormat.Time(_lostFirst) : $"from {LogFormat.Time(_lostFirst)} to {LogFormat.Time(_lostLast)}";
                    lost = new GasleserLogFileException(
                        $"{_lost} reading(s) {times} could not be written to '{_lostPath}': {_heldReason ?? "the file could not be written"}.",
                        _lostPath, ErrorCategory.WriteError,
                        "Close the program that holds the log (a spreadsheet keeps a CSV locked while it is open), or log to another file; the readings named were not written.");
                }

                refused = TakeRefused();
            }

            Report(refused);
            if (lost != null)
            {
                _output.WriteError(lost);
            }
        }

        public void Dispose() => _retry.Dispose();

        // On the timer's thread: the output hands what it reports to the pipeline thread.
        private void RetryPending()
        {
            GasleserLogFileException[] refused;
            lock (_gate)
            {
                if (Drain(CancellationToken.None, TimeSpan.Zero) == null)
                {
                    _retry.Change(Timeout.Infinite, Timeout.Infinite);
                }

                refused = TakeRefused();
            }

            Report(refused);
        }

        // Under the lock: the rows refused by their file in the drains of this call, each reported by the thread that found it.
        private GasleserLogFileException[] TakeRefused()
        {
            if (_refused.Count == 0)
            {
                return Array.Empty<GasleserLogFileException>();
            }

            GasleserLogFileException[] refused = _refused.ToArray();
            _refused.Clear();
            return refused;
        }

        // Outside the lock: on the pipeline thread an error is written at once and can stop the command.
        private void Report(GasleserLogFileException[] refused)
        {
            foreach (GasleserLogFileException failure in refused)
            {
                _output.WriteError(failure);
            }
        }

        private void Enqueue(PendingRow row)
        {
            if (_pending.Count >= ProcessWide.LogMaxPendingRows)
            {
                NoteLost(row);
                return;
            }

            _pending.Enqueue(row);
        }

        private void NoteLost(PendingRow row)
        {
            _lostFirst = _lost == 0 || row.Time < _lostFirst ? row.Time : _lostFirst;
            _lostLast = _lost == 0 || row.Time > _lostLast ? row.Time : _lostLast;
            _lostPath = _lost == 0 ? row.Path : _lostPath;
            _lost++;
        }

        // Writes waiting rows in order until one's file is held; returns why it is held, or null when all are written.
        private string? Drain(CancellationToken cancel, TimeSpan contentionWait)
        {
            while (_pending.Count > 0)
            {
                PendingRow row = _pending.Peek();
                string? held;
                try
                {
                    held = TryWrite(row, cancel, contentionWait);
                }
                catch (GasleserLogFileException failure)
                {
                    // This row cannot go to its file at all (not a log of readings, no such folder): it is reported, the rest goes on.
                    _pending.Dequeue();
                    _refused.Add(failure);
                    continue;
                }

                if (held != null)
                {
                    _heldReason = held;
                    return held;
                }

                _pending.Dequeue();
            }

            Monitor.PulseAll(_gate);
            return null;
        }

        // One row under the file's exclusive lock. Null when written; why not when the file is held.
        private string? TryWrite(PendingRow row, CancellationToken cancel, TimeSpan contentionWait)
        {
            DateTime until = DateTime.UtcNow + contentionWait;
            while (true)
            {
                FileStream file;
                try
                {
                    file = new FileStream(row.Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 4096);
                }
                catch (Exception ex) when (ex is DirectoryNotFoundException || ex is UnauthorizedAccessException || ex is PathTooLongException
                                           || ex is NotSupportedException || ex is ArgumentException)
                {
                    throw new GasleserLogFileException(
                        $"The log '{row.Path}' cannot be written: {ex.Message}", row.Path, ErrorCategory.WriteError,
                        "Give a path in a folder that exists and that you may write to.");
                }
                catch (IOException ex)
                {
                    // Held by another writer: ours hold it for one row, so it is free again in moments.
                    if (DateTime.UtcNow >= until)
                    {
                        return $"the file is held by another program ({ex.Message})";
                    }

                    cancel.WaitHandle.WaitOne(_jitter.Next(2, 15));
                    cancel.ThrowIfCancellationRequested();
                    continue;
                }

                using (file)
                {
                    try
                    {
                        Write(file, row);
                    }
                    catch (IOException ex)
                    {
                        return $"the file could not be written ({ex.Message})";
                    }
                }

                return null;
            }
        }

        private void Write(FileStream file, PendingRow row)
        {
            var bytes = new MemoryStream(512);
            if (file.Length == 0)
            {
                Add(bytes, _format.Header);
            }
            else
            {
                _format.CheckHeader(FirstLine(file), row.Path);
                file.Seek(-1, SeekOrigin.End);
                if (file.ReadByte() != '\n')
                {
                    // A last line left half-written (a crash mid-row): the new row starts on a line of its own.
                    bytes.Write(NewLine, 0, NewLine.Length);
                }
            }

            Add(bytes, row.Text);
            file.Seek(0, SeekOrigin.End);
            file.Write(bytes.GetBuffer(), 0, (int)bytes.Length);
            file.Flush();
        }

        private static void Add(MemoryStream bytes, string line)
        {
            byte[] text = Utf8.GetBytes(line);
            bytes.Write(text, 0, text.Length);
            bytes.Write(NewLine, 0, NewLine.Length);
        }

        // The header line: the first line, after a byte order mark and Export-Csv's "#TYPE" line if present.
        private static string FirstLine(FileStream file)
        {
            file.Seek(0, SeekOrigin.Begin);
            var buffer = new byte[8192];
            int length = 0, read;
            while (length < buffer.Length && (read = file.Read(buffer, length, buffer.Length - length)) > 0)
            {
                length += read;
            }

            using (var reader = new StreamReader(new MemoryStream(buffer, 0, length), Utf8, detectEncodingFromByteOrderMarks: true))
            {
                string? line = reader.ReadLine();
                if (line != null && line.StartsWith("#TYPE", StringComparison.OrdinalIgnoreCase))
                {
                    line = reader.ReadLine();
                }

                return line ?? "";
            }
        }

        private readonly struct PendingRow
        {
            public PendingRow(string path, string text, DateTimeOffset time)
            {
                Path = path;
                Text = text;
                Time = time;
            }

            public string Path { get; }
            public string Text { get; }
            public DateTimeOffset Time { get; }
        }
    }
}
