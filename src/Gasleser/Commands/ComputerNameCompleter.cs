using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using Gasleser.Sessions;

namespace Gasleser.Commands
{
    /// <summary>
    /// Tab completion for -ComputerName: the addresses of devices this process has heard from (a reading,
    /// or at least a 429), and those this user reached before on this machine (<see cref="KnownDevices"/>),
    /// whose address starts with the word typed; the tooltip names the device. Internal: PowerShell creates
    /// it from the module's own [ArgumentCompleter] attributes, and no script is meant to name it.
    /// </summary>
    internal sealed class ComputerNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(
            string commandName,
            string parameterName,
            string wordToComplete,
            CommandAst commandAst,
            IDictionary fakeBoundParameters)
        {
            string typed = (wordToComplete ?? "").Trim('\'', '"');
            var pattern = new WildcardPattern(
                WildcardPattern.Escape(typed) + "*", WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);

            var offers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (KnownDevices.Entry known in KnownDevices.Read())
            {
                offers[known.ComputerName] = string.Format(
                    CultureInfo.CurrentCulture, "{0}: {1}, last reached {2:g}", known.ComputerName, known.DeviceId, known.LastReached.ToLocalTime());
            }

            // What this process knows is newer than the file.
            foreach (DeviceSession session in SessionRegistry.All.Where(s => s.LastReading != null || s.RateLimitedAnswers > 0))
            {
                offers[session.Endpoint.ComputerName] = ToolTip(session.Endpoint.ComputerName, session.LastReading);
            }

            return offers
                .Where(o => pattern.IsMatch(o.Key))
                .OrderBy(o => o.Key, StringComparer.OrdinalIgnoreCase)
                .Select(o => new CompletionResult(o.Key, o.Key, CompletionResultType.ParameterValue, o.Value))
                .ToList();
        }

        private static string ToolTip(string address, GasleserReading? reading) =>
            reading == null
                ? address + " (answered 429 only: another client polls it)"
                : string.Format(CultureInfo.CurrentCulture, "{0}: {1}, {2:N3} m³ at {3:t}", address, reading.DeviceId, reading.TotalConsumption, reading.Timestamp.ToLocalTime());
    }
}
