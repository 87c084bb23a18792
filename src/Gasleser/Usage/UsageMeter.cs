using System;
using System.Collections.Generic;
using System.Globalization;
using Gasleser.Hosting;

namespace Gasleser.Usage
{
    /// <summary>
    /// Turns meter readings into usage per device and period. Streams: for each device it keeps only the
    /// readings of the period still open (and the one reading before it, to interpolate at the bound), and
    /// writes a period's row as soon as that device's input has moved past the period, so memory does not
    /// grow with the length of a time-sorted log.
    ///
    /// Unsorted input: a reading older than the device's newest one is put in its place among the readings
    /// kept, and from then on that device's rows are held and written at the end (its readings are kept, 16
    /// bytes each) — so reversed or shuffled input comes out exactly as sorted input does, as long as the
    /// disorder shows before that device's first row was written. A row once written is never changed: a
    /// reading that belongs to a period already written is not used, and one warning per device at the end
    /// says how many and what to do (sort first). Duplicates (same device, same instant) are used once.
    ///
    /// How a period's m³ is counted: between two consecutive readings the meter total rises linearly with
    /// the device timestamps; each period gets the part of that rise that falls in it (Estimated when a
    /// bound fell strictly between two readings). Usage up to a reading exactly on a bound belongs to the
    /// period before it. A total that goes down (meter reset) starts a new segment: the drop is not usage,
    /// what was used between the two readings around it is unknown and not counted, and the period of the
    /// reading after the drop counts it in Resets. The first and last rows of a device cover only the time
    /// from its first reading and to its last; periods between two readings with none inside get a row with
    /// Readings 0 and Estimated true.
    ///
    /// The bill (<see cref="Tariff"/>): each part of a period's m³ is split again where the tariff changes, and
    /// each piece turned into kWh and money with the values in force then; the standing charge is per local day
    /// over the row's span (its period, or from the first reading and to the last). A row's span also bounds
    /// its LongestGap: the longest stretch in it with no reading. Nothing is rounded.
    /// </summary>
    internal sealed class UsageMeter
    {
        private readonly PeriodCalendar _calendar;
        private readonly Tariff _tariff;
        private readonly ICommandOutput _output;
        private readonly HashSet<TariffField> _warnedMissing = new HashSet<TariffField>();
        private int _interval;
        private long _dayStart = long.MaxValue, _dayEnd = long.MinValue;
        private readonly Dictionary<string, DeviceState> _devices = new Dictionary<string, DeviceState>(StringComparer.Ordinal);
        private readonly List<DeviceState> _order = new List<DeviceState>();

        /// <summary>Rows and warnings go to <paramref name="output"/>.</summary>
        public UsageMeter(PeriodCalendar calendar, Tariff tariff, ICommandOutput output)
        {
            _calendar = calendar;
            _tariff = tariff;
            _output = output;
        }

        /// <summary>Readings held in memory right now, over all devices (for tests and the benchmark).</summary>
        public int RetainedReadings
        {
            get
            {
                int count = 0;
                foreach (DeviceState device in _order)
                {
                    count += device.Points.Count;
                }

                return count;
            }
        }

        public void Add(UsageReading reading)
        {
            if (!_devices.TryGetValue(reading.DeviceId, out DeviceState? device))
            {
                device = new DeviceState(reading.DeviceId);
                _devices.Add(reading.DeviceId, device);
                _order.Add(device);
            }

            var point = new Point(reading.UtcTicks, reading.Total);
            List<Point> points = device.Points;
            if (reading.UtcTicks < device.WrittenUntil)
            {
                device.NoteLate(reading.UtcTicks);
                return;
            }

            if (points.Count == 0 || reading.UtcTicks > points[points.Count - 1].Ticks)
            {
                points.Add(point);
                if (!device.Unsorted)
                {
                    WriteCompletedPeriods(device, reading.UtcTicks);
                }

                return;
            }

            int index = BinarySearch(points, reading.UtcTicks);
            if (index >= 0)
            {
                if (points[index].Total != reading.Total)
                {
                    device.Conflicts++;
                }

                return;
            }

            points.Insert(~index, point);
            device.Unsorted = true;
        }

