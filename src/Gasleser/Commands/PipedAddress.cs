namespace Gasleser.Commands
{
    /// <summary>Turns what was bound to -ComputerName into an endpoint, reporting a refused pipeline object as such.</summary>
    internal static class PipedAddress
    {
        /// <summary>Throws <see cref="GasleserInvalidAddressException"/> for a refused pipeline object or an address that does not parse.</summary>
        public static DeviceEndpoint Parse(string address, int port) =>
            AddressArgumentAttribute.RefusalOf(address) is GasleserInvalidAddressException refusal
                ? throw refusal
                : DeviceEndpoint.Parse(address, port);
    }
}
