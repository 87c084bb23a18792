using System;
using System.Collections;
using System.Linq;
using System.Management.Automation;

namespace Gasleser.Commands
{
    /// <summary>
    /// Watches what the pipeline gives -ComputerName. A piped object binds by property name (ComputerName,
    /// IPAddress, HostName, CN and Port); one that has none of those would otherwise be bound as its text,
    /// "@{IP=192.168.2.132; Name=kitchen}", and a hashtable as "System.Collections.Hashtable" — a name looked
    /// up in DNS. Such an object becomes an InvalidAddress error that says which properties are read and
    /// which the object has (or that its Port is not a number). Strings, IP addresses and URIs pass as text. An
    /// object with no address property but a DeviceId (GAS_…) passes as that id: the device is read by its id.
    /// An object with both (a logged reading, a found device) passes as both (<see cref="PipedAddress.Expecting"/>):
    /// the device is asked there and followed by its id. (A parameter set cannot do this: PowerShell binds such an
    /// object in the default set, by address, and an optional -DeviceId in that set would take `-DeviceId X` there too.)
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    internal sealed class AddressArgumentAttribute : ArgumentTransformationAttribute
    {
        public const string PropertiesRead = "ComputerName, IPAddress, HostName or CN";
        private static readonly string[] AddressProperties = { "ComputerName", "IPAddress", "HostName", "CN" };

        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            object? value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            if (value is string || value is null)
            {
                return inputData;
            }

            if (value is IList list && !(value is IDictionary))
            {
                return list.Cast<object?>().Select(item => Transform(engineIntrinsics, item)).ToArray();
            }

            if (value is PSCustomObject && DeviceIdOf(PSObject.AsPSObject(inputData)) is string deviceId)
            {
                return deviceId; // a device named only by its id ({DeviceId='GAS_…'}): read by its id
            }

            string? refusal = value switch
            {
                IDictionary table => $"A hashtable was piped (keys: {Keys(table)}); a hashtable's keys are not read as properties. "
                    + $"Pipe [pscustomobject]@{{ComputerName='…'; Port=…}} or give the address as a string.",
                PSCustomObject => RefusalFor(PSObject.AsPSObject(inputData)),
                _ => null,
            };

            if (refusal == null)
            {
                // A logged reading, a found device, a row of either: the device expected at that address.
                return Expected(PSObject.AsPSObject(inputData)) ?? inputData; // else an IPAddress, a Uri, a number: its text is the address
            }

            // Bound as text carrying the refusal, so the cmdlet reports it as its own error for that pipeline
            // object and goes on with the next (PipedAddress reads it back).
            return PipedAddress.Refused(refusal, DeviceText.Printable(LanguagePrimitives.ConvertTo<string>(inputData), 200));
        }

        // Why a custom object cannot bind by property name: no address property, one that is empty, or a Port that is
        // no port. Null when it can: the binder offers it here first (by value) and then binds it by property name.
        private static string? RefusalFor(PSObject piped)
        {
            string[] names = piped.Properties.Select(p => p.Name).ToArray();
            PSPropertyInfo? address = AddressProperties.Select(n => piped.Properties[n]).FirstOrDefault(p => p != null);
            if (address == null)
            {
                return $"The piped object has no {PropertiesRead} property to take the address from; its properties are: "
                    + (names.Length > 0 ? string.Join(", ", names) : "(none)") + ".";
            }

            // An empty Port is the default port (PortArgumentAttribute), as in a CSV row with the cell left blank.
            PSPropertyInfo? port = piped.Properties["Port"];
            if (port != null && !string.IsNullOrWhiteSpace(port.Value?.ToString()) && !IsPort(port.Value))
            {
                return $"The piped object's Port {DeviceText.Quote(port.Value?.ToString(), 20)} is not a port number from 1 to 65535.";
            }

            return string.IsNullOrWhiteSpace(address.Value?.ToString()) ? $"The piped object's {address.Name} is empty (properties: {DeviceText.Printable(string.Join(", ", names), 200)})." : null;
        }

        // An object with an address property that is not empty and a DeviceId that is one, bound as both.
        private static string? Expected(PSObject piped)
        {
            string? address = AddressProperties.Select(n => piped.Properties[n]?.Value?.ToString()).FirstOrDefault(a => a != null);
            string? id = piped.Properties["DeviceId"]?.Value?.ToString()?.Trim();
            return !string.IsNullOrWhiteSpace(address) && id != null && DeviceIdCompleter.IsDeviceId(id)
                ? PipedAddress.Expecting(id, address!)
                : null;
        }

        // The device id of an object that has no address property but a DeviceId that is one.
        private static string? DeviceIdOf(PSObject piped) =>
            AddressProperties.All(n => piped.Properties[n] == null)
            && piped.Properties["DeviceId"]?.Value?.ToString() is string id && DeviceIdCompleter.LooksLikeDeviceId(id.Trim())
                ? id.Trim()
                : null;

        private static bool IsPort(object? value)
        {
            try
            {
                int port = LanguagePrimitives.ConvertTo<int>(value);
                return port >= 1 && port <= 65535;
            }
            catch (PSInvalidCastException)
            {
                return false;
            }
        }

        private static string Keys(IDictionary table)
        {
            string keys = string.Join(", ", table.Keys.Cast<object>().Select(k => k?.ToString()).Take(10));
            return keys.Length > 0 ? keys : "none";
        }
    }
}