        /// <summary>End of input: writes every period not yet written, and the warnings.</summary>
        public void Complete()
        {
            foreach (DeviceState device in _order)
            {
                if (device.Points.Count > 0)
                {
                    foreach (GasleserUsage row in Measure(device.Id, device.Points, device.WrittenUntil, long.MaxValue))
                    {
                        _output.WriteObject(row);
                    }

                    device.Points.Clear();
                }

                if (device.Conflicts > 0)
                {
                    _output.WriteWarning($"{device.Id}: {device.Conflicts} reading(s) had the same timestamp as an earlier reading but a different total; the first one given was used.");
                }

                if (device.Late > 0)
                {
                    _output.WriteWarning($"{device.Id}: {device.Late} reading(s) from {Show(device.LateFirst)} to {Show(device.LateLast)} came after the rows of their periods had been written " +
                          "(the input is not in time order) and were not used. If they repeat readings given before (the same log read twice), nothing is missing. " +
                          "Otherwise give the input in time order, e.g. older CSV files first.");
                }
            }
        }

        // A reading past the open period: the periods before the new reading's period are complete.
        private void WriteCompletedPeriods(DeviceState device, long newest)
        {
            if (newest < device.OpenEnd)
            {
                return;
            }

            (long start, long end) = _calendar.PeriodOf(newest);
            device.OpenEnd = end;
            List<Point> points = device.Points;
            if (points.Count >= 2)
            {
                foreach (GasleserUsage row in Measure(device.Id, points, device.WrittenUntil, start))
                {
                    _output.WriteObject(row);
                }

                device.WrittenUntil = start;

                // Keep the last reading before the open period: the open period's first bound is interpolated from it.
                int anchor = points.Count - 2;
                points.RemoveRange(0, anchor);
            }
        }

        /// <summary>Rows for the periods that start in [from, until), from readings sorted by time.</summary>
        internal List<GasleserUsage> Measure(string deviceId, List<Point> points, long from, long until)
        {
            var rows = new List<RowTotals>();
            RowTotals? open = null;
            long firstReading = points[0].Ticks, lastReading = points[points.Count - 1].Ticks;

            RowTotals? RowFor(long start, long end)
            {
                if (open != null && open.PeriodStart == start)
                {
                    return open;
                }

                if (start < from || start >= until)
                {
                    return null;
                }

                var usage = new GasleserUsage
                {
                    DeviceId = deviceId,
                    Start = _calendar.ToLocal(start),
                    End = _calendar.ToLocal(end),
                };
                open = new RowTotals(usage, start, Math.Max(start, firstReading), Math.Min(end, lastReading));
                rows.Add(open);
                return open;
            }

            long cachedStart = long.MaxValue, cachedEnd = long.MinValue;
            for (int i = 0; i < points.Count; i++)
            {
                Point b = points[i];
                if (i > 0)
                {
                    Point a = points[i - 1];
                    bool reset = b.Total < a.Total;
                    double rise = reset ? 0 : b.Total - a.Total;
                    double span = b.Ticks - a.Ticks;
                    long periodStart, periodEnd;
                    if (a.Ticks >= cachedStart && a.Ticks < cachedEnd)
                    {
                        periodStart = cachedStart;
                        periodEnd = cachedEnd;
                    }
                    else
                    {
                        (periodStart, periodEnd) = _calendar.PeriodOf(a.Ticks);
                    }

                    while (periodStart < b.Ticks && periodStart < until)
                    {
                        RowTotals? row = RowFor(periodStart, periodEnd);
                        if (row != null)
                        {
                            long partStart = Math.Max(a.Ticks, periodStart), partEnd = Math.Min(b.Ticks, periodEnd);
                            row.Usage.Consumption += rise * ((partEnd - partStart) / span);
                            if (_tariff.HasEnergy)
                            {
                                AddEnergy(row, partStart, partEnd, rise, span);
                            }

                            if (!reset && (a.Ticks < periodStart || periodEnd < b.Ticks))
                            {
                                row.Usage.Estimated = true;
                            }
                        }

                        if (periodEnd >= b.Ticks)
                        {
                            break;
                        }

                        (periodStart, periodEnd) = _calendar.PeriodOf(periodEnd);
                    }
                }

                if (b.Ticks < cachedStart || b.Ticks >= cachedEnd)
                {
                    (cachedStart, cachedEnd) = _calendar.PeriodOf(b.Ticks);
                }

                RowTotals? own = RowFor(cachedStart, cachedEnd);
                if (own != null)
                {
                    own.Usage.Readings++;
                    own.LongestGap = Math.Max(own.LongestGap, b.Ticks - own.LastSeen);
                    own.LastSeen = b.Ticks;
                    if (i > 0 && b.Total < points[i - 1].Total)
                    {
                        own.Usage.Resets++;
                    }
                }
            }

            var usages = new List<GasleserUsage>(rows.Count);
            foreach (RowTotals row in rows)
            {
                usages.Add(Complete(row));
            }

            return usages;
        }

