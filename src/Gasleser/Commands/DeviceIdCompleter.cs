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
    /// Tab completion for -DeviceId: the ids of the devices this process has read and those this user reached
    /// before on this machine (<see cref="KnownDevices"/>), whose id starts with the word typed; the tooltip says
    /// where each answered last. Internal, like the other completers.
    /// </summary>
    internal sealed class DeviceIdCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(
            string commandName,
            string parameterName,
            string wordToComplete,
            CommandAst commandAst,
            IDictionary fakeBoundParameters)
        {
            string typed = (wordToComplete ?? "").Trim('\'', '"');
            var offers = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (KnownDevices.Entry known in KnownDevices.Read().Reverse()) // the file is newest first: the newest wins
            {
                offers[known.DeviceId] = string.Format(
                    CultureInfo.CurrentCulture, "{0}: last reached at {1}, {2:g}", known.DeviceId, known.ComputerName, known.LastReached.ToLocalTime());
            }

            foreach (DeviceSession session in SessionRegistry.All.Where(s => s.LastReading != null))
            {
                GasleserReading reading = session.LastReading!;
                offers[reading.DeviceId] = string.Format(
                    CultureInfo.CurrentCulture, "{0}: read at {1}, {2:N3} m³ at {3:t}", reading.DeviceId, reading.ComputerName, reading.TotalConsumption, reading.Timestamp.ToLocalTime());
            }

            return offers
                .Where(o => IsDeviceId(o.Key) && o.Key.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
                .OrderBy(o => o.Key, StringComparer.Ordinal)
                .Select(o => new CompletionResult(o.Key, o.Key, CompletionResultType.ParameterValue, o.Value))
                .ToList();
        }

        /// <summary>A device id: 1 to 40 letters, digits, '_' and '-' (nothing a command line could misread).</summary>
        public static bool IsDeviceId(string text) => Readings.FieldText.IsDeviceId(text);

        /// <summary>Text that reads as a Gasleser's device id ("GAS_2329790123") and cannot be a host name (no underscore is).</summary>
        public static bool LooksLikeDeviceId(string text) =>
            text.StartsWith("GAS_", StringComparison.OrdinalIgnoreCase) && IsDeviceId(text);
    }
}
