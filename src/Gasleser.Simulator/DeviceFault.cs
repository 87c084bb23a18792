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
        /// <summary>503 Service Unavailable with Retry-After (<see cref="SimulatedDevice.RetryAfterSeconds"/>): a device starting up.</summary>
        Unavailable,
        /// <summary>500 Internal Server Error.</summary>
        ServerError,
        /// <summary>401 Unauthorized: something asks for a login in front of the device.</summary>
        Unauthorized,
        /// <summary>A reading whose timestamp is seconds since boot ("523"): the clock is not set yet.</summary>
        ClockNotSet,
        /// <summary>A device id holding terminal escape sequences (colour, window title, clear screen).</summary>
        HostileId,
        /// <summary>A reading preceded by a UTF-8 byte order mark.</summary>
        ByteOrderMark,
        /// <summary>A reading whose header lines end in a bare LF instead of CRLF.</summary>
        BareLineFeeds,
        /// <summary>A "100 Continue" interim answer before the reading.</summary>
        Continue,
    }
}