        // The m³ of [start, end) of a reading-to-reading segment (rising linearly by rise over span ticks), split
        // where the tariff changes, each piece in kWh and money with the values in force. Consecutive readings
        // mostly fall in one tariff interval: the interval last used is tried first.
        private void AddEnergy(RowTotals row, long start, long end, double rise, double span)
        {
            int k = _interval;
            if (start < _tariff.StartOf(k) || start >= _tariff.EndOf(k))
            {
                k = _tariff.IntervalAt(start);
            }

            while (true)
            {
                long pieceEnd = Math.Min(end, _tariff.EndOf(k));
                double energy = rise * ((pieceEnd - start) / span) * _tariff.EnergyPerCubicMetre(k);
                row.Energy += energy;
                row.EnergyCost += energy * _tariff.PricePerKWh(k);
                if (pieceEnd >= end)
                {
                    break;
                }

                start = pieceEnd;
                k++;
            }

            _interval = k;
        }

        // The standing charge of [start, end): the charge per day in force, for the share of each local day
        // (23, 24 or 25 hours) that lies in it.
        private double StandingCharge(long start, long end)
        {
            double sum = 0;
            for (long t = start; t < end;)
            {
                if (t < _dayStart || t >= _dayEnd)
                {
                    (_dayStart, _dayEnd) = _calendar.DayOf(t);
                }

                int k = _tariff.IntervalAt(t);
                long next = Math.Min(end, Math.Min(_dayEnd, _tariff.EndOf(k)));
                sum += _tariff.StandingChargePerDay(k) * ((next - t) / (double)(_dayEnd - _dayStart));
                t = next;
            }

            return sum;
        }

        // A row's bill lines and LongestGap from its sums. NaN means some of its span lay before a tariff field's
        // first value: that line (and Cost) stays empty, and a warning says so once per field.
        private GasleserUsage Complete(RowTotals row)
        {
            GasleserUsage usage = row.Usage;
            usage.LongestGap = TimeSpan.FromTicks(Math.Max(row.LongestGap, row.SpanEnd - row.LastSeen));
            bool missing = false;
            double cost = 0;
            if (_tariff.HasEnergy)
            {
                usage.Energy = Known(row.Energy, ref missing);
            }

            if (_tariff.HasPrice)
            {
                usage.EnergyCost = Known(row.EnergyCost, ref missing);
                cost += row.EnergyCost;
            }

            if (_tariff.HasStandingCharge)
            {
                double standing = StandingCharge(row.SpanStart, row.SpanEnd);
                usage.StandingCharge = Known(standing, ref missing);
                cost += standing;
            }

            if (_tariff.HasCost)
            {
                usage.Cost = Known(cost, ref missing);
            }

            if (missing)
            {
                WarnMissing(usage.DeviceId, row.SpanStart);
            }

            return usage;
        }

        private static double? Known(double value, ref bool missing)
        {
            if (double.IsNaN(value))
            {
                missing = true;
                return null;
            }

            return value;
        }

