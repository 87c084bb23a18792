using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Gasleser.Sessions;

namespace Gasleser.Commands
{
    /// <summary>Get-GasleserSession: what this process knows about each device it has asked.</summary>
    [Cmdlet(VerbsCommon.Get, "GasleserSession")]
    [OutputType(typeof(GasleserSession))]
    public sealed class GetGasleserSessionCommand : GasleserCmdlet
    {
        /// <summary>Addresses to show (wildcards allowed); all sessions when omitted.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("IPAddress", "HostName", "CN")]
        [AddressArgument]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(ComputerNameCompleter))]
        public string[]? ComputerName { get; set; }

        protected override void ProcessRecord()
        {
            List<DeviceSession> asked = SessionRegistry.All
                .Where(s => s.Requests > 0 && s.Known)
                .OrderBy(s => s.Endpoint.ComputerName, StringComparer.OrdinalIgnoreCase)
                .ToList();

            if (ComputerName == null)
            {
                WriteSessions(asked);
                return;
            }

            var written = new HashSet<DeviceSession>();
            foreach (string name in ComputerName)
            {
                List<DeviceSession> matches;
                try
                {
                    matches = Matching(asked, name);
                }
                catch (GasleserException ex)
                {
                    Output.WriteError(ex);
                    continue;
                }

                WriteSessions(matches.Where(written.Add));
            }
        }

        private void WriteSessions(IEnumerable<DeviceSession> sessions)
        {
            foreach (DeviceSession session in sessions)
            {
                WriteObject(GasleserSession.From(session));
            }
        }

        // A name that is an address is normalised like any address ("http://10.0.0.5/" finds "10.0.0.5",
        // "[fe80::1]" is an IPv6 address, not a wildcard); anything else is a wildcard pattern.
        private static List<DeviceSession> Matching(List<DeviceSession> sessions, string name)
        {
            if (PipedAddress.RefusalIn(name) is GasleserInvalidAddressException refusal)
            {
                throw refusal;
            }

            name = PipedAddress.AddressIn(name, out _); // a found device's or a reading's address, without its id
            List<DeviceSession> matches;
            if (DeviceEndpoint.TryParse(name, DeviceEndpoint.DefaultPort, out DeviceEndpoint? endpoint, out string? reason))
            {
                matches = sessions.Where(s => s.Endpoint.Equals(endpoint)).ToList();
            }
            else if (!WildcardPattern.ContainsWildcardCharacters(name))
            {
                // Not an address and no pattern: a zero-padded address, say, is refused as Get-GasleserReading refuses it.
                throw new GasleserInvalidAddressException(
                    $"{DeviceText.Quote(name)} is not a device address ({reason}). Accepted forms: {GasleserInvalidAddressException.AcceptedForms}.", name);
            }
            else
            {
                WildcardPattern pattern;
                try
                {
                    pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
                    matches = sessions.Where(s => pattern.IsMatch(s.Endpoint.ComputerName)).ToList();
                }
                catch (WildcardPatternException)
                {
                    throw new GasleserInvalidAddressException(
                        $"{DeviceText.Quote(name)} is neither a device address nor a valid wildcard pattern (a '[' needs its ']').", name,
                        "Give an address (192.168.2.132, gasleser.local:8080) or a pattern such as 192.168.2.*; write a literal '[' as '`['.");
                }

                return matches;
            }

            if (matches.Count == 0)
            {
                throw new GasleserSessionNotFoundException($"This process has not asked a device at {DeviceText.Quote(name)}.", name);
            }

            return matches;
        }
    }
}
