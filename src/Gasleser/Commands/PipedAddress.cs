using System;

namespace Gasleser.Commands
{
    /// <summary>
    /// Turns what was bound to -ComputerName into an endpoint, reporting a refused pipeline object as such.
    /// A refused object (see <see cref="AddressArgumentAttribute"/>) is bound as text no address can be: a NUL,
    /// the error id and a NUL, the refusal, a NUL and the object's printable text (which holds no NUL). So the
    /// refusal travels inside the bound value, and the cmdlet reports it as its own error for that pipeline object.
    /// </summary>
    internal static class PipedAddress
    {
        private const char Separator = '\0';
        private const string Mark = "\0Gasleser.InvalidAddress\0";

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

        /// <summary>Throws <see cref="GasleserInvalidAddressException"/> for a refused pipeline object or an address that does not parse.</summary>
        public static DeviceEndpoint Parse(string address, int port) =>
            RefusalIn(address) is GasleserInvalidAddressException refusal
                ? throw refusal
                : DeviceEndpoint.Parse(address, port);
    }
}
