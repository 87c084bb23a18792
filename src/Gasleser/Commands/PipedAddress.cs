using System;

namespace Gasleser.Commands
{
    /// <summary>
    /// Turns what was bound to -ComputerName into an endpoint, reporting a refused pipeline object as such.
    /// A refused object (see <see cref="AddressArgumentAttribute"/>) is bound as text no address can be: a NUL,
    /// the error id and a NUL, the refusal, a NUL and the object's printable text (which holds no NUL). So the
    /// refusal travels inside the bound value, and the cmdlet reports it as its own error for that pipeline object.
    /// A piped object with both an address and a device id (a logged reading, a found device) is bound the same
    /// way, as a NUL, "Gasleser.DeviceId", a NUL, the id, a NUL and the address: the device expected there.
    /// </summary>
    internal static class PipedAddress
    {
        private const char Separator = '\0';
        private const string Mark = "\0Gasleser.InvalidAddress\0";
        private const string ExpectedMark = "\0Gasleser.DeviceId\0";

        private const string Advice =
            "Give objects with a " + AddressArgumentAttribute.PropertiesRead + " property (and, if needed, a numeric Port), e.g. "
            + "Import-Csv devices.csv | Select-Object @{n='ComputerName';e={$_.IP}}, Port | Get-GasleserReading.";

        /// <summary>The text to bind for a pipeline object refused for <paramref name="refusal"/>, shown as <paramref name="shown"/> (printable).</summary>
        public static string Refused(string refusal, string shown) => Mark + refusal + Separator + shown;

        /// <summary>The refusal <paramref name="bound"/> carries, or null for an address (good or bad) given as it is.</summary>
        public static GasleserInvalidAddressException? RefusalIn(string bound)
        {
            if (!bound.StartsWith(Mark, StringComparison.Ordinal))
            {
                return null;
            }

            int shown = bound.LastIndexOf(Separator); // the refusal may quote a NUL from the object; the shown text has none
            return new GasleserInvalidAddressException(bound.Substring(Mark.Length, shown - Mark.Length), bound.Substring(shown + 1), Advice);
        }

        /// <summary>The text to bind for a piped object that names the device <paramref name="deviceId"/> at <paramref name="address"/>.</summary>
        public static string Expecting(string deviceId, string address) => ExpectedMark + deviceId + Separator + address;

        /// <summary>The address in <paramref name="bound"/>, and the device id a piped object gave beside it (or null).</summary>
        public static string AddressIn(string bound, out string? deviceId)
        {
            deviceId = null;
            if (!bound.StartsWith(ExpectedMark, StringComparison.Ordinal))
            {
                return bound;
            }

            int end = bound.IndexOf(Separator, ExpectedMark.Length); // the id holds no NUL (it is a device id)
            deviceId = bound.Substring(ExpectedMark.Length, end - ExpectedMark.Length);
            return bound.Substring(end + 1);
        }

        /// <summary>
        /// The device named: its endpoint, and the id expected there when a piped object gave one. Throws
        /// <see cref="GasleserInvalidAddressException"/> for a refused pipeline object or an address that does not parse.
        /// </summary>
        public static (DeviceEndpoint Endpoint, string? DeviceId) Parse(string bound, int port)
        {
            if (RefusalIn(bound) is GasleserInvalidAddressException refusal)
            {
                throw refusal;
            }

            string address = AddressIn(bound, out string? deviceId);
            return (DeviceEndpoint.Parse(address, port), deviceId);
        }
    }
}
