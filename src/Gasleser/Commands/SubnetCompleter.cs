using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Net;
using Gasleser.Discovery;

namespace Gasleser.Commands
{
    /// <summary>Tab completion for Find-Gasleser -Subnet: this machine's own subnets (what Find sweeps by default).</summary>
    internal sealed class SubnetCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(
            string commandName,
            string parameterName,
            string wordToComplete,
            CommandAst commandAst,
            IDictionary fakeBoundParameters)
        {
            IReadOnlyList<(string Subnet, string Interface, IPAddress Address)> subnets;
            try
            {
                subnets = LocalSubnets.OfThisMachineWithOrigin();
            }
            catch (Exception ex) when (ex is System.Net.NetworkInformation.NetworkInformationException || ex is PlatformNotSupportedException)
            {
                return Array.Empty<CompletionResult>(); // completion is a convenience: no interfaces, no offers
            }

            return Complete(subnets, wordToComplete);
        }

        /// <summary>The offers for <paramref name="wordToComplete"/> among <paramref name="subnets"/> (from <see cref="LocalSubnets.WithOrigin"/>).</summary>
        public static IReadOnlyList<CompletionResult> Complete(IEnumerable<(string Subnet, string Interface, IPAddress Address)> subnets, string? wordToComplete)
        {
            string typed = (wordToComplete ?? "").Trim('\'', '"');
            return subnets
                .Where(s => s.Subnet.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
                .Select(s => new CompletionResult(s.Subnet, s.Subnet, CompletionResultType.ParameterValue, $"{s.Subnet}: {s.Interface}, this machine is {s.Address}"))
                .ToList();
        }
    }
}
