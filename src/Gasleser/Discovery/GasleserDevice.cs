using System;

namespace Gasleser
{
    /// <summary>What Find-Gasleser knows of a device it found.</summary>
    public enum GasleserDeviceStatus
    {
        /// <summary>It answered /v1/data with a reading (now, or to this process less than 10 s ago).</summary>
        Online,
        /// <summary>It answered 429 Too Many Requests: a Gasleser that another client is polling.</summary>
        RateLimited,
        /// <summary>
        /// Another process on this machine is asking it right now (its slot file says so), so the probe sent
        /// nothing; NextAllowed says when it may next be asked.
        /// </summary>
        Busy,
        /// <summary>It answered /v1/data with an HTTP error (5xx, 401, 403): a device that is, say, rebooting; see StatusCode and Problem.</summary>
        DeviceError,
        /// <summary>
        /// It answered /v1/data like a Gasleser, but with a field the module cannot accept (a clock not set yet, a
        /// timestamp in milliseconds, a byte order mark before the JSON); Problem says which.
        /// </summary>
        InvalidResponse,
    }

    /// <summary>How Find-Gasleser came upon a device.</summary>
    public enum GasleserDiscoveryMethod
    {
        /// <summary>It announced _gasleser._tcp.local over multicast DNS.</summary>
        Mdns,
        /// <summary>A probe of /v1/data on an address of a swept subnet.</summary>
        Sweep,
    }

    /// <summary>
    /// A device Find-Gasleser found. ComputerName and Port bind by property name into
    /// Get-GasleserReading and Watch-GasleserReading, also after a round trip through a CSV file.
    /// </summary>
    public sealed class GasleserDevice
    {
        /// <summary>The device's IP address: the address to use.</summary>
        public string ComputerName { get; set; } = "";

        /// <summary>The device's HTTP port.</summary>
        public int Port { get; set; } = DeviceEndpoint.DefaultPort;

        /// <summary>
        /// The device's id (GAS_…). Also for an InvalidResponse device whose answer held a readable, safe id (the
        /// answer was refused for another field). Empty when the answer carried none: a 429, an HTTP error, or a
        /// device_id that is missing, unreadable or holds characters no id has.
        /// </summary>
        public string DeviceId { get; set; } = "";

        public GasleserDeviceStatus Status { get; set; }

        /// <summary>The reading the probe got (or the session had), when there was one.</summary>
        public GasleserReading? Reading { get; set; }

        /// <summary>How long the probe's exchange took; empty when the device was reported from the session without a request.</summary>
        public TimeSpan? ResponseTime { get; set; }

        public GasleserDiscoveryMethod DiscoveredBy { get; set; }

        /// <summary>The HTTP status of a device whose Status is DeviceError (503, 500, ...); empty otherwise.</summary>
        public int? StatusCode { get; set; }

        /// <summary>What is wrong with the device's answer, for a device whose Status is DeviceError or InvalidResponse; empty otherwise.</summary>
        public string? Problem { get; set; }

        /// <summary>The host name the device announced over mDNS (gas-4224559459.local), when found that way.</summary>
        public string? HostName { get; set; }

        /// <summary>
        /// For a Busy device: when it may next be asked (the other process's turn ends). For a DeviceError 503
        /// with Retry-After (a device starting up): when it said to come back.
        /// </summary>
        public DateTimeOffset? NextAllowed { get; set; }

        public override string ToString() => $"{DeviceId} at {ComputerName}:{Port} ({Status})";
    }
}
