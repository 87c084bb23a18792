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
    /// Tab completion for -ComputerName: the addresses of devices this process has heard from (a
    /// reading, or at least a 429), whose address starts with the word typed. Any cmdlet gets it with
    /// one line on its parameter: <c>[ArgumentCompleter(typeof(ComputerNameCompleter))]</c>.
    /// </summary>
    public sealed class ComputerNameCompleter : IArgumentCompleter
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

            return SessionRegistry.All
                .Where(s => s.LastReading != null || s.RateLimitedAnswers > 0)
                .Select(s => (Address: s.Endpoint.ComputerName, Reading: s.LastReading))
                .Where(s => pattern.IsMatch(s.Address))
                .OrderBy(s => s.Address, StringComparer.OrdinalIgnoreCase)
                .Select(s => new CompletionResult(s.Address, s.Address, CompletionResultType.ParameterValue, ToolTip(s.Address, s.Reading)))
                .ToList();
        }

        private static string ToolTip(string address, GasleserReading? reading) =>
            reading == null
                ? address + " (answered 429 only: another client polls it)"
                : string.Format(CultureInfo.CurrentCulture, "{0}: {1}, {2:N3} m³ at {3:t}", address, reading.DeviceId, reading.TotalConsumption, reading.Timestamp.ToLocalTime());
    }
}