        private void WarnMissing(string deviceId, long from)
        {
            // Fields grouped by their first ValidFrom: "no CalorificValue or PricePerKWh before 2025-10-01 ...".
            var byDate = new SortedDictionary<long, List<string>>();
            foreach (TariffField field in new[] { TariffField.CalorificValue, TariffField.ConversionFactor, TariffField.PricePerKWh, TariffField.StandingChargePerDay })
            {
                long first = _tariff.FirstSet(field);
                if (first != long.MinValue && from < first && _warnedMissing.Add(field))
                {
                    if (!byDate.TryGetValue(first, out List<string>? names))
                    {
                        byDate[first] = names = new List<string>();
                    }

                    names.Add(field.ToString());
                }
            }

            if (byDate.Count > 0)
            {
                var missing = new List<string>();
                foreach (KeyValuePair<long, List<string>> date in byDate)
                {
                    string names = date.Value.Count == 1 ? date.Value[0]
                        : string.Join(", ", date.Value.GetRange(0, date.Value.Count - 1)) + " or " + date.Value[date.Value.Count - 1];
                    missing.Add($"no {names} before {Show(date.Key)}");
                }

                _output.WriteWarning($"-Tariff has {string.Join(" and ", missing)}, but {deviceId}'s usage is measured from {Show(from)}: " +
                    "on the rows before then, the lines made from them (Energy, EnergyCost, StandingCharge, Cost) stay empty. Give the tariff a row with an earlier ValidFrom.");
            }
        }

        private string Show(long ticks) => _calendar.ToLocal(ticks).ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);

        private static int BinarySearch(List<Point> points, long ticks)
        {
            int low = 0, high = points.Count - 1;
            while (low <= high)
            {
                int middle = low + ((high - low) >> 1);
                long found = points[middle].Ticks;
                if (found == ticks)
                {
                    return middle;
                }

                if (found < ticks)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle - 1;
                }
            }

            return ~low;
        }

        internal readonly struct Point
        {
            public Point(long ticks, double total)
            {
                Ticks = ticks;
                Total = total;
            }

            public long Ticks { get; }
            public double Total { get; }
        }

        /// <summary>A row being measured: its sums, its span (the period, or from the first reading and to the last) and its gaps.</summary>
        private sealed class RowTotals
        {
            public RowTotals(GasleserUsage usage, long periodStart, long spanStart, long spanEnd)
            {
                Usage = usage;
                PeriodStart = periodStart;
                SpanStart = spanStart;
                SpanEnd = spanEnd;
                LastSeen = spanStart;
            }

            public GasleserUsage Usage { get; }
            public long PeriodStart { get; }
            public long SpanStart { get; }
            public long SpanEnd { get; }

            /// <summary>kWh and energy cost so far (NaN once a piece fell where the tariff had no value).</summary>
            public double Energy { get; set; }
            public double EnergyCost { get; set; }

            /// <summary>The row's last reading so far (its span's start before the first), and the longest stretch between readings so far (ticks).</summary>
            public long LastSeen { get; set; }
            public long LongestGap { get; set; }
        }

        private sealed class DeviceState
        {
            public DeviceState(string id) => Id = id;

            public string Id { get; }

            /// <summary>Readings not yet fully written, sorted by time, distinct instants.</summary>
            public List<Point> Points { get; } = new List<Point>();

            /// <summary>End of the last period written (UTC ticks); readings before it can no longer be used.</summary>
            public long WrittenUntil { get; set; } = long.MinValue;

            /// <summary>End of the period of the newest reading, while the input is in order.</summary>
            public long OpenEnd { get; set; } = long.MinValue;

            /// <summary>Set at the first reading older than the newest: from then on rows wait for the end.</summary>
            public bool Unsorted { get; set; }

            public int Conflicts { get; set; }

            public int Late { get; private set; }
            public long LateFirst { get; private set; } = long.MaxValue;
            public long LateLast { get; private set; } = long.MinValue;

            public void NoteLate(long ticks)
            {
                Late++;
                LateFirst = Math.Min(LateFirst, ticks);
                LateLast = Math.Max(LateLast, ticks);
            }
        }
    }
}
