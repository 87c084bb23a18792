namespace Gasleser.Simulator
{
    /// <summary>How a simulated device misbehaves. Can be changed while it runs.</summary>
    public enum DeviceFault
    {
        /// <summary>Answers like a real device, with the 10 s limit (429 when asked sooner).</summary>
        None,
        /// <summary>Firmware older than 1.0.21: 404 on /v1/data.</summary>
        OldFirmware,
        /// <summary>Answers after <see cref="SimulatedDevice.SlowDelay"/>.</summary>
        Slow,
        /// <summary>Accepts the connection and never answers.</summary>
        Hang,
        /// <summary>200 with a JSON body cut off in the middle.</summary>
        MalformedJson,
        /// <summary>200 with an HTML page (another device at that address).</summary>
        Html,
        /// <summary>200 with a body of several MiB.</summary>
        Oversized,
        /// <summary>302 to a login page.</summary>
        Redirect,
        /// <summary>Closes the connection without a byte of answer.</summary>
        DropConnection,
        /// <summary>Always 429: another client keeps the device busy.</summary>
        Busy,
    }
}
