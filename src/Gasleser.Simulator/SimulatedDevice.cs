using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace Gasleser.Simulator
{
    /// <summary>One request as the device saw it.</summary>
    public sealed record DeviceRequest(DateTimeOffset Arrival, string Method, string Path, int Status);

    /// <summary>
    /// The behaviour of one Gasleser: its meter (a burner that runs 10 minutes of every 30 at 1.5 m³/h),
    /// its smoothed flow, its 10 s limit, its faults, and a log of every request that reached it.
    /// Time comes from <see cref="Now"/>, so a test can run it on a clock it controls.
    /// </summary>
    public sealed class SimulatedDevice
    {
        public static readonly TimeSpan RateLimit = TimeSpan.FromSeconds(10);
        private const double BurnerFlow = 1.5;            // m³/h while the burner runs
        private static readonly TimeSpan BurnerPeriod = TimeSpan.FromMinutes(30);
        private static readonly TimeSpan BurnerOn = TimeSpan.FromMinutes(10);

        private readonly object _lock = new object();
        private readonly List<DeviceRequest> _requests = new List<DeviceRequest>();
        private readonly DateTimeOffset _epoch;
        private double _offset;
        private DateTimeOffset? _lastServed;

        public SimulatedDevice(string deviceId = "GAS_2329790123", double initialTotal = 12345.8, Func<DateTimeOffset>? now = null)
        {
            DeviceId = deviceId;
            Now = now ?? (() => DateTimeOffset.UtcNow);
            _epoch = Now();
            _offset = initialTotal;
        }

        public string DeviceId { get; set; }

        /// <summary>
        /// The id a simulated device at <paramref name="endPoint"/> gives itself: the same on every run, and a different
        /// one for every loopback address and port, so that two simulators (127.0.0.1:8080 and 127.0.0.11:8080, say)
        /// never serve one id. Digits: the address's last three bytes (3 digits each) and the port (5);
        /// <c>::1</c> takes 256256256, which no IPv4 byte gives.
        /// </summary>
        public static string IdFor(IPEndPoint endPoint)
        {
            IPAddress address = endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address;
            byte[] bytes = address.AddressFamily == AddressFamily.InterNetwork ? address.GetAddressBytes() : new byte[] { 0, 0, 0, 0 };
            string host = address.AddressFamily == AddressFamily.InterNetwork
                ? bytes[1].ToString("000", CultureInfo.InvariantCulture) + bytes[2].ToString("000", CultureInfo.InvariantCulture) + bytes[3].ToString("000", CultureInfo.InvariantCulture)
                : "256256256";
            return "GAS_" + host + endPoint.Port.ToString("00000", CultureInfo.InvariantCulture);
        }

        public Func<DateTimeOffset> Now { get; }

        public DeviceFault Fault { get; set; }

        /// <summary>How long a <see cref="DeviceFault.Slow"/> device takes to answer (real time, unless <see cref="Delay"/> says otherwise).</summary>
        public TimeSpan SlowDelay { get; set; } = TimeSpan.FromSeconds(2);

        /// <summary>How a <see cref="DeviceFault.Slow"/> device waits out <see cref="SlowDelay"/>: real time by default; a test can put it on its own clock.</summary>
        public Func<TimeSpan, CancellationToken, Task> Delay { get; set; } = Task.Delay;

        /// <summary>When set, a 429 carries this as its Retry-After header (whole seconds); none by default.</summary>
        public TimeSpan? RetryAfter { get; set; }

        /// <summary>The Retry-After a <see cref="DeviceFault.Unavailable"/> device sends, in seconds; null sends none.</summary>
        public int? RetryAfterSeconds { get; set; } = 30;

        /// <summary>When set, the device's own clock is stuck: every reading carries this timestamp.</summary>
        public DateTimeOffset? StuckTimestamp { get; set; }

        /// <summary>
        /// How far the device's own clock is from <see cref="Now"/>: its timestamps are Now + this. A reboot
        /// that comes back before the device has synchronised its clock makes its timestamps jump.
        /// </summary>
        public TimeSpan ClockOffset { get; set; }

        /// <summary>Send the fields real devices add beyond the documented four: count, signal_strength, rssi.</summary>
        public bool ExtraFields { get; set; } = true;

        /// <summary>Every request that reached the device, in order of arrival.</summary>
        public IReadOnlyList<DeviceRequest> Requests { get { lock (_lock) { return _requests.ToList(); } } }

        /// <summary>How many 429s the device gave.</summary>
        public int RateLimitedCount { get { lock (_lock) { return _requests.Count(r => r.Status == 429); } } }

        /// <summary>The meter total now, in m³.</summary>
        public double TotalConsumption { get { lock (_lock) { return Total(Now()); } } }

        /// <summary>Sets the meter total, as after a counter reset or a reconfiguration.</summary>
        public void SetTotal(double total)
        {
            lock (_lock)
            {
                _offset += total - Total(Now());
            }
        }

        /// <summary>Another client (say, Home Assistant) polls the device now: the next 10 s are taken.</summary>
        public void OtherClientPolls()
        {
            lock (_lock)
            {
                _lastServed = Now();
            }
        }

        /// <summary>Decides the answer to one request and logs it. Returns status, content type and body.</summary>
        public (int Status, string ContentType, string Body, string? Location) Answer(string method, string path)
        {
            lock (_lock)
            {
                DateTimeOffset now = Now();
                (int status, string type, string body, string? location) = Decide(method, path, now);
                _requests.Add(new DeviceRequest(now, method, path, status));
                return (status, type, body, location);
            }
        }

        private (int, string, string, string?) Decide(string method, string path, DateTimeOffset now)
        {
            const string json = "application/json";
            if (method != "GET" || path != "/v1/data")
            {
                return (404, "text/plain", "Not Found", null);
            }

            switch (Fault)
            {
                case DeviceFault.OldFirmware:
                    return (404, "text/plain", "Not Found", null);
                case DeviceFault.Busy:
                    return (429, "text/plain", "Too Many Requests", null);
                case DeviceFault.Redirect:
                    return (302, "text/html", "", "/login");
                case DeviceFault.Html:
                    return (200, "text/html", "<!DOCTYPE html><html><head><title>Router login</title></head><body>Login</body></html>", null);
                case DeviceFault.MalformedJson:
                    return (200, json, "{\"device_id\": \"" + DeviceId + "\", \"timestamp\": \"17587", null);
                case DeviceFault.Unavailable:
                    return (503, "text/plain", "Service Unavailable", null);
                case DeviceFault.ServerError:
                    return (500, "text/plain", "Internal Server Error", null);
                case DeviceFault.Unauthorized:
                    return (401, "text/plain", "Unauthorized", null);
                case DeviceFault.ClockNotSet:
                    return (200, json, "{\"device_id\": \"" + DeviceId + "\", \"timestamp\": \"523\", \"total_consumption\": 12345.8, \"current_flow_rate\": 0.0}", null);
                case DeviceFault.HostileId:
                    return (200, json, "{\"device_id\": \"GAS_\\u001b[31mRED\\u001b[0m\\u001b]0;PWNED-TITLE\\u0007\\u001b[2J\\u202e\", \"timestamp\": \""
                        + (now + ClockOffset).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) + "\", \"total_consumption\": 12345.8}", null);
                case DeviceFault.Oversized:
                    return (200, json, "{\"device_id\": \"" + DeviceId + "\", \"padding\": \"" + new string('x', 4 * 1024 * 1024) + "\"}", null);
            }

            if (_lastServed.HasValue && now - _lastServed.Value < RateLimit)
            {
                return (429, "text/plain", "Too Many Requests", null);
            }

            _lastServed = now;
            return (200, json, ReadingJson(now), null);
        }

        private string ReadingJson(DateTimeOffset now)
        {
            var c = CultureInfo.InvariantCulture;
            double total = Math.Round(Total(now), 3);
            string text = "{\"device_id\": \"" + DeviceId + "\", "
                + "\"timestamp\": \"" + (StuckTimestamp ?? now + ClockOffset).ToUnixTimeSeconds().ToString(c) + "\", "
                + "\"total_consumption\": " + total.ToString("R", c) + ", "
                + "\"current_flow_rate\": " + Math.Round(SmoothedFlow(now), 3).ToString("R", c);
            if (ExtraFields)
            {
                text += ", \"count\": " + ((long)(total * 100)).ToString(c) + ", \"signal_strength\": \"84 %\", \"rssi\": \"-51\"";
            }

            return text + "}";
        }

        // Meter total: the offset plus what the burner has burnt since the device started.
        private double Total(DateTimeOffset now) => _offset + Burnt(now - _epoch);

        private static double Burnt(TimeSpan elapsed)
        {
            if (elapsed <= TimeSpan.Zero)
            {
                return 0;
            }

            long periods = elapsed.Ticks / BurnerPeriod.Ticks;
            TimeSpan intoPeriod = TimeSpan.FromTicks(elapsed.Ticks % BurnerPeriod.Ticks);
            double onHours = periods * BurnerOn.TotalHours + Math.Min(intoPeriod.TotalHours, BurnerOn.TotalHours);
            return onHours * BurnerFlow;
        }

        // The device's "gradual drop": full flow while the burner runs, decaying after it stops.
        private double SmoothedFlow(DateTimeOffset now)
        {
            TimeSpan elapsed = now - _epoch;
            if (elapsed < TimeSpan.Zero)
            {
                return 0;
            }

            TimeSpan intoPeriod = TimeSpan.FromTicks(elapsed.Ticks % BurnerPeriod.Ticks);
            return intoPeriod < BurnerOn ? BurnerFlow : BurnerFlow * Math.Exp(-(intoPeriod - BurnerOn).TotalSeconds / 120);
        }
    }
}
