using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using Gasleser.Dependencies;
using Gasleser.Loading;

namespace Gasleser.Commands
{
    /// <summary>
    /// Tab completion for Measure-GasleserUsage -TimeZone: IANA ids (Europe/Berlin) and Windows ids
    /// (W. Europe Standard Time) that start with the word typed, or contain it after a '/' (Berlin → Europe/Berlin).
    /// </summary>
    internal sealed class TimeZoneCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(
            string commandName,
            string parameterName,
            string wordToComplete,
            CommandAst commandAst,
            IDictionary fakeBoundParameters)
        {
            string typed = (wordToComplete ?? "").Trim('\'', '"');
            return PrivateDependencies.Use(() => TimeZoneIds.Known().ToList())
                .Where(id => id.StartsWith(typed, StringComparison.OrdinalIgnoreCase)
                    || id.IndexOf("/" + typed, StringComparison.OrdinalIgnoreCase) >= 0)
                .OrderBy(id => id.StartsWith(typed, StringComparison.OrdinalIgnoreCase) ? 0 : 1)
                .ThenBy(id => id, StringComparer.OrdinalIgnoreCase)
                .Select(id => new CompletionResult(Quoted(id), id, CompletionResultType.ParameterValue, id))
                .ToList();
        }

        private static string Quoted(string id) => id.IndexOf(' ') >= 0 ? "'" + id + "'" : id;
    }
}
