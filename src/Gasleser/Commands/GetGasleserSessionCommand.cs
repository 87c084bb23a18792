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
    public sealed class GetGasleserSessionCommand : PSCmdlet
    {
        /// <summary>Addresses to show (wildcards allowed); all sessions when omitted.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("IPAddress", "HostName", "CN")]
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
                List<DeviceSession> matches = Matching(asked, name, out bool literal);
                if (matches.Count == 0 && literal)
                {
                    WriteError(new ErrorRecord(
                        new ItemNotFoundException($"This process has not asked a device at '{name}'."),
                        "Gasleser.SessionNotFound", ErrorCategory.ObjectNotFound, name)
                    {
                        ErrorDetails = new ErrorDetails($"This process has not asked a device at '{name}'.")
                        {
                            RecommendedAction = "Sessions exist only for devices this process has asked (Get-GasleserReading). Run Get-GasleserSession without a name to list them.",
                        },
                    });
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
        private static List<DeviceSession> Matching(List<DeviceSession> sessions, string name, out bool literal)
        {
            if (DeviceEndpoint.TryParse(name, DeviceEndpoint.DefaultPort, out DeviceEndpoint? endpoint, out _))
            {
                literal = true;
                return sessions.Where(s => s.Endpoint.Equals(endpoint)).ToList();
            }

            literal = !WildcardPattern.ContainsWildcardCharacters(name);
            var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
            return sessions.Where(s => pattern.IsMatch(s.Endpoint.ComputerName)).ToList();
        }
    }
}
